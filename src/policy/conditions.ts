/**
 * Condition keys keyshare writes or reasons about.
 * AWS KMS condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 * Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export const GRANT_IS_FOR_AWS_RESOURCE = 'kms:GrantIsForAWSResource';
export const GRANTEE_PRINCIPAL = 'kms:GranteePrincipal';
export const GRANT_OPERATIONS = 'kms:GrantOperations';
export const CALLER_ACCOUNT = 'kms:CallerAccount';
export const VIA_SERVICE = 'kms:ViaService';
export const PRINCIPAL_ORG_ID = 'aws:PrincipalOrgID';
export const PRINCIPAL_ORG_PATHS = 'aws:PrincipalOrgPaths';
export const PRINCIPAL_ARN = 'aws:PrincipalArn';
export const PRINCIPAL_ACCOUNT = 'aws:PrincipalAccount';
/** The IAM user's friendly name; in the request context for IAM users only. */
export const USERNAME = 'aws:username';
export const SOURCE_ACCOUNT = 'aws:SourceAccount';
/** `kms:EncryptionContext:<key>`: one key per encryption-context pair of the request. */
export const ENCRYPTION_CONTEXT_PREFIX = 'kms:EncryptionContext:';
export const ENCRYPTION_CONTEXT_KEYS = 'kms:EncryptionContextKeys';
/** The constraint types (EncryptionContextSubset, EncryptionContextEquals) of a grant being created. */
export const GRANT_CONSTRAINT_TYPE = 'kms:GrantConstraintType';

/** Policy variable resolved per request; lets one statement pair each caller with its own role. */
export const PRINCIPAL_ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';
export const RESOURCE_ORG_ID = 'aws:ResourceOrgID';

/**
 * Context keys a request may carry whose values only the caller knows: facts about the
 * principal's or the key's organization, tags, network origin, session and time. Each is in the
 * request context only when it applies ("Availability" of each key in the IAM User Guide, "AWS
 * global condition context keys",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html; e.g.
 * aws:ResourceOrgID "is included in the request context only if the account that owns the
 * resource is a member of an organization"). A condition on one of them that the user did not give
 * is unknown, never false. Entries ending in `/` are prefixes (`aws:PrincipalTag/<key>`).
 * Every other key is fixed by the request itself: the launch step says whether it carries it.
 */
export const CALLER_KNOWN_KEYS = [
  PRINCIPAL_ORG_ID,
  PRINCIPAL_ORG_PATHS,
  RESOURCE_ORG_ID,
  'aws:ResourceOrgPaths',
  'aws:PrincipalTag/',
  'aws:PrincipalIsAWSService',
  'aws:PrincipalType',
  'aws:ResourceTag/',
  'aws:SourceIp',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'aws:VpcSourceIp',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:MultiFactorAuthPresent',
  'aws:MultiFactorAuthAge',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:TokenIssueTime',
  'aws:userid',
  'aws:SourceIdentity',
  'aws:ViaAWSService',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
] as const;

const KNOWN_BY_CALLER = CALLER_KNOWN_KEYS.map((k) => k.toLowerCase());

/** Policies spell a few keys many times; each spelling is judged once. */
const callerKnown = new Map<string, boolean>();

/** Whether a condition key's value is a fact only the caller knows (see CALLER_KNOWN_KEYS). */
export function isCallerKnownKey(key: string): boolean {
  let known = callerKnown.get(key);
  if (known === undefined) {
    const lower = key.toLowerCase();
    known = KNOWN_BY_CALLER.some((k) => (k.endsWith('/') ? lower.startsWith(k) : lower === k));
    callerKnown.set(key, known);
  }
  return known;
}
