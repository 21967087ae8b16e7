/** The shapes of the KMS API that keyshare reads and decides: grants as `aws kms list-grants` prints them, and requests. */

/** A grant's only constraint: the encryption context a request must carry (KMS API reference, GrantConstraints). */
export interface GrantConstraints {
  readonly EncryptionContextSubset?: Readonly<Record<string, string>>;
  readonly EncryptionContextEquals?: Readonly<Record<string, string>>;
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
  readonly Constraints?: GrantConstraints;
}

/** A value in the request context, as the condition operators compare it. */
export type ContextValue = string | boolean | number | readonly string[];

/**
 * A context key as the user gives it: a value, or `null` for a key that is absent from the request
 * (`--context aws:PrincipalOrgID=!absent`, or `null` in `--requests`). Absent is a fact, not an
 * unknown: `ForAllValues:` and `...IfExists` conditions are then true, positive operators false.
 */
export type ContextEntry = ContextValue | null;

/** How `--context` spells a key that is absent from the request. */
export const ABSENT = '!absent';

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
  readonly context?: Readonly<Record<string, ContextEntry>>;
  /** Encryption context of the request, matched against grant constraints. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /**
   * Encryption-context keys whose value the request carries but keyshare cannot know, such as EBS's
   * `aws:ebs:id` (the ID of a volume not yet created): `encryptionContext` holds a stand-in, and
   * `authorizeKnowing` tries every value the policies and grants test.
   */
  readonly unknownEncryptionContext?: readonly string[];
  /**
   * For `kms:CreateGrant`: the constraints of the grant being created. A grantee that creates a
   * grant through its own grant may only create one at least as strict (KMS developer guide,
   * "Creating grants", "Granting CreateGrant permission"). Absent means none.
   */
  readonly grantConstraints?: GrantConstraints;
}
