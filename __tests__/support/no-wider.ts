import { ALLOW_ALL_KMS_IAM_POLICY } from '../../src/policy/allow-all';
import { authorize } from '../../src/evaluator';
import type { ContextValue, Grant } from '../../src/policy/kms-api';
import { consumerProbes, strangerProbes } from '../../src/check/probes';
import { autoScalingRoleArn, roleArn } from '../../src/policy/arns';
import type { PolicyDocument } from '../../src/policy/document';

/** What a user has, as doctor reads it. */
export interface Setup {
  readonly keyPolicy: PolicyDocument;
  readonly iam: readonly PolicyDocument[];
  readonly grants: readonly Grant[];
  readonly scps: readonly PolicyDocument[];
}

/**
 * check's least-privilege probes (src/check/probes.ts) decided on a user's setup: a stranger with
 * kms:* in IAM, the grant creator with its own IAM policies, another principal of the consumer
 * account with kms:* in IAM, bounded by the SCPs. Returns the probes `after` allows and `before`
 * did not: the access a printed fix would widen.
 */
export interface Who {
  readonly keyArn: string;
  readonly owner: string;
  readonly consumer: string;
  readonly creator: string;
  readonly facts?: Record<string, ContextValue>;
}

export function widened(before: Setup, after: Setup, who: Who): string[] {
  const scope = { partition: 'aws' as const, keyArn: who.keyArn, owner: who.owner };
  const stranger = '999900002222';
  const role = autoScalingRoleArn('aws', who.consumer);
  const runs = [
    ...strangerProbes(scope, stranger).map((probe) => ({
      probe,
      inputs: (s: Setup) => ({ keyArn: who.keyArn, keyPolicy: s.keyPolicy, identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY], grants: s.grants }),
    })),
    ...consumerProbes(scope, who.creator, who.consumer, role, stranger, who.facts ?? {}).map((probe) => ({
      probe,
      inputs: (s: Setup) => ({ keyArn: who.keyArn, keyPolicy: s.keyPolicy, identityPolicies: s.iam, grants: s.grants, scps: s.scps }),
    })),
    ...consumerProbes(scope, roleArn('aws', who.consumer, 'someone-else'), who.consumer, role, stranger, who.facts ?? {}).map((probe) => ({
      probe,
      inputs: (s: Setup) => ({
        keyArn: who.keyArn,
        keyPolicy: s.keyPolicy,
        identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY],
        grants: s.grants,
        scps: s.scps,
      }),
    })),
  ];
  const allowed = (run: (typeof runs)[number], s: Setup) => authorize(run.inputs(s), run.probe.request).decision === 'Allowed';
  return runs.filter((run) => allowed(run, after) && !allowed(run, before)).map((run) => `${run.probe.id} (${run.probe.request.principal})`);
}
