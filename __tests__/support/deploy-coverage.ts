import { DEPLOY_PATH, DEPLOY_PHASES, deployPathOf, permissionOf, PROVIDER_DEPLOY_PATH, type DeployPhase } from '../../src/policy/deploy-path';
import type { AttributedCall } from './lifecycle';
import { OWNER } from './rollouts';

/** A model entry that a suite does not make the provider call, and why. Without `actions`, every call of the phase. */
export interface Unreached {
  readonly type: string;
  readonly phase: DeployPhase;
  readonly actions?: readonly string[];
  readonly why: string;
}

/** Where a recorded call acts, in the model's terms: a consumer's KMS call is on the owner's shared key. */
const onOf = (c: AttributedCall) => (c.service === 'kms' && c.account !== OWNER ? 'shared-key' : 'own');
const named = (type: string, phase: string, permission: string, on: string) => `${type} ${phase} ${permission} ${on}`;

/** What a real-provider suite's recorded calls say of the deploy-path model (src/policy/deploy-path.ts); each list should be empty. */
export interface ModelCoverage {
  /** Calls (and the permissions the simulator decided for them) that the model does not list for their type and phase. */
  readonly outside: string[];
  /** Entries of the suite's types that the provider never called and that `unreached` does not explain. */
  readonly uncalled: string[];
  /** `unreached` entries the provider did call: stale. */
  readonly stale: string[];
  /** `unreached` actions that are not in the model at all. */
  readonly unknown: string[];
}

/**
 * Holds `history` to the model: every call in it, and, for the types `covers` (those the suite
 * deploys; `provider` included), every entry of the model called, but for `unreached`.
 */
export function modelCoverage(history: readonly AttributedCall[], covers: (type: string) => boolean, unreached: readonly Unreached[]): ModelCoverage {
  const recorded = new Set<string>();
  const outside = new Set<string>();
  for (const c of history) {
    // The call itself, and every permission the simulator decided for it (CreatePolicy with tags: iam:TagPolicy too).
    for (const permission of new Set([`${c.service}:${c.action}`, ...c.permissions])) {
      const key = named(c.type, c.phase, permission, onOf(c));
      recorded.add(key);
      const modelled = deployPathOf(c.type)?.phases[c.phase as DeployPhase] ?? [];
      if (!modelled.some((m) => permissionOf(m) === permission && m.on === onOf(c))) outside.add(key);
    }
  }
  const notExercised = new Set(
    unreached.flatMap(({ type, phase, actions }) =>
      (deployPathOf(type)?.phases[phase] ?? [])
        .filter((m) => !actions || actions.includes(permissionOf(m)))
        .map((m) => named(type, phase, permissionOf(m), m.on)),
    ),
  );
  const modelled = [
    ...new Set(
      [...DEPLOY_PATH, PROVIDER_DEPLOY_PATH]
        .filter((e) => covers(e.type))
        .flatMap((e) => DEPLOY_PHASES.flatMap((phase) => (e.phases[phase] ?? []).map((m) => named(e.type, phase, permissionOf(m), m.on)))),
    ),
  ];
  return {
    outside: [...outside].sort(),
    uncalled: modelled.filter((k) => !recorded.has(k) && !notExercised.has(k)).sort(),
    stale: [...notExercised].filter((k) => recorded.has(k)),
    unknown: unreached.flatMap((u) => (u.actions ?? []).filter((a) => !modelled.includes(named(u.type, u.phase, a, 'own')))),
  };
}
