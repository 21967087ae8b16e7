import type { PolicyDocument } from '../policy/document';

/** A value in the request context, as the condition operators compare it. */
export type ContextValue = string | boolean | number | readonly string[];

/** One KMS API request to decide. */
export interface KmsRequest {
  /**
   * The caller: an account root, IAM user or role, an assumed-role session
   * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`), or a service-linked role.
   */
  readonly principal: string;
  /** `kms:<Operation>`, e.g. `kms:CreateGrant`. */
  readonly action: string;
  /** The key ARN the request targets. Default: the inputs' key ARN. */
  readonly resource?: string;
  /**
   * Request context. `aws:PrincipalArn`, `aws:PrincipalAccount` and `kms:CallerAccount` are
   * derived from the principal when absent; organization keys must be given.
   */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** Encryption context of the request, matched against grant constraints. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /**
   * For `kms:CreateGrant`: the constraints of the grant being created. A grantee that creates a
   * grant through its own grant may only create one at least as strict (KMS developer guide,
   * "Creating grants", "Granting CreateGrant permission"). Absent means none.
   */
  readonly grantConstraints?: Grant['Constraints'];
}

/** A KMS grant as `aws kms list-grants` prints it. */
export interface Grant {
  readonly GrantId?: string;
  readonly Name?: string;
  readonly KeyId: string;
  readonly GranteePrincipal: string;
  readonly RetiringPrincipal?: string;
  readonly IssuingAccount?: string;
  readonly Operations: readonly string[];
  readonly Constraints?: {
    readonly EncryptionContextSubset?: Readonly<Record<string, string>>;
    readonly EncryptionContextEquals?: Readonly<Record<string, string>>;
  };
}

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
