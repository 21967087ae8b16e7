import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../src/policy/document';
import type { Decision } from '../../src/evaluator/types';

/**
 * The independent IAM simulator (@cloud-copilot/iam-simulate, AGPL: tests only) deciding one KMS
 * request against a key policy and the caller's identity policies. It does not model grants.
 */
export interface OracleRequest {
  readonly keyPolicy: PolicyDocument;
  readonly keyArn: string;
  readonly principal: string;
  readonly action: string;
  readonly identityPolicies?: readonly PolicyDocument[];
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export async function oracle(req: OracleRequest): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: req.principal,
        action: req.action,
        resource: { resource: req.keyArn, accountId: req.keyArn.split(':')[4] },
        contextVariables: { ...(req.context ?? {}) },
      },
      identityPolicies: (req.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: req.keyPolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulator rejected the case: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** An identity policy that allows every KMS action on every key: only the key policy can stop it. */
export const ALL_KMS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
};
