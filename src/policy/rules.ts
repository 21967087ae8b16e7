/**
 * Every rule keyshare applies, defined once: its fixed severity, the AWS page it rests on, the fix
 * it prints and the commands that evaluate it. Detectors decide only where a rule fires (config/
 * for the rules on keyshare.yaml, check/lints.ts on a key policy, review/risks.ts on a plan,
 * launch/ for the launch path); every word said about a rule comes from here, and one mapping
 * (`exitCode`) turns the findings of any command into its exit code.
 *
 * Adding a rule:
 * 1. add an entry below: a kebab-case ID (it is API: suppressions, PR comments and JSON output
 *    name it), `severity`, a `title`, the `fix` a user can act on, `cite` (an AWS documentation
 *    URL that says why) and `evaluatedBy` (the commands whose detectors raise it);
 * 2. raise it where the data is, through that command's `finding(...)` helper, which copies the
 *    severity, fix and citation from here: never restate them;
 * 3. test that it fires, and that a near case does not (review's rules: __tests__/review/risks.test.ts).
 */

import { IAM_MANAGED_POLICY_MAX_CHARS } from './document';
import { SID } from './key-policy';

/**
 * How bad a finding is. `invalid`: the input can never work and must change (bad input, exit 2);
 * `high`, `medium`, `low`: what it describes is risky or broken, from most to least; a command
 * fails (exit 1) on findings at or above its `--fail-on` threshold, `high` by default.
 */
export type Severity = 'invalid' | 'high' | 'medium' | 'low';

/** Every severity, most severe first: the order in which findings are listed. */
export const SEVERITY_ORDER: readonly Severity[] = ['invalid', 'high', 'medium', 'low'];

/** Thresholds a user may choose, lowest first; `invalid` always fails. */
export const SEVERITIES = ['low', 'medium', 'high'] as const;

/** The least severe finding that fails a run, or never. */
export type FailOn = (typeof SEVERITIES)[number] | 'never';

export const DEFAULT_FAIL_ON: FailOn = 'high';

export type Command = 'config' | 'check' | 'synth' | 'doctor' | 'review' | 'audit';

export interface RuleDefinition {
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
  readonly cite: string;
  /** Where the rule is evaluated: `config` rules refuse keyshare.yaml for every command that loads it. */
  readonly evaluatedBy: readonly Command[];
}

const KMS = 'https://docs.aws.amazon.com/kms/latest/developerguide';
const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length';
const ASG_KEY_POLICY = 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html';

