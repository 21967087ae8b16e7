import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { json, Renderers } from '../render/format';
import { renderTemplate } from '../templates/engine';
import type { OutputSummary } from '../output';
import type { AccountSelection } from './selection';

/** What `keyshare generate` did, as its summary reports it. */
export interface GenerateResult {
  readonly out: string;
  readonly selection: AccountSelection;
  readonly keyPolicyBytes: number;
  readonly proven: { readonly steps: number; readonly probes: number };
  /** What check's proof rests on beyond the AWS pages, as synth prints it. */
  readonly assumptions: readonly string[];
  readonly output: OutputSummary;
  /** Tombstone roots the previous output had and this one dropped (`--forget`). */
  readonly forgotten: readonly string[];
}

/** How many IDs or paths a summary line shows before it counts the rest. */
const SHOWN = 5;

/** Accounts named in full (ID and name): the summary of a run names every account that joined or left. */
function named(accounts: readonly { account: string; name: string }[]) {
  // Names come from the inventory: the template prints them as terminal text (one line, no controls).
  return accounts.map((a) => (a.name ? `${a.account} (${a.name})` : a.account));
}

function firstFew(names: readonly string[]) {
  return { shown: names.slice(0, SHOWN), more: Math.max(0, names.length - SHOWN) };
}

/** Stable shape for machines. */
export function generateJson(r: GenerateResult) {
  const { selection, output } = r;
  return {
    out: r.out,
    owner: selection.rollout.owner.account,
    organization: selection.rollout.organization.id,
    ownerIsConsumer: selection.ownerIsConsumer,
    accounts: selection.accounts.map((a) => ({ account: a.account, name: a.name, wave: a.wave, deployRoleArn: a.deployRoleArn })),
    waves: selection.waves.map((w) => w.map((a) => a.account)),
    canary: selection.canary,
    // Undefined on a first run: there is nothing to compare with.
    added: selection.added ?? null,
    left: selection.left ?? null,
    leaving: selection.leaving.map((l) => ({ account: l.account, name: l.name, wave: l.wave })),
    skipped: selection.skipped,
    excluded: selection.excluded,
    outsideOus: selection.outsideOus,
    outsideOrganizationPaths: selection.outsideOrganizationPaths,
    configOnly: selection.configOnly,
    defaultDeployRole: selection.defaultDeployRole,
    keyPolicyBytes: r.keyPolicyBytes,
    proven: r.proven,
    assumptions: r.assumptions,
    forgotten: r.forgotten,
    files: { written: output.written.length, changed: output.changed, kept: output.kept, removed: output.removed },
  };
}

function generateView(r: GenerateResult) {
  const { selection, output } = r;
  const skipped = Object.entries(selection.skipped).map(([state, count]) => ({ state, count }));
  return {
    out: r.out,
    accounts: selection.accounts.length,
    waves: selection.waves.length,
    largestWave: Math.max(0, ...selection.waves.map((w) => w.length)),
    inventory: selection.inventoryAccounts,
    skipped,
    skippedTotal: skipped.reduce((n, s) => n + s.count, 0),
    excluded: selection.excluded,
    outsideOus: selection.outsideOus,
    outsideOrganizationPaths: selection.outsideOrganizationPaths,
    ownerIsConsumer: selection.ownerIsConsumer,
    ownerInInventory: selection.ownerInInventory,
    owner: selection.rollout.owner.account,
    organization: selection.rollout.organization.id,
    keyPolicyBytes: r.keyPolicyBytes,
    keyPolicyMax: KEY_POLICY_MAX_BYTES,
    proven: r.proven,
    assumptions: r.assumptions,
    defaultDeployRole: selection.defaultDeployRole,
    deployRoleExample: selection.accounts[0]?.deployRoleArn ?? null,
    configOnly: firstFew(selection.configOnly),
    configOnlyCount: selection.configOnly.length,
    written: output.written.length,
    changed: output.changed.length,
    kept: firstFew(output.kept),
    keptCount: output.kept.length,
    canary: selection.canary ? selection.waves[0].length : 0,
    firstRun: selection.added === undefined,
    added: named(selection.added ?? []),
    addedCount: selection.added?.length ?? 0,
    left: named(selection.left ?? []),
    leftCount: selection.left?.length ?? 0,
    leavingCount: selection.leaving.length,
    forgotten: firstFew(r.forgotten),
    forgottenCount: r.forgotten.length,
    createVolume: selection.rollout.generate?.createVolumePermissions ?? false,
    createVolumeResources:
      (selection.rollout.generate?.createVolumePermissions ?? false)
        ? selection.accounts.length * new Set(selection.rollout.amis.flatMap((a) => a.snapshotIds)).size
        : 0,
    localState: selection.rollout.backend === undefined,
  };
}

export const generateRenderers: Renderers<GenerateResult> = {
  text: (r) => renderTemplate('generate.txt', generateView(r)),
  markdown: (r) => renderTemplate('generate.md', generateView(r)),
  json: (r) => json(generateJson(r)),
};
