import { CROSS_ACCOUNT_OPERATIONS } from '../policy/actions';
import type { Partition } from '../policy/arns';
import type { GrantOutcome } from './grants';
import type { EvaluationRequest, PolicyOutcome } from './policy';
import type { Decision } from './types';

/** Everything weighed for one request, per policy; `missing.ts` and `trace.ts` read it. */
export interface Evaluation {
  readonly request: EvaluationRequest;
  readonly owner: string;
  /** The key's partition. */
  readonly partition: Partition;
  readonly crossAccount: boolean;
  readonly keyPolicy: PolicyOutcome;
  /** Undefined when IAM policies do not apply: the root user, a service principal. */
  readonly identity?: readonly PolicyOutcome[];
  /** Undefined when SCPs do not apply (service-linked role, service principal, management account). */
  readonly scps?: readonly PolicyOutcome[];
  /** Undefined when RCPs do not apply (service-linked role, the management account's key, an AWS managed key, RetireGrant). */
  readonly rcps?: readonly PolicyOutcome[];
  /** The caller's permissions boundary; undefined when it has none or IAM policies do not apply. */
  readonly boundary?: PolicyOutcome;
  readonly grants: GrantOutcome;
  readonly identityAllows: boolean;
  readonly identityPoliciesGiven: number;
  readonly grantsGiven: number;
}

const CROSS_ACCOUNT = new Set(CROSS_ACCOUNT_OPERATIONS.map((op) => op.toLowerCase()));

/**
 * "In all those policies [SCPs and RCPs, resource-based, identity-based, permissions boundaries], the
 * enforcement code looks for a Deny statement" (IAM User Guide, "Policy evaluation logic").
 */
export function explicitDenies(e: Evaluation): boolean {
  const denies = (o: PolicyOutcome) => o.denies.length > 0;
  return (
    denies(e.keyPolicy) ||
    (e.identity ?? []).some(denies) ||
    (e.scps ?? []).some(denies) ||
    (e.rcps ?? []).some(denies) ||
    (e.boundary !== undefined && denies(e.boundary))
  );
}

export function crossAccountBlocked(e: Evaluation): boolean {
  return e.crossAccount && !CROSS_ACCOUNT.has(e.request.actionKey);
}

export function scpsFailing(e: Evaluation): number[] {
  const failing: number[] = [];
  (e.scps ?? []).forEach((o, i) => {
    if (o.allows.length === 0) failing.push(i);
  });
  return failing;
}

/**
 * Identity-based permissions pass the permissions boundary: "the entity can perform only the actions
 * that are allowed by both its identity-based policies and its permissions boundaries" (IAM User Guide,
 * "Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
export function boundaryAllows(e: Evaluation): boolean {
  return e.boundary === undefined || e.boundary.allows.length > 0;
}

/**
 * "The kms:RetireGrant permission is not effective in a key policy": the grant decides who may
 * retire it (KMS developer guide, "Retiring and revoking grants",
 * https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html). See `grants.ts`.
 */
export function grantDecidesAlone(e: Evaluation): boolean {
  return e.request.actionKey === 'retiregrant';
}

/**
 * Within one account a key policy that names the caller allows by itself, and one that names its
 * account delegates to its IAM policies; across accounts both the key policy and the caller's IAM
 * policies must allow. A permissions boundary limits the identity-based side and a key policy
 * statement that names the caller's role ARN; a statement naming the session or user itself is "not
 * limited by an implicit deny in ... a permissions boundary" within the account (IAM User Guide,
 * "Policy evaluation logic"). Across accounts the identity-based policy is always needed, so the
 * boundary always applies ("Cross-account policy evaluation logic").
 */
export function policiesAllow(e: Evaluation): boolean {
  if (grantDecidesAlone(e)) return false;
  const bounded = boundaryAllows(e);
  const identity = e.identityAllows && bounded;
  const direct = e.keyPolicy.allows.some((h) => h.match === 'direct');
  const account = e.keyPolicy.allows.some((h) => h.match === 'account');
  if (!e.crossAccount) return e.keyPolicy.allows.some((h) => h.match === 'direct' && (h.itself || bounded)) || (account && identity);
  return (direct || account) && identity;
}

/**
 * A grant to the caller itself needs no IAM policy, so no boundary limits it; a grant to its account
 * delegates to IAM policies, which the boundary limits.
 */
export function grantsAllow(e: Evaluation): boolean {
  return e.grants.allows.some((h) => h.match === 'direct' || (e.identityAllows && boundaryAllows(e)));
}

export function decide(e: Evaluation): Decision {
  if (explicitDenies(e)) return 'ExplicitlyDenied';
  if (crossAccountBlocked(e) || scpsFailing(e).length > 0) return 'ImplicitlyDenied';
  return policiesAllow(e) || grantsAllow(e) ? 'Allowed' : 'ImplicitlyDenied';
}
