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
  readonly grants: GrantOutcome;
  readonly identityAllows: boolean;
  readonly identityPoliciesGiven: number;
  readonly grantsGiven: number;
}

const CROSS_ACCOUNT = new Set(CROSS_ACCOUNT_OPERATIONS.map((op) => op.toLowerCase()));

export function explicitDenies(e: Evaluation): boolean {
  return e.keyPolicy.denies.length > 0 || (e.identity ?? []).some((o) => o.denies.length > 0) || (e.scps ?? []).some((o) => o.denies.length > 0);
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
 * "The kms:RetireGrant permission is not effective in a key policy": the grant decides who may
 * retire it (KMS developer guide, "Retiring and revoking grants",
 * https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html). See `grants.ts`.
 */
export function grantDecidesAlone(e: Evaluation): boolean {
  return e.request.actionKey === 'retiregrant';
}

export function policiesAllow(e: Evaluation): boolean {
  if (grantDecidesAlone(e)) return false;
  const direct = e.keyPolicy.allows.some((h) => h.match === 'direct');
  const account = e.keyPolicy.allows.some((h) => h.match === 'account');
  if (!e.crossAccount) return direct || (account && e.identityAllows);
  return (direct || account) && e.identityAllows;
}

export function grantsAllow(e: Evaluation): boolean {
  return e.grants.allows.some((h) => h.match === 'direct' || e.identityAllows);
}

export function decide(e: Evaluation): Decision {
  if (explicitDenies(e)) return 'ExplicitlyDenied';
  if (crossAccountBlocked(e) || scpsFailing(e).length > 0) return 'ImplicitlyDenied';
  return policiesAllow(e) || grantsAllow(e) ? 'Allowed' : 'ImplicitlyDenied';
}
