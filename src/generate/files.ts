import { aliasArn, organizationLaunchTargets } from '../policy/arns';
import { InputError } from '../errors';
import { COMMENT_MARKER } from '../review/comment';
import { renderTemplate } from '../templates/engine';
import { trusted } from '../templates/escape';
import { AWS_PROVIDER_VERSION, ROOT_TERRAFORM_VERSION } from '../terraform/versions';
import type { AccountRoot, GeneratePlan } from './plan';

/**
 * Every file `keyshare generate` writes, by path relative to the output directory. Pure: the
 * same plan renders the same bytes, wherever the command runs.
 */

export const OWNER_ROOT = 'owner';
export const accountRoot = (account: string) => `accounts/${account}`;
export const waveFile = (wave: number) => `waves/wave-${String(wave).padStart(2, '0')}.txt`;

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
  { template: 'generate/github-rollout.yml', path: '.github/workflows/keyshare-rollout.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
  { template: 'generate/atlantis.yaml', path: 'atlantis.yaml' },
  { template: 'generate/github-review.yml', path: '.github/workflows/keyshare-review.yml', maxBytes: GITHUB_WORKFLOW_MAX_BYTES },
];

/**
 * The GitHub Actions review workflow for a cdktf project (examples/github/keyshare-review.yml):
 * synth, plan every stack, review, one sticky comment. A rollout gets its own, in CI_TEMPLATES.
 */
export function synthReviewWorkflow(config: string): string {
  // `config` is the path the example names (examples/github/keyshare-review.yml), never an input's text.
  return renderTemplate('review/github-synth.yml', { config: trusted(config), marker: trusted(COMMENT_MARKER) });
}

export interface RenderOptions {
  /** Called after each account root, for a progress display. */
  readonly progress?: (done: number, total: number) => void;
}

export function renderRollout(plan: GeneratePlan, modules: ReadonlyMap<string, string>, options: RenderOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  for (const [rel, text] of modules) files.set(`modules/${rel}`, text);

  const view = rolloutView(plan);
  files.set(`${OWNER_ROOT}/main.tf`, renderTemplate('generate/owner.tf', view.owner));
  files.set(`${OWNER_ROOT}/consumers.tf`, renderTemplate('generate/consumers.tf', view.consumers));
  const total = plan.accounts.length;
  plan.accounts.forEach((account, i) => {
    files.set(`${accountRoot(account.account)}/main.tf`, renderTemplate('generate/account.tf', accountView(plan, view.common, account)));
    options.progress?.(i + 1, total);
  });
  view.waves.forEach((wave) => files.set(String(wave.file), `${wave.accounts.join('\n')}\n`));
  for (const ci of CI_TEMPLATES) {
    const text = renderTemplate(ci.template, view);
    const bytes = Buffer.byteLength(text);
    if (ci.maxBytes !== undefined && bytes > ci.maxBytes) {
      throw new InputError(
        '--accounts',
        `${total} accounts`,
        `make ${ci.path} ${Math.ceil(bytes / 1024)} KB, over the ${ci.maxBytes / 1024} KB its CI system reads`,
        'split the rollout with --ou (or --exclude) into several output directories, each with its own CI',
      );
    }
    files.set(ci.path, text);
  }
  files.set('README.md', renderTemplate('generate/README.md', view));
  return files;
}

function stateKey(plan: GeneratePlan, root: string): string {
  // Apart from synth's `<prefix>/<stack>.tfstate`: the same config may serve both.
  return `${plan.rollout.backend?.s3.keyPrefix ?? ''}/generate/${root}.tfstate`;
}

function rolloutView(plan: GeneratePlan) {
  const { rollout } = plan;
  const { partition, owner, key, organization } = rollout;
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
  const waves = plan.waves.map((accounts, i) => ({
    number: i + 1,
    file: trusted(waveFile(i + 1)),
    job: trusted(`wave-${i + 1}`),
    previousJob: trusted(i === 0 ? 'owner' : `wave-${i}`),
    accounts: accounts.map((a) => a.account),
    // Account IDs are 12 digits (inventory.ts refuses any other): a JSON list is a YAML flow sequence.
    matrix: trusted(JSON.stringify(accounts.map((a) => a.account))),
    first: accounts[0].account,
    last: accounts[accounts.length - 1].account,
    size: accounts.length,
  }));
  const skipped = Object.entries(plan.skipped).map(([state, count]) => ({ state, count }));
  return {
    common,
    owner: {
      ...common,
      owner: trusted(owner.account),
      partition,
      deployRoleArn: owner.deployRoleArn ?? null,
      stateKey: stateKey(plan, OWNER_ROOT),
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
      ownerIsConsumer: plan.ownerIsConsumer,
      consumers: rollout.consumers.map((c) => c.account),
      suffixes: rollout.consumers.flatMap((c) => (c.serviceLinkedRoleSuffix ? [{ account: c.account, suffix: c.serviceLinkedRoleSuffix }] : [])),
    },
    ownerAccount: owner.account,
    ownerRoot: trusted(OWNER_ROOT),
    // Regions are validated against the region pattern (config/fields.ts).
    region: trusted(owner.region),
    alias: key.alias,
    keyArn: common.keyArn,
    organization,
    accounts: plan.accounts.map((a) => ({
      account: trusted(a.account),
      name: a.name,
      wave: a.wave,
      deployRoleArn: a.deployRoleArn,
      dir: trusted(accountRoot(a.account)),
    })),
    accountCount: plan.accounts.length,
    waves,
    lastWave: waves.length > 0 ? waves[waves.length - 1].job : 'owner',
    skipped,
    excluded: plan.excluded,
    outsideOus: plan.outsideOus,
    outsideOrganizationPaths: plan.outsideOrganizationPaths,
    ownerIsConsumer: plan.ownerIsConsumer,
    localState: rollout.backend === undefined,
    // The review workflow finds its pull-request comment by this line.
    marker: trusted(COMMENT_MARKER),
  };
}

function accountView(plan: GeneratePlan, common: ReturnType<typeof rolloutView>['common'], account: AccountRoot) {
  return {
    ...common,
    account: trusted(account.account),
    wave: account.wave,
    deployRoleArn: account.deployRoleArn,
    stateKey: stateKey(plan, accountRoot(account.account)),
    suffix: account.serviceLinkedRoleSuffix ?? null,
    createServiceLinkedRole: account.createServiceLinkedRole,
    attachPolicyToRoles: account.attachPolicyToRoles,
  };
}
