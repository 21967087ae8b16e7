import { ALLOW_ALL_KMS_IAM_POLICY } from '../policy/allow-all';
import { authorize, type KeyAccessInputs } from '../evaluator';
import { stepPasses, type StepOutcome } from '../launch/evaluate';
import { autoScalingRoleArn, roleArn, type Partition } from '../policy/arns';
import { consumerProbes, type Probe, strangerProbes } from '../check/probes';
import { Fix, FixInputs, unexplainedFix } from './fixes';
import type { ContextEntry } from '../policy/kms-api';

/** Who and what the probes speak about. */
export interface ProofScope {
  readonly partition: Partition;
  readonly keyArn: string;
  readonly owner: string;
  readonly consumer: string;
  readonly serviceLinkedRoleSuffix?: string;
  readonly grantCreator: string;
  /** Facts the caller gave (organization membership, ...), as every request of the account carries them. */
  readonly facts: Readonly<Record<string, ContextEntry>>;
}

interface ProbeRun {
  readonly probe: Probe;
  readonly inputs: (i: FixInputs) => KeyAccessInputs;
}

const STRANGERS = ['999999999999', '999999999998', '999999999997'];

/**
 * check's least-privilege probes, run on what doctor was given: a stranger account, the grant
 * creator with its own IAM policies, and any other principal of the consumer account holding
 * kms:* in IAM. Bounded by the consumer's SCPs where they apply.
 */
function probeRuns(scope: ProofScope): ProbeRun[] {
  const stranger = STRANGERS.find((a) => a !== scope.owner && a !== scope.consumer)!;
  const probeScope = { partition: scope.partition, keyArn: scope.keyArn, owner: scope.owner };
  const ownRole = autoScalingRoleArn(scope.partition, scope.consumer, scope.serviceLinkedRoleSuffix);
  const other = roleArn(scope.partition, scope.consumer, 'keyshare-probe-other-principal');
  const base = (i: FixInputs) => ({ keyArn: scope.keyArn, keyPolicy: i.keyPolicy, grants: i.grants });
  return [
    ...strangerProbes(probeScope, stranger).map((probe) => ({
      probe,
      inputs: (i: FixInputs) => ({ ...base(i), identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY] }),
    })),
    ...consumerProbes(probeScope, scope.grantCreator, scope.consumer, ownRole, stranger, scope.facts).map((probe) => ({
      probe,
      inputs: (i: FixInputs) => ({ ...base(i), identityPolicies: i.identityPolicies, scps: i.scps }),
    })),
    ...consumerProbes(probeScope, other, scope.consumer, ownRole, stranger, scope.facts).map((probe) => ({
      probe: { ...probe, id: `other-principal:${probe.id}`, title: `another principal of ${scope.consumer} with kms:* in IAM: ${probe.title}` },
      inputs: (i: FixInputs) => ({ ...base(i), identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY], scps: i.scps }),
    })),
  ];
}

/** The probes allowed with `after` that were not with `before`: access the change would widen. */
export function widenedBy(scope: ProofScope, before: FixInputs, after: FixInputs): Probe[] {
  const allowed = (run: ProbeRun, i: FixInputs) => authorize(run.inputs(i), run.probe.request).decision === 'Allowed';
  return probeRuns(scope)
    .filter((run) => allowed(run, after) && !allowed(run, before))
    .map((run) => run.probe);
}

/**
 * Re-proves every fix before it is printed. Applied alone, a fix must widen no other principal's
 * access (no probe newly allowed); applied together with the others, it must make the steps it
 * claims pass, unless a Deny keyshare prints no change for still holds one of them. A fix that fails
 * either proof is not printed: an `unexplained` entry says why instead.
 */
export function proveFixes(
  fixes: readonly Fix[],
  scope: ProofScope,
  base: FixInputs,
  evaluate: (inputs: FixInputs) => readonly StepOutcome[],
  failing: readonly StepOutcome[],
): Fix[] {
  const outcomeOf = (id: string) => failing.find((o) => o.step.id === id) ?? failing[0];
  const safe = fixes.map((fix): Fix => {
    if (!fix.apply) return fix;
    const widened = widenedBy(scope, base, fix.apply(base));
    if (widened.length === 0) return fix;
    return unexplainedFix(
      outcomeOf(fix.steps[0]),
      `keyshare's candidate fix (${fix.action}) would also allow: ${widened.map((p) => p.title).join('; ')}; it is not printed`,
    );
  });
  const combined = safe.reduce((inputs, fix) => (fix.apply ? fix.apply(inputs) : inputs), base);
  const outcomes = evaluate(combined);
  // A step some fix leaves unchanged on purpose (a Deny, a fact to pass) cannot pass here.
  const held = new Set(safe.filter((f) => !f.apply).flatMap((f) => f.steps));
  return safe.map((fix) => {
    if (!fix.apply) return fix;
    const unproven = fix.steps.filter((id) => !held.has(id) && !outcomes.some((o) => o.step.id === id && stepPasses(o)));
    if (unproven.length === 0) return fix;
    return unexplainedFix(
      outcomeOf(fix.steps[0]),
      `keyshare's candidate fix (${fix.action}) does not make ${unproven.join(', ')} pass when applied, so it is not printed: see the trace of the step`,
    );
  });
}
