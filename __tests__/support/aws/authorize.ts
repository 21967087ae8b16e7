import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../../src/policy/document';
import { AwsError } from './protocols';
import type { Credentials, World } from './world';

/**
 * Every authorization decision the endpoint makes comes from the independent IAM simulator
 * (@cloud-copilot/iam-simulate, AGPL: tests only), never from keyshare's own evaluator: the caller's
 * identity policies, and the resource's policy (a KMS key policy, a role's trust policy).
 * KMS: "a principal in one account can use a KMS key in another only if the key policy and the
 * caller's IAM policy both allow it" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
 */
export interface AuthorizationRequest {
  readonly caller: Credentials;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly resourcePolicy?: PolicyDocument;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/**
 * The permissions the endpoint has asked the simulator about for the call it is serving: it serves
 * one call at a time, and records them with the call (one API call may need several permissions,
 * e.g. CreatePolicy with tags also needs iam:TagPolicy).
 */
export const checkedPermissions: string[] = [];

export async function decide(req: AuthorizationRequest): Promise<string> {
  if (!checkedPermissions.includes(req.action)) checkedPermissions.push(req.action);
  const result = await runSimulation(
    {
      request: {
        principal: req.caller.arn,
        action: req.action,
        resource: { resource: req.resource, accountId: req.resourceAccount },
        contextVariables: { ...(req.context ?? {}) },
      },
      identityPolicies: req.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: req.resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`the simulator refused ${req.action} on ${req.resource}: ${JSON.stringify(result.errors)}`);
  return String(result.overallResult);
}

/** Throws AWS's AccessDeniedException unless the simulator allows the request. */
export async function authorize(req: AuthorizationRequest, code = 'AccessDeniedException'): Promise<void> {
  const decision = await decide(req);
  if (decision !== 'Allowed') {
    const via = req.resourcePolicy ? 'because no resource-based policy allows' : 'because no identity-based policy allows';
    throw new AwsError(
      code,
      `User: ${req.caller.arn} is not authorized to perform: ${req.action} on resource: ${req.resource} ${via} the ${req.action} action (${decision})`,
    );
  }
}

/** Same-account calls (IAM, EC2): the caller's identity policies alone decide. */
export async function authorizeIdentity(world: World, caller: Credentials, action: string, resource: string, code: string): Promise<void> {
  await authorize({ caller, action, resource, resourceAccount: caller.account, identityPolicies: world.identityPolicies(caller) }, code);
}
