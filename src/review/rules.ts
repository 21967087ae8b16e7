/**
 * The risk rules `review` applies, as data: one entry per rule with its fixed severity, the fix
 * it prints and the AWS page it rests on. The detectors (risks.ts) only decide where a rule
 * fires; everything said about a rule comes from here. `check`'s key policy lints reappear under
 * their own IDs, so one problem has one name in every command.
 */
export type Severity = 'high' | 'medium' | 'low';

/** Lowest first; `--fail-on` compares positions in this list. */
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high'];

export interface RiskRule {
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
  readonly cite: string;
}

const KMS = 'https://docs.aws.amazon.com/kms/latest/developerguide';
const ASG_KEY_POLICY = 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html';

export const RISK_RULES = {
  'key-deletion': {
    severity: 'high',
    title: 'the key is deleted',
    fix: 'keep the key: every snapshot and volume encrypted under it becomes unreadable once the deletion window ends; disable it instead if it must stop working',
    cite: `${KMS}/deleting-keys.html`,
  },
  'key-replacement': {
    severity: 'high',
    title: 'the key is replaced',
    fix: 'change the attribute named in replace_paths back, or in place; a new key cannot decrypt what the old one encrypted, and the old one is scheduled for deletion',
    cite: `${KMS}/deleting-keys.html`,
  },
  'deletion-window-shortened': {
    severity: 'medium',
    title: 'the key deletion window is shortened',
    fix: 'keep deletion_window_in_days at 30, the longest KMS allows, so a mistaken deletion can be cancelled',
    cite: `${KMS}/deleting-keys.html`,
  },
  'key-disabled': {
    severity: 'high',
    title: 'the key is disabled',
    fix: 'keep is_enabled = true: a disabled key fails every cryptographic operation, so no consumer can launch',
    cite: `${KMS}/enabling-keys.html`,
  },
  'rotation-disabled': {
    severity: 'medium',
    title: 'automatic key rotation is turned off',
    fix: 'set enable_key_rotation = true (key.rotation: true)',
    cite: `${KMS}/rotate-keys.html`,
  },
  'root-delegation-removed': {
    severity: 'high',
    title: 'root delegation is removed from the key policy',
    fix: 'keep the EnableOwnerAccountIamPolicies statement (the owner account root, kms:*): without it IAM policies cannot grant access and the key can be locked out',
    cite: `${KMS}/key-policy-default.html#key-policy-default-allow-root-enable-iam`,
  },
  'root-delegation-missing': {
    severity: 'high',
    title: 'the key policy has no root delegation',
    fix: 'add the EnableOwnerAccountIamPolicies statement (the owner account root, kms:*)',
    cite: `${KMS}/key-policy-default.html#key-policy-default-allow-root-enable-iam`,
  },
  'wildcard-principal-without-org': {
    severity: 'high',
    title: 'a wildcard principal without an organization condition',
    fix: 'name the accounts, or add a StringEquals condition on aws:PrincipalOrgID',
    cite: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid',
  },
  'kms-star-to-another-account': {
    severity: 'high',
    title: 'kms:* to another account',
    fix: 'give other accounts only Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey and a scoped CreateGrant',
    cite: `${KMS}/key-policy-modifying-external-accounts.html`,
  },
  'administration-to-another-account': {
    severity: 'high',
    title: 'key administration to another account',
    fix: 'give administrative actions only to principals of the owner account (key.administrators)',
    cite: `${KMS}/key-policy-default.html#key-policy-default-allow-administrators`,
  },
  'create-grant-unscoped': {
    severity: 'high',
    title: 'CreateGrant to another account without a grantee condition',
    fix: 'add a kms:GranteePrincipal condition naming the account\u2019s own Auto Scaling service-linked role, and kms:GrantOperations',
    cite: `${KMS}/conditions-kms.html#conditions-kms-grantee-principal`,
  },
  'cross-account-grant-for-aws-resource': {
    severity: 'high',
    title: 'a cross-account CreateGrant broken by kms:GrantIsForAWSResource',
    fix: 'remove the kms:GrantIsForAWSResource condition and scope the statement with kms:GranteePrincipal and kms:GrantOperations instead',
    cite: ASG_KEY_POLICY,
  },
  'policy-size': {
    severity: 'high',
    title: 'the key policy is over the 32 KB limit',
    fix: 'set `organization` (id, arn, optionally ouPaths): the key policy then names the organization with aws:PrincipalOrgID, whatever the number of accounts',
    cite: `${KMS}/resource-limits.html`,
  },
  'policy-size-near-limit': {
    severity: 'low',
    title: 'the key policy is over 80% of the 32 KB limit',
    fix: 'set `organization` before adding more accounts',
    cite: `${KMS}/resource-limits.html`,
  },
  'ami-public': {
    severity: 'high',
    title: 'the AMI is made public',
    fix: 'remove group = "all"; share with the consumer accounts, the organization or its OUs instead',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html',
  },
  'ami-shared-outside-organization': {
    severity: 'high',
    title: 'the AMI is shared with another organization',
    fix: 'share with the organization (or its OUs) that the key policy names',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs.html',
  },
  'shared-with-non-consumer': {
    severity: 'medium',
    title: 'an AMI or snapshot is shared with an account the key policy does not name',
    fix: 'share only with consumer accounts (or the organization); if the account is a new consumer, add it to consumers',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html',
  },
  'autoscaling-grant-removed': {
    severity: 'high',
    title: "an Auto Scaling service-linked role's grant is removed",
    fix: 'keep the grant while the account launches from the AMI; Auto Scaling cannot use the key without it',
    cite: ASG_KEY_POLICY,
  },
  'launch-path-broken': {
    severity: 'high',
    title: "a consumer's Auto Scaling launch path fails",
    fix: 'restore what the failing step needs (see the step and what is missing); keyshare synth emits a policy that proves every path',
    cite: ASG_KEY_POLICY,
  },
} as const satisfies Record<string, RiskRule>;

export type RuleId = keyof typeof RISK_RULES;

/** `--fail-on`: the least severe finding that fails the run, or never. */
export type FailOn = Severity | 'never';

/** The one severity to exit-code mapping: findings at or above the threshold fail the run. */
export function failsAt(severity: Severity, threshold: FailOn): boolean {
  return threshold !== 'never' && SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
