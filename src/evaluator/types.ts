import type { PolicyDocument } from '../policy/document';
import type { Grant } from '../policy/kms-api';

/** Everything KMS would weigh for one request. An input that is absent counts as none. */
export interface KeyAccessInputs {
  readonly keyArn: string;
  readonly keyPolicy: PolicyDocument;
  /** Identity-based policies of the caller. */
  readonly identityPolicies?: readonly PolicyDocument[];
  readonly grants?: readonly Grant[];
  /**
   * SCPs that bound the caller's account. Each document stands for one level of the
   * organization (root, OU, account) and must allow the request; merge the SCPs attached at
   * one level into one document. They never restrict service-linked roles.
   */
  readonly scps?: readonly PolicyDocument[];
  /**
   * The caller is in the organization's management account, which SCPs do not affect
   * (AWS Organizations User Guide, "Service control policies"). Only the caller knows this.
   */
  readonly callerInManagementAccount?: boolean;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export type TraceSource = 'key-policy' | 'identity-policy' | 'grant' | 'scp';

export interface TraceEntry {
  readonly source: TraceSource;
  /** Sid, `Statement[i]` where there is no Sid, or the grant ID. */
  readonly id: string;
  readonly effect: 'Allow' | 'Deny';
  readonly detail: string;
}

export interface AuthorizationResult {
  readonly decision: Decision;
  /** Statements and grants that allowed or denied the request. */
  readonly trace: readonly TraceEntry[];
  /** For an implicit deny: what was missing, one sentence each (e.g. "no IAM policy of the caller allows kms:CreateGrant"). */
  readonly missing: readonly string[];
}
