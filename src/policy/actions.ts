/**
 * KMS action and grant-operation lists, each cited to the AWS page that defines it. Every statement
 * keyshare emits, every requirement `check` proves, the operations its probes try and the risk
 * rules `review` applies read these constants; no folder outside src/policy spells out an action list.
 */

/**
 * The IAM action that allows an AWS API call. For every call `audit` makes (KMS, IAM, EC2,
 * Organizations and STS reads) the action has the operation's name (Service Authorization
 * Reference, "Actions defined by" each service,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
export function apiAction(service: 'kms' | 'iam' | 'ec2' | 'organizations' | 'sts', operation: string): string {
  return `${service}:${operation}`;
}

/**
 * What a consumer account may do with the key directly.
 * EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes",
 * Example 2 (cross-account), first statement.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
export const KEY_USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'] as const;

export const DESCRIBE_KEY = 'kms:DescribeKey';

/** Retiring a grant: authorized by the grant, never by a key policy (consumer-policy.ts). */
export const RETIRE_GRANT = 'kms:RetireGrant';

/**
 * Reading the key's grants. Terraform's `aws_kms_grant` reads its grant back with ListGrants after
 * CreateGrant, on every refresh, and after RetireGrant until the grant is gone (deploy-path.ts), so
 * a consumer's deploy role needs it on the owner's key. KMS API reference, ListGrants
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html): "Cross-account use: Yes",
 * "Required permissions: kms:ListGrants (key policy)"; across accounts the caller's IAM policy must
 * allow it too. Its only condition keys are kms:CallerAccount and kms:ViaService (Service
 * Authorization Reference, AWS KMS), so no condition narrows it to one grantee.
 */
export const LIST_GRANTS = 'kms:ListGrants';

/**
 * What the key policy lets a consumer account do directly: key use (the Auto Scaling guide's
 * statement) and ListGrants, which its deploy role needs to create, refresh and destroy its grant.
 */
export const CONSUMER_KEY_ACTIONS = [...KEY_USE_ACTIONS, LIST_GRANTS] as const;

/** The action that delegates key use to an AWS service through a grant (same page, second statement). */
export const CREATE_GRANT = 'kms:CreateGrant';

/**
 * Operations of the grant a consumer gives its Auto Scaling service-linked role.
 * Same page, Example 2: the `aws kms create-grant` command run from the consumer account.
 * CreateGrant lets EC2 create the child grant for each volume; DescribeKey lets Auto Scaling
 * validate the key before launch.
 */
export const AUTOSCALING_GRANT_OPERATIONS = [
  'Encrypt',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'DescribeKey',
  'CreateGrant',
] as const;

export type GrantOperation = (typeof AUTOSCALING_GRANT_OPERATIONS)[number];

/**
 * Administration without cryptographic use. Based on the "Allows key administrators to administer
 * the KMS key" statement of the KMS default key policy
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators),
 * with `kms:Create*` narrowed to `kms:CreateAlias`: the default's `kms:Create*` includes
 * `kms:CreateGrant`, which would let an administrator grant itself use of the key.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
] as const;

/** Root delegation: the owner account's IAM policies decide (KMS default key policy, first statement). */
export const ALL_KMS_ACTIONS = 'kms:*';

/** An Action list that allows every KMS action: `kms:*` (any case) or `*`. */
export function coversAllKmsActions(actions: readonly string[]): boolean {
  return actions.some((a) => a === '*' || a.toLowerCase() === ALL_KMS_ACTIONS);
}

/** The service prefix of KMS actions and condition keys. */
export const KMS_PREFIX = 'kms:';

/** `kms:` prefixed form of a grant operation, for requests and IAM actions. */
export function kmsAction(operation: string): string {
  return `${KMS_PREFIX}${operation}`;
}

/**
 * The grant the AWS re:Post Knowledge Center gives as the working fix, run from the account that
 * owns the Auto Scaling group: `aws kms create-grant --operations Decrypt
 * GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant` (no DescribeKey).
 * https://repost.aws/knowledge-center/kms-launch-ec2-instance ("kms-launch-ec2-instance")
 */
export const KNOWLEDGE_CENTER_GRANT_OPERATIONS = [
  'Decrypt',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'CreateGrant',
] as const satisfies readonly GrantOperation[];

/**
 * What a launch REQUIRES of the Auto Scaling service-linked role: only what AWS documents as
 * sufficient. The Knowledge Center's five-operation grant (above) works, so nothing beyond it is
 * required, DescribeKey included, though keyshare still creates the Auto Scaling guide's eight.
 * EC2 decrypts and re-encrypts the volume's data key and creates a child grant for the volume
 * (KMS developer guide, "How Amazon Elastic Block Store uses AWS KMS").
 */
export const AUTOSCALING_LAUNCH_OPERATIONS = KNOWLEDGE_CENTER_GRANT_OPERATIONS;

/**
 * Operations of the grant EC2 creates for an attached volume so the instance's host can decrypt
 * the volume's data key (KMS developer guide, "How Amazon Elastic Block Store uses AWS KMS").
 * A child grant may carry only operations of its parent grant.
 */
export const EBS_VOLUME_GRANT_OPERATIONS = [
  'Decrypt',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
] as const satisfies readonly GrantOperation[];

/**
 * The cryptographic operations that take a key (KMS developer guide, "AWS KMS concepts",
 * Cryptographic operations; GenerateRandom takes no key and is left out).
 */
export const CRYPTOGRAPHIC_OPERATIONS = [
  'Decrypt',
  'DeriveSharedSecret',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'VerifyMac',
] as const;

/**
 * The only operations a grant can allow: the valid values of `Operations` in the KMS API reference,
 * CreateGrant (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html), also
 * listed as "grant operations" in "Grants in AWS KMS". Anything else (PutKeyPolicy, ...) no grant allows.
 */
export const GRANTABLE_OPERATIONS = [...CRYPTOGRAPHIC_OPERATIONS, 'CreateGrant', 'DescribeKey', 'GetPublicKey', 'RetireGrant'] as const;

/**
 * Operations KMS honours on a key in another account; permission for any other operation has
 * no effect across accounts. KMS developer guide, "Allowing users in other accounts to use a KMS
 * key" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html):
 * the cryptographic operations, CreateGrant, DescribeKey, GetKeyRotationStatus, GetPublicKey,
 * ListGrants, RetireGrant and RevokeGrant; each operation's "Cross-account use" line in the KMS
 * API reference agrees.
 */
export const CROSS_ACCOUNT_OPERATIONS = [
  ...CRYPTOGRAPHIC_OPERATIONS,
  'CreateGrant',
  'DescribeKey',
  'GetKeyRotationStatus',
  'GetPublicKey',
  'ListGrants',
  'RetireGrant',
  'RevokeGrant',
] as const;

/** Administration a consumer or a stranger must never get (KMS API reference, key management operations); `check` probes them. */
export const ADMINISTRATION_PROBES = [
  'PutKeyPolicy',
  'ScheduleKeyDeletion',
  'DisableKey',
  'UpdateKeyDescription',
  'RevokeGrant',
  'CreateAlias',
] as const;

/** Everything a stranger must not do: use, grant, read the policy, administer; `check` probes them. */
export const STRANGER_PROBES = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'ReEncryptFrom',
  'DescribeKey',
  'GetKeyPolicy',
  'ListGrants',
  ...ADMINISTRATION_PROBES,
] as const;