export const RULES = {
  'key-deletion': {
    severity: 'high',
    title: 'the key is deleted',
    fix: 'keep the key: every snapshot and volume encrypted under it becomes unreadable once the deletion window ends; disable it instead if it must stop working',
    cite: `${KMS}/deleting-keys.html`,
    evaluatedBy: ['review'],
  },
  'key-replacement': {
    severity: 'high',
    title: 'the key is replaced',
    fix: 'change the attribute named in replace_paths back, or in place; a new key cannot decrypt what the old one encrypted, and the old one is scheduled for deletion',
    cite: `${KMS}/deleting-keys.html`,
    evaluatedBy: ['review'],
  },
  'deletion-window-shortened': {
    severity: 'medium',
    title: 'the key deletion window is shortened',
    fix: 'keep deletion_window_in_days at 30, the longest KMS allows, so a mistaken deletion can be cancelled',
    cite: `${KMS}/deleting-keys.html`,
    evaluatedBy: ['review'],
  },
  'key-disabled': {
    severity: 'high',
    title: 'the key is disabled',
    fix: 'keep is_enabled = true: a disabled key fails every cryptographic operation, so no consumer can launch',
    cite: `${KMS}/enabling-keys.html`,
    evaluatedBy: ['review'],
  },
  'rotation-disabled': {
    severity: 'medium',
    title: 'automatic key rotation is turned off',
    fix: 'set enable_key_rotation = true (key.rotation: true)',
    cite: `${KMS}/rotate-keys.html`,
    evaluatedBy: ['review'],
  },
  'root-delegation-removed': {
    severity: 'high',
    title: 'root delegation is removed from the key policy',
    fix: `keep the ${SID.rootDelegation} statement (the owner account root, kms:*): without it IAM policies cannot grant access and the key can be locked out`,
    cite: `${KMS}/key-policy-default.html#key-policy-default-allow-root-enable-iam`,
    evaluatedBy: ['review'],
  },
  'root-delegation-missing': {
    severity: 'high',
    title: 'the key policy has no root delegation',
    fix: `add the ${SID.rootDelegation} statement (the owner account root, kms:*), the KMS default key policy's first statement`,
    cite: `${KMS}/key-policy-default.html#key-policy-default-allow-root-enable-iam`,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'wildcard-principal-without-org': {
    severity: 'high',
    title: 'a wildcard principal without an organization condition',
    fix: 'name the accounts, or add a StringEquals condition on aws:PrincipalOrgID',
    cite: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid',
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'kms-star-to-another-account': {
    severity: 'high',
    title: 'kms:* to another account',
    fix: 'give other accounts only Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey and a scoped CreateGrant',
    cite: `${KMS}/key-policy-modifying-external-accounts.html`,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'administration-to-another-account': {
    severity: 'high',
    title: 'key administration to another account',
    fix: 'give administrative actions only to principals of the owner account (key.administrators)',
    cite: `${KMS}/key-policy-default.html#key-policy-default-allow-administrators`,
    evaluatedBy: ['review'],
  },
  'create-grant-unscoped': {
    severity: 'high',
    title: 'CreateGrant to another account without a grantee condition',
    fix: 'add a kms:GranteePrincipal condition naming the account\u2019s own Auto Scaling service-linked role, and kms:GrantOperations',
    cite: `${KMS}/conditions-kms.html#conditions-kms-grantee-principal`,
    evaluatedBy: ['review'],
  },
  'cross-account-grant-for-aws-resource': {
    severity: 'high',
    title: 'a cross-account CreateGrant broken by kms:GrantIsForAWSResource',
    fix: 'remove the kms:GrantIsForAWSResource condition and scope the statement with kms:GranteePrincipal and kms:GrantOperations instead',
    cite: ASG_KEY_POLICY,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'policy-size': {
    severity: 'high',
    title: 'the key policy is over the 32 KB limit',
    fix: 'set `organization` (id, arn, optionally ouPaths): the key policy then names the organization with aws:PrincipalOrgID, whatever the number of accounts',
    cite: `${KMS}/resource-limits.html`,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'policy-size-near-limit': {
    severity: 'low',
    title: 'the key policy is over 80% of the 32 KB limit',
    fix: 'set `organization` before adding more accounts',
    cite: `${KMS}/resource-limits.html`,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'iam-policy-size': {
    severity: 'high',
    title: `a managed IAM policy is over IAM's ${IAM_MANAGED_POLICY_MAX_CHARS}-character limit`,
    fix: `split its statements into several managed policies of at most ${IAM_MANAGED_POLICY_MAX_CHARS} characters each (white space not counted), attached to the same roles: the roles keep exactly the same permissions`,
    cite: IAM_QUOTAS,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'create-grant-policy-attached': {
    severity: 'medium',
    title: 'an IAM policy that allows kms:CreateGrant on the key is attached to one more role',
    fix: 'attach it only to roles that create the Auto Scaling grant (the consumer stack\u2019s deploy role) or launch instances themselves: remove the role from attachPolicyToRoles (or drop the aws_iam_role_policy_attachment) if it does neither, and keep the CreateGrant statement\u2019s kms:GranteePrincipal and kms:GrantOperations conditions',
    cite: `${KMS}/key-policy-modifying-external-accounts.html`,
    evaluatedBy: ['review'],
  },
  'suppression-expired': {
    severity: 'high',
    title: 'a suppression in the suppressions file has expired',
    fix: 'if the change is still deliberate, give the suppression a new expires date and say why in its reason; otherwise remove it and fix the finding it hid',
    // Not an AWS rule: expiring suppressions as checkov and tfsec do (tfsec: "exp:YYYY-MM-DD").
    cite: 'https://aquasecurity.github.io/tfsec/latest/guides/configuration/ignores/',
    evaluatedBy: ['review'],
  },
  'ami-public': {
    severity: 'high',
    title: 'the AMI is made public',
    fix: 'remove group = "all"; share with the consumer accounts, the organization or its OUs instead',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html',
    evaluatedBy: ['review'],
  },
  'ami-shared-outside-organization': {
    severity: 'high',
    title: 'the AMI is shared with another organization',
    fix: 'share with the organization (or its OUs) that the key policy names',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs.html',
    evaluatedBy: ['review'],
  },
  'shared-with-non-consumer': {
    severity: 'medium',
    title: 'an AMI or snapshot is shared with an account the key policy does not name',
    fix: 'share only with consumer accounts (or the organization); if the account is a new consumer, add it to consumers',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html',
    evaluatedBy: ['review'],
  },
  'grant-not-for-launch': {
    severity: 'high',
    title: 'a grant gives the key to a principal other than a consumer\u2019s Auto Scaling role, or for more than a launch needs',
    fix: 'grant only the Auto Scaling service-linked role (AWSServiceRoleForAutoScaling[_suffix]) of an account the key policy names as a consumer, with no operation beyond Encrypt, Decrypt, ReEncryptFrom, ReEncryptTo, GenerateDataKey, GenerateDataKeyWithoutPlaintext, DescribeKey and CreateGrant; a grant bypasses the key policy, so remove any other',
    cite: `${KMS}/grants.html`,
    evaluatedBy: ['review'],
  },
  'key-policy-undecided': {
    severity: 'high',
    title: 'a key policy the plan cannot show until apply',
    fix: 'make the key policy known at plan time: build it from values known before apply (no attribute of a resource created in the same plan, such as random_id or a new role\u2019s unique ID), or apply the resources it refers to first; review cannot say who the key admits until then',
    cite: `${KMS}/key-policies.html`,
    evaluatedBy: ['review'],
  },
  'grant-undecided': {
    severity: 'high',
    title: 'a grant whose grantee or operations the plan cannot show until apply',
    fix: 'name the grantee and the operations with values known at plan time (the consumer\u2019s Auto Scaling service-linked role ARN is a string keyshare builds from the account ID); a grant bypasses the key policy, so review must see whom it gives the key to',
    cite: `${KMS}/grants.html`,
    evaluatedBy: ['review'],
  },
  'iam-policy-undecided': {
    severity: 'medium',
    title: 'an IAM policy the plan cannot show until apply',
    fix: 'build the policy document from values known at plan time, or apply what it refers to first, so review can decide what it allows',
    cite: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html',
    evaluatedBy: ['review'],
  },
  'launch-permission-undecided': {
    severity: 'medium',
    title: 'an AMI launch or snapshot create-volume permission whose target the plan cannot show until apply',
    fix: 'name the account, organization or OU ARN with a value known at plan time, so review can check who may launch from the AMI',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html',
    evaluatedBy: ['review'],
  },
  'key-setting-undecided': {
    severity: 'medium',
    title: 'a key setting (enabled, rotation, deletion window) the plan cannot show until apply',
    fix: 'set is_enabled, enable_key_rotation and deletion_window_in_days to values known at plan time, so review can tell whether the key stays usable and recoverable',
    cite: `${KMS}/enabling-keys.html`,
    evaluatedBy: ['review'],
  },
  'key-policy-destroyed': {
    severity: 'high',
    title: "destroying a key's managed policy puts back KMS's default key policy",
    fix: "to stop managing the policy, run `terraform state rm` on the aws_kms_key_policy instead of destroying it: the provider's delete writes KMS's default key policy, which names only the owner account, so every consumer loses the key at once",
    cite: `${KMS}/key-policy-default.html`,
    evaluatedBy: ['review'],
  },
  'consumer-dropped-with-live-grant': {
    severity: 'high',
    title: 'an account leaves the key policy while its grant may still exist',
    fix: "destroy the removed consumer's stack first (it retires the grant), and apply the owner's change only after it: once the key policy drops the account, its stack can no longer read the key (DescribeKey, ListGrants) to refresh or destroy, and only the owner account can then revoke the grant (`aws kms list-grants`, then `aws kms revoke-grant`)",
    cite: `${KMS}/grant-delete.html`,
    evaluatedBy: ['review'],
  },
  'autoscaling-grant-removed': {
    severity: 'high',
    title: "an Auto Scaling service-linked role's grant is removed",
    fix: 'keep the grant while the account launches from the AMI; Auto Scaling cannot use the key without it',
    cite: ASG_KEY_POLICY,
    evaluatedBy: ['review'],
  },
  'least-privilege': {
    severity: 'high',
    title: 'a least-privilege probe is not decided as intended',
    fix: 'give other accounts only what the launch path needs: keyshare synth emits a key policy under which every probe is decided as intended',
    cite: `${KMS}/least-privilege.html`,
    evaluatedBy: ['check', 'synth'],
  },
  'aws-managed-key': {
    severity: 'invalid',
    title: 'an AWS-managed key cannot be shared',
    fix: "choose your own alias such as golden-ami: an AWS-managed key's policy cannot be changed, so it cannot be shared with other accounts; keyshare creates a customer-managed key instead",
    cite: `${KMS}/concepts.html#aws-managed-key`,
    evaluatedBy: ['config'],
  },
  'one-region': {
    severity: 'invalid',
    title: 'a key, its grants and the AMIs live in one region',
    fix: 'copy the AMI into the key region with `aws ec2 copy-image --encrypted --kms-key-id <a key of that region>`, or run one keyshare rollout per region with a key in each',
    cite: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/CopyingAMIs.html',
    evaluatedBy: ['config'],
  },
  'deploy-path-broken': {
    severity: 'high',
    title: "a deploy role cannot make a call Terraform's AWS provider makes for a resource keyshare emits",
    fix: "restore what the failing call needs (see the step and what is missing): a consumer stack needs the key policy and its deploy role's IAM policy to allow each KMS call on the key; keyshare synth emits a key policy that proves every deploy path",
    cite: `${KMS}/key-policy-modifying-external-accounts.html`,
    evaluatedBy: ['check', 'synth', 'review'],
  },
  'launch-path-broken': {
    severity: 'high',
    title: "a consumer's Auto Scaling launch path fails",
    fix: 'restore what the failing step needs (see the step and what is missing); keyshare synth emits a policy that proves every path',
    cite: ASG_KEY_POLICY,
    evaluatedBy: ['check', 'synth', 'doctor', 'review', 'audit'],
  },
  'live-drift': {
    severity: 'medium',
    title: 'the live state differs from what keyshare emits for the config',
    fix: 'deploy the config again (a missing grant or permission is created, an edited key policy put back), or change the config to what the organization should have; adopt what exists first with `keyshare audit --emit-imports`',
    cite: `${KMS}/key-policy-modifying.html`,
    evaluatedBy: ['audit'],
  },
  'live-unknown': {
    severity: 'medium',
    title: 'a read that audit needs failed, so an account could not be proven',
    fix: 'give the role audit assumes the read permission named (or lower --concurrency where AWS throttled), and run it again',
    cite: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
    evaluatedBy: ['audit'],
  },
  'plan-not-reviewed': {
    severity: 'high',
    title: 'a root was not reviewed',
    fix: 'make its plan succeed (the plan job log says why it failed) and review again: a root without a complete plan may change anything when applied',
    cite: 'https://developer.hashicorp.com/terraform/internals/json-format#plan-representation',
    evaluatedBy: ['review'],
  },
} as const satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof RULES;

/** One finding of one rule. Commands add where it is (review: the stack and resource address). */
export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly fix: string;
  readonly cite: string;
  /** The statement's Sid (or `Statement[i]`), when one statement is at fault. */
  readonly statement?: string;
}

/** A finding of `rule`, with the registry's severity, title, fix and citation. `fix` may be made more specific, never replaced by another rule's. */
export function finding(rule: RuleId, message: string, extra: { readonly statement?: string; readonly fix?: string } = {}): Finding {
  const r: RuleDefinition = RULES[rule];
  return {
    rule,
    severity: r.severity,
    title: r.title,
    message,
    fix: extra.fix ?? r.fix,
    cite: r.cite,
    ...(extra.statement !== undefined && { statement: extra.statement }),
  };
}

export function failsAt(severity: Severity, threshold: FailOn = DEFAULT_FAIL_ON): boolean {
  if (severity === 'invalid') return true;
  return threshold !== 'never' && SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/** Whether a run with findings of these severities passes: none is invalid, none is at or above `failOn`. */
export function passes(severities: Iterable<Severity>, failOn: FailOn = DEFAULT_FAIL_ON): boolean {
  for (const s of severities) if (failsAt(s, failOn)) return false;
  return true;
}
