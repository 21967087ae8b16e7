import type { GenerateResult } from './index';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { json, Renderers } from '../render/format';
import { renderTemplate } from '../templates/engine';

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
  const { plan, output } = r;
  return {
    out: r.out,
    owner: plan.rollout.owner.account,
    organization: plan.rollout.organization.id,
    ownerIsConsumer: plan.ownerIsConsumer,
    accounts: plan.accounts.map((a) => ({ account: a.account, name: a.name, wave: a.wave, deployRoleArn: a.deployRoleArn })),
    waves: plan.waves.map((w) => w.map((a) => a.account)),
    canary: plan.canary,
    // Undefined on a first run: there is nothing to compare with.
    added: plan.added ?? null,
    left: plan.left ?? null,
    leaving: plan.leaving.map((l) => ({ account: l.account, name: l.name, wave: l.wave })),
    skipped: plan.skipped,
    excluded: plan.excluded,
    outsideOus: plan.outsideOus,
    outsideOrganizationPaths: plan.outsideOrganizationPaths,
    configOnly: plan.configOnly,
    defaultDeployRole: plan.defaultDeployRole,
    keyPolicyBytes: r.keyPolicyBytes,
    proven: r.proven,
    forgotten: r.forgotten,
    files: { written: output.written.length, changed: output.changed, kept: output.kept, removed: output.removed },
  };
}

function generateView(r: GenerateResult) {
  const { plan, output } = r;
  const skipped = Object.entries(plan.skipped).map(([state, count]) => ({ state, count }));
  return {
    out: r.out,
    accounts: plan.accounts.length,
    waves: plan.waves.length,
    largestWave: Math.max(0, ...plan.waves.map((w) => w.length)),
    inventory: plan.inventoryAccounts,
    skipped,
    skippedTotal: skipped.reduce((n, s) => n + s.count, 0),
    excluded: plan.excluded,
    outsideOus: plan.outsideOus,
    outsideOrganizationPaths: plan.outsideOrganizationPaths,
    ownerIsConsumer: plan.ownerIsConsumer,
    ownerInInventory: plan.ownerInInventory,
    owner: plan.rollout.owner.account,
    organization: plan.rollout.organization.id,
    keyPolicyBytes: r.keyPolicyBytes,
    keyPolicyMax: KEY_POLICY_MAX_BYTES,
    proven: r.proven,
    defaultDeployRole: plan.defaultDeployRole,
    deployRoleExample: plan.accounts[0]?.deployRoleArn ?? null,
    configOnly: firstFew(plan.configOnly),
    configOnlyCount: plan.configOnly.length,
    written: output.written.length,
    changed: output.changed.length,
    kept: firstFew(output.kept),
    keptCount: output.kept.length,
    canary: plan.canary ? plan.waves[0].length : 0,
    firstRun: plan.added === undefined,
    added: named(plan.added ?? []),
    addedCount: plan.added?.length ?? 0,
    left: named(plan.left ?? []),
    leftCount: plan.left?.length ?? 0,
    leavingCount: plan.leaving.length,
    forgotten: firstFew(r.forgotten),
    forgottenCount: r.forgotten.length,
    createVolume: plan.rollout.generate?.createVolumePermissions ?? false,
    createVolumeResources:
      (plan.rollout.generate?.createVolumePermissions ?? false)
        ? plan.accounts.length * new Set(plan.rollout.amis.flatMap((a) => a.snapshotIds)).size
        : 0,
    localState: plan.rollout.backend === undefined,
  };
}

export const generateRenderers: Renderers<GenerateResult> = {
  text: (r) => renderTemplate('generate.txt', generateView(r)),
  markdown: (r) => renderTemplate('generate.md', generateView(r)),
  json: (r) => json(generateJson(r)),
};
