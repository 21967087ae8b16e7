import { aliasArn, organizationLaunchTargets } from '../policy/arns';
import { InputError } from '../errors';
import type { KeyshareSource } from '../model/rollout';
import { KEYSHARE_VERSION } from '../project-root';
import { COMMENT_MARKER } from '../review/comment';
import { renderTemplate } from '../templates/engine';
import { Escaped, trusted } from '../templates/escape';
import { AWS_PROVIDER_VERSION, ROOT_TERRAFORM_VERSION } from '../terraform/versions';
import type { AccountRoot, AccountSelection, LeavingAccount, SelectOptions } from './selection';

/**
 * Every file `keyshare generate` writes, by path relative to the output directory. Pure: the
 * same selection renders the same bytes, wherever the command runs.
 */

export const OWNER_ROOT = 'owner';
export const accountRoot = (account: string) => `accounts/${account}`;
export const waveFile = (wave: number) => `waves/wave-${String(wave).padStart(2, '0')}.txt`;

/** Who is in which wave, and who is leaving: read back by the next run, so that waves hold still. */
export const WAVES_RECORD = '.keyshare/waves.json';

/** The rollout's own scripts (POSIX sh and git), executable; CI runs them, and so can anyone locally. */
export const SCRIPTS = [
  { template: 'generate/changed-roots.sh', path: '.keyshare/changed-roots' },
  { template: 'generate/matrix.sh', path: '.keyshare/matrix' },
  { template: 'generate/plan-roots.sh', path: '.keyshare/plan-roots' },
  { template: 'generate/apply-roots.sh', path: '.keyshare/apply-roots' },
] as const;

/**
 * How CI batches roots (`.keyshare/matrix`): each job plans or applies at least MIN_ROOTS roots
 * one after another, sharing one provider download, and one matrix holds at most MAX_JOBS jobs
 * (GitHub's limit is 256 a matrix: https://docs.github.com/en/actions/reference/limits). So a
 * change to one account is one job, and planning 5,000 roots is 200 jobs of 26.
 */
export const BATCH = { minRoots: 10, maxJobs: 200 } as const;

/** The Terraform release CI installs (hashicorp/setup-terraform takes a semver range). */
export const CI_TERRAFORM_VERSION = '~1.11.0';

/**
 * A CI system's files for the rollout: one template each, rendered with the same view model.
 * Another CI integration (a PR review workflow, #11) is one more entry here.
 */
export interface CiTemplate {
  readonly template: string;
  readonly path: string;
  /** Largest file the CI system reads. @default no limit */
  readonly maxBytes?: number;
}

/** "A workflow file larger than 500 KB will not start runs" (https://docs.github.com/en/actions/reference/limits). */
const GITHUB_WORKFLOW_MAX_BYTES = 500 * 1024;

export const CI_TEMPLATES: CiTemplate[] = [
  { template: 'generate/github/plan.yml', path: '.github/workflows/keyshare-plan.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
  { template: 'generate/github/review.yml', path: '.github/workflows/keyshare-review.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
  { template: 'generate/github/apply.yml', path: '.github/workflows/keyshare-apply.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
  { template: 'generate/github/drift.yml', path: '.github/workflows/keyshare-drift.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
  { template: 'generate/github/inventory-sync.yml', path: '.github/workflows/keyshare-inventory-sync.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
  { template: 'generate/github/action-install.yml', path: '.github/actions/keyshare-install/action.yml' },
  { template: 'generate/github/action-terraform.yml', path: '.github/actions/keyshare-terraform/action.yml' },
  { template: 'generate/atlantis.yaml', path: 'atlantis.yaml' },
];

/**
 * The GitHub Actions review workflow for a cdktf project (examples/github/keyshare-review.yml):
 * synth, plan every stack, review, one sticky comment. A rollout gets its own, in CI_TEMPLATES.
 */
export function synthReviewWorkflow(config: string): string {
  // `config` is the path the example names (examples/github/keyshare-review.yml), never an input's text.
  return renderTemplate('review/github-synth.yml', { config: trusted(config), marker: trusted(COMMENT_MARKER) });
}

export interface RolloutRenderOptions {
  /** Called after each account root, for a progress display. */
  readonly progress?: (done: number, total: number) => void;
  /** The selection the rollout was generated with: the inventory-sync workflow regenerates with it. */
  readonly options?: Pick<SelectOptions, 'ous' | 'exclude' | 'waveSize'>;
  /** What check's proof of the rollout rests on (`assertDeployable`): the README lists it. @default none */
  readonly assumptions?: readonly string[];
}

/** What `.keyshare/` and the CI files hold besides the roots. */
export interface RenderedRollout {
  readonly files: Map<string, string>;
  /** Paths of `files` to make executable. */
  readonly executable: ReadonlySet<string>;
}

export function renderRollout(
  selection: AccountSelection,
  modules: ReadonlyMap<string, string>,
  options: RolloutRenderOptions = {},
): RenderedRollout {
  const files = new Map<string, string>();
  for (const [rel, text] of modules) files.set(`modules/${rel}`, text);

  const view = rolloutView(selection, options);
  const total = selection.accounts.length;
  // The CI files first: a rollout too large for its CI system is refused before thousands of roots render.
  const ci = CI_TEMPLATES.map((t) => {
    const text = renderTemplate(t.template, view);
    const bytes = Buffer.byteLength(text);
    if (t.maxBytes !== undefined && bytes > t.maxBytes) {
      throw new InputError(
        '--accounts',
        `${total} accounts`,
        `make ${t.path} ${Math.ceil(bytes / 1024)} KB, over the ${t.maxBytes / 1024} KB its CI system reads`,
        'split the rollout with --ou (or --exclude) into several output directories, each with its own CI, or raise --wave-size so there are fewer waves',
      );
    }
    return [t.path, text] as const;
  });
  files.set(`${OWNER_ROOT}/main.tf`, renderTemplate('generate/owner.tf', view.owner));
  files.set(`${OWNER_ROOT}/consumers.tf`, renderTemplate('generate/consumers.tf', view.consumers));
  selection.accounts.forEach((account, i) => {
    files.set(`${accountRoot(account.account)}/main.tf`, renderTemplate('generate/account.tf', accountView(selection, view.common, account)));
    options.progress?.(i + 1, total);
  });
  for (const leaving of selection.leaving) {
    files.set(`${accountRoot(leaving.account)}/main.tf`, renderTemplate('generate/tombstone.tf', tombstoneView(selection, view.common, leaving)));
  }
  view.waves.forEach((wave) => files.set(String(wave.file), wave.roots.map((r) => `${r}\n`).join('')));
  files.set(WAVES_RECORD, `${JSON.stringify(selection.record, null, 2)}\n`);
  for (const script of SCRIPTS) files.set(script.path, renderTemplate(script.template, view));
  for (const [path, text] of ci) files.set(path, text);
  files.set('README.md', renderTemplate('generate/README.md', view));
  return { files, executable: new Set(SCRIPTS.map((s) => s.path)) };
}

/** What the install step gets from the config: an npm name (the version is keyshare's own), or a git URL at a commit. */
function sourceSpec(source: KeyshareSource | undefined): string {
  if (source === undefined) return '';
  if ('package' in source) return source.package;
  return `${source.git.startsWith('git+') ? '' : 'git+'}${source.git}#${source.commit}`;
}

/**
 * The options to regenerate with, as command-line words for the inventory-sync workflow's shell.
 * Safe there unquoted: selectAccounts refused any --ou that is not an OU ID (OU_ID) and any
 * --exclude that is not a 12-digit account ID before anything renders, and --wave-size is a number.
 */
function generateOptions(options: RolloutRenderOptions['options']): Escaped {
  if (!options) return trusted('');
  return trusted(
    [...options.ous.map((ou) => ` --ou ${ou}`), ...options.exclude.map((id) => ` --exclude ${id}`), ` --wave-size ${options.waveSize}`].join(''),
  );
}

function stateKey(selection: AccountSelection, root: string): string {
  // Apart from synth's `<prefix>/<stack>.tfstate`: the same config may serve both.
  return `${selection.rollout.backend?.s3.keyPrefix ?? ''}/generate/${root}.tfstate`;
}

function rolloutView(selection: AccountSelection, options: RolloutRenderOptions) {
  const { rollout } = selection;
  const { partition, owner, key, organization } = rollout;
  const createVolume = rollout.generate?.createVolumePermissions ?? false;
  const common = {
    terraformVersion: ROOT_TERRAFORM_VERSION,
    awsVersion: AWS_PROVIDER_VERSION,
    region: owner.region,
    backend: rollout.backend ? { ...rollout.backend.s3, roleArn: rollout.backend.s3.roleArn ?? null } : null,
    // An existing key is named by its ARN; a key the owner root creates, by its alias ARN.
    keyArn: key.arn ?? aliasArn(partition, owner.region, owner.account, key.alias),
  };
  const targets = organizationLaunchTargets(organization);
  const self = rollout.consumers.find((c) => c.sameAccount);
  const leavingByWave = new Map<number, string[]>();
  for (const l of selection.leaving) leavingByWave.set(l.wave, [...(leavingByWave.get(l.wave) ?? []), l.account]);
  const waves = selection.waves.map((accounts, i) => {
    const ids = [...accounts.map((a) => a.account), ...(leavingByWave.get(i + 1) ?? [])].sort();
    return {
      number: i + 1,
      file: trusted(waveFile(i + 1)),
      job: trusted(`apply-wave-${i + 1}`),
      output: trusted(`wave${i + 1}`),
      previousJob: trusted(i === 0 ? 'apply-owner' : `apply-wave-${i}`),
      canary: selection.canary && i === 0,
      roots: ids.map(accountRoot),
      size: accounts.length,
      leaving: leavingByWave.get(i + 1)?.length ?? 0,
    };
  });
  const skipped = Object.entries(selection.skipped).map(([state, count]) => ({ state, count }));
  return {
    common,
    owner: {
      ...common,
      owner: trusted(owner.account),
      partition,
      deployRoleArn: owner.deployRoleArn ?? null,
      stateKey: stateKey(selection, OWNER_ROOT),
      administrators: key.administrators,
      organization,
      organizationGrantee: organization.grantee ?? null,
      existingKeyArn: key.arn ?? null,
      organizationArn: targets.organizationArn ?? null,
      organizationalUnitArns: targets.organizationalUnitArns,
      key,
      // Unset in the config: the module's own default, the same as synth's.
      description: key.description ?? null,
      rotation: key.rotation ?? null,
      deletionWindowDays: key.deletionWindowDays ?? null,
      createServiceLinkedRole: self?.createServiceLinkedRole ?? false,
      amis: rollout.amis,
    },
    consumers: {
      count: rollout.consumers.length,
      ownerIsConsumer: selection.ownerIsConsumer,
      createVolume,
      // The organization-scale key policy reads an account only for its role's suffix (and the owner's
      // own); without create-volume permissions, only those are listed, so the owner root stays the same
      // few resources and its files stay the same when an account joins or leaves.
      consumers: rollout.consumers.filter((c) => createVolume || c.sameAccount || c.serviceLinkedRoleSuffix).map((c) => c.account),
      suffixes: rollout.consumers.flatMap((c) => (c.serviceLinkedRoleSuffix ? [{ account: c.account, suffix: c.serviceLinkedRoleSuffix }] : [])),
    },
    ownerAccount: owner.account,
    ownerRoot: trusted(OWNER_ROOT),
    // Regions are validated against the region pattern (config/fields.ts).
    region: trusted(owner.region),
    alias: key.alias,
    keyArn: common.keyArn,
    organization,
    accounts: selection.accounts.map((a) => ({
      account: trusted(a.account),
      name: a.name,
      wave: a.wave,
      deployRoleArn: a.deployRoleArn,
      dir: trusted(accountRoot(a.account)),
    })),
    // Every account root, tombstones too, for Atlantis. Account IDs are 12 digits (inventory.ts refuses any other).
    roots: [...selection.accounts, ...selection.leaving]
      .sort((a, b) => (a.account < b.account ? -1 : 1))
      .map((a) => ({ account: trusted(a.account), wave: a.wave, dir: trusted(accountRoot(a.account)) })),
    leaving: selection.leaving.map((l) => ({ account: trusted(l.account), name: l.name, wave: l.wave, dir: trusted(accountRoot(l.account)) })),
    accountCount: selection.accounts.length,
    assumptions: options.assumptions ?? [],
    waves,
    createVolume,
    snapshotCount: new Set(rollout.amis.flatMap((a) => a.snapshotIds)).size,
    // keyshare's own package.json.
    keyshareVersion: trusted(KEYSHARE_VERSION),
    // Config text, though validated (NPM_PACKAGE_NAME, GIT_URL, GIT_COMMIT: no quote, `$`, backslash or
    // space): the workflows take it as a JSON string in an env value, the README as code.
    keyshareSource: sourceSpec(rollout.generate?.keyshare),
    // Validated against BRANCH_NAME (letters, digits, `._/-`): plain in YAML, in shell words and in markdown.
    defaultBranch: trusted(rollout.generate?.defaultBranch ?? 'main'),
    terraformCli: CI_TERRAFORM_VERSION,
    providerCacheKey: trusted(`aws-${AWS_PROVIDER_VERSION.replace(/[^0-9A-Za-z.]+/g, '')}`),
    minRoots: BATCH.minRoots,
    maxJobs: BATCH.maxJobs,
    generateOptions: generateOptions(options.options),
    skipped,
    excluded: selection.excluded,
    outsideOus: selection.outsideOus,
    outsideOrganizationPaths: selection.outsideOrganizationPaths,
    ownerIsConsumer: selection.ownerIsConsumer,
    localState: rollout.backend === undefined,
    // The review workflow finds its pull-request comment by this line.
    marker: trusted(COMMENT_MARKER),
  };
}

function tombstoneView(selection: AccountSelection, common: ReturnType<typeof rolloutView>['common'], leaving: LeavingAccount) {
  return {
    ...common,
    account: trusted(leaving.account),
    deployRoleArn: leaving.deployRoleArn,
    stateKey: stateKey(selection, accountRoot(leaving.account)),
  };
}

function accountView(selection: AccountSelection, common: ReturnType<typeof rolloutView>['common'], account: AccountRoot) {
  return {
    ...common,
    account: trusted(account.account),
    wave: account.wave,
    deployRoleArn: account.deployRoleArn,
    stateKey: stateKey(selection, accountRoot(account.account)),
    suffix: account.serviceLinkedRoleSuffix ?? null,
    createServiceLinkedRole: account.createServiceLinkedRole,
    attachPolicyToRoles: account.attachPolicyToRoles,
  };
}
