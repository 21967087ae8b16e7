/**
 * Documented scenarios, round three (issue #18): resource control policies, permissions boundaries,
 * the context AWS always sets, EBS's encryption context, and keys said to be absent. Each scenario
 * was decided from the AWS page it cites, whose deciding sentence it quotes, before keyshare was run
 * on it; keyshare must give the page's answer, through `explain` (one request) or `doctor` (the
 * launch path).
 */
import type { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import type { Grant } from '../../src/policy/kms-api';
import { keyshareInProcess as run } from '../cli/in-process';
import { cite, type Citation } from '../support/aws-pages';
import { type Decision, doctorOne, type PolicySetup, scenarioFiles } from '../support/explain-scenarios';
import { GUIDE_GRANT_OPERATIONS as GUIDE_OPS } from '../support/aws-pages';
import { keyPolicy } from '../../src/policy/key-policy';
import { ORG_YAML, rollout } from '../support/rollouts';

const PAGE = {
  evaluation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
  denyAllow: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html',
  crossAccount: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
  globalKeys: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
  operators: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  multiValued: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html',
  kmsRcps: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html',
  orgRcps: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html',
  rcpEvaluation: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html',
  rcpSyntax: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html',
  retire: 'https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html',
  kmsKeys: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html',
  kmsTls: 'https://docs.aws.amazon.com/kms/latest/developerguide/infrastructure-security.html',
  ebs: 'https://docs.aws.amazon.com/kms/latest/developerguide/services-ebs.html',
  grants: 'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html',
} as const;

const RCP_MEMBER_ONLY = cite(
  PAGE.orgRcps,
  "RCPs don't affect resources in the management account. They only affect resources in the member accounts within your organization.",
);
const RCP_NO_AWS_MANAGED = cite(PAGE.kmsRcps, 'Resource control policies in your organization do not apply to AWS managed keys.');
const RCP_ANY_LEVEL_DENIES = cite(
  PAGE.rcpEvaluation,
  'For a permission to be denied for a resource in a specific account, any RCP from the root through each OU in the direct path to the account (including the target account itself) can deny that permission.',
);
const RCP_FULL_ACCESS = cite(
  PAGE.rcpEvaluation,
  'This default RCP allows all principals and actions access to pass through RCP evaluation, meaning until you start creating and attaching RCPs, all your existing IAM permissions continue to operate as they did.',
);
const RCP_ALLOW_ONLY_FULL_ACCESS = cite(PAGE.rcpSyntax, 'The effect of `Allow` is only supported for the `RCPFullAWSAccess` policy.');
const RCP_RETIRE = cite(PAGE.retire, 'Principals specified in the grant can retire a grant without the kms:RetireGrant permission.');
const RCP_EXAMPLE = cite(
  PAGE.orgRcps,
  'Use an RCP when you need to restrict IAM principals that are external to your organization accounts making requests to access resources within your organization’s member accounts.',
);
const ORG_ID_AVAILABILITY = cite(
  PAGE.globalKeys,
  'This key is included in the request context only if the principal is a member of an organization.',
);
const IF_EXISTS = cite(PAGE.operators, 'If the key is not present, evaluate the condition element as true.');
const MISSING_KEY = cite(
  PAGE.operators,
  'If the key that you specify in a policy condition is not present in the request context, the values do not match and the condition is *false*.',
);
const FOR_ALL_VALUES_EMPTY = cite(
  PAGE.multiValued,
  'It also returns true if there are no keys in the request, or if the key values resolve to a null data set, such as an empty string.',
);
const PB_INTERSECTION = cite(
  PAGE.evaluation,
  'When you set a permissions boundary for an entity, the entity can perform only the actions that are allowed by both its identity-based policies and its permissions boundaries.',
);
const PB_ROLE_ARN = cite(
  PAGE.evaluation,
  'Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or session policy.',
);
const PB_SESSION = cite(
  PAGE.evaluation,
  'Permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy.',
);
const PB_USER = cite(
  PAGE.evaluation,
  'Within the same account, resource-based policies that grant permissions to an IAM user ARN (that is not a federated user session) are not limited by an implicit deny in an identity-based policy or permissions boundary.',
);
const NOT_PRINCIPAL_MIGHT = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html',
  'If an assumed-role user (someone who is using a role) is being evaluated, AWS might validate the account first, then the role, and then the assumed-role user.',
);
const NOT_PRINCIPAL_DENY = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html',
  'When you use `NotPrincipal` in the same policy statement as `"Effect": "Deny"`, the actions specified in the policy statement are explicitly denied to all principals *except* for the ones specified.',
);
const PB_DENY = cite(PAGE.evaluation, 'An explicit deny in either of these policies overrides the allow.');
const CROSS_ACCOUNT_IDENTITY = cite(
  PAGE.crossAccount,
  'When AWS evaluates this account, it checks the identity-based policy and any policies that can limit an identity-based policy.',
);
const SECURE_TRANSPORT = cite(PAGE.globalKeys, 'This key is always included in the request context.');
const KMS_TLS = cite(PAGE.kmsTls, 'AWS KMS requires TLS 1.2 and recommends TLS 1.3 in all regions.');
const RESOURCE_ACCOUNT = cite(PAGE.globalKeys, 'This key is always included in the request context for most service actions.');
const VIA_AWS_SERVICE_DIRECT = cite(PAGE.globalKeys, 'The request context key also returns `false` when the principal makes the call directly.');
const VIA_AWS_SERVICE_FAS = cite(
  PAGE.globalKeys,
  'The request context key returns `true` when a service uses the credentials of an IAM principal to make a request on behalf of the principal.',
);
const VIA_AWS_SERVICE_SLR = cite(
  PAGE.globalKeys,
  "The context key returns `false` if the service uses a service role or service-linked role to make a call on the principal's behalf.",
);
const IS_AWS_SERVICE = cite(
  PAGE.globalKeys,
  'The request context key is set to true when a service uses a service principal to perform a direct action on your resources.',
);
const MULTI_REGION = cite(
  PAGE.kmsKeys,
  'The `kms:MultiRegion` condition key controls access to AWS KMS operations on KMS keys and to the CreateKey operation based on the value of the `MultiRegion` property of the KMS key.',
);
const RESOURCE_ALIASES = cite(
  PAGE.kmsKeys,
  'Use this condition key to control access to a KMS key based on the aliases that are associated with the KMS key.',
);
const EBS_CONTEXT = cite(
  PAGE.ebs,
  'In its GenerateDataKeyWithoutPlaintext and Decrypt requests to AWS KMS, Amazon EBS uses an encryption context with a name-value pair that identifies the volume or snapshot in the request.',
);
const EBS_VOLUME_ID = cite(
  PAGE.ebs,
  'For all volumes and for encrypted snapshots created with the Amazon EBS CreateSnapshot operation, Amazon EBS uses the volume ID as encryption context value.',
);

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const ORG = 'o-a1b2c3d4e5';
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MRK = `arn:aws:kms:us-west-2:${OWNER}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
const SLR = (account = CONSUMER) => `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const CREATOR = `arn:aws:iam::${CONSUMER}:role/deploy`;
const APP_ROLE = `arn:aws:iam::${OWNER}:role/app`;
const APP_SESSION = `arn:aws:sts::${OWNER}:assumed-role/app/job-42`;
const APP_USER = `arn:aws:iam::${OWNER}:user/alice`;

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const ROOT: PolicyStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
  Action: 'kms:*',
  Resource: '*',
};
const CONSUMER_USE: PolicyStatement = {
  Sid: 'Allow external account use of the customer managed key',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` },
  Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
  Resource: '*',
};
const CROSS_ACCOUNT_KEY_POLICY = doc(ROOT, CONSUMER_USE);
const ALL_KMS_IAM = doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
const CREATOR_IAM = doc({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY });
const GUIDE_GRANT: Grant = {
  GrantId: 'g-guide',
  KeyId: KEY,
  GranteePrincipal: SLR(),
  IssuingAccount: `arn:aws:iam::${CONSUMER}:root`,
  Operations: GUIDE_OPS,
};

/** The KMS developer guide's RCP example, as `aws organizations describe-policy` prints it. */
const PERIMETER_RCP = {
  Policy: {
    PolicySummary: {
      Id: 'p-rcp1',
      Arn: `arn:aws:organizations::${OWNER}:policy/${ORG}/resource_control_policy/p-rcp1`,
      Name: 'perimeter',
      Type: 'RESOURCE_CONTROL_POLICY',
      AwsManaged: false,
    },
    Content: JSON.stringify(
      doc({
        Sid: 'RCPEnforceIdentityPerimeter',
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:*',
        Resource: '*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      }),
    ),
  },
};
const DENY_ALL_KMS_RCP = doc({ Sid: 'DenyKms', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' });
const boundary = (...actions: string[]) => doc({ Effect: 'Allow', Action: actions, Resource: '*' });

type Setup = Omit<PolicySetup, 'keyArn'> & { readonly keyArn?: string };

interface RequestScenario extends Setup {
  readonly name: string;
  readonly cites: readonly Citation[];
  readonly principal: string;
  readonly action: string;
  readonly context?: readonly string[];
  readonly encryptionContext?: Record<string, string>;
  readonly decision: Decision;
  readonly dependsOn?: readonly string[];
}

type Verdict = 'works' | 'fails' | 'unknown';

interface LaunchScenario extends Setup {
  readonly name: string;
  readonly cites: readonly Citation[];
  readonly consumer?: string;
  readonly context?: readonly string[];
  readonly verdict: Verdict;
  /** Steps and the decision each must have. */
  readonly steps?: Readonly<Record<string, Decision>>;
  readonly dependsOn?: readonly string[];
  /** Text doctor's text output must hold. */
  readonly says?: readonly RegExp[];
}

const REQUESTS: RequestScenario[] = [
  // Resource control policies.
  {
    name: "the KMS guide's RCP perimeter: a caller of the organization is allowed",
    cites: [RCP_EXAMPLE, ORG_ID_AVAILABILITY, RCP_FULL_ACCESS],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    rcps: [PERIMETER_RCP],
    principal: CREATOR,
    action: 'kms:Decrypt',
    context: [`aws:PrincipalOrgID=${ORG}`],
    decision: 'Allowed',
  },
  {
    name: 'the RCP perimeter: a caller of another organization is explicitly denied',
    cites: [RCP_EXAMPLE],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    rcps: [PERIMETER_RCP],
    principal: CREATOR,
    action: 'kms:Decrypt',
    context: ['aws:PrincipalOrgID=o-zzzzzzzzzz'],
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'the RCP perimeter: organization not given, so the answer is unknown and names aws:PrincipalOrgID',
    cites: [RCP_EXAMPLE, ORG_ID_AVAILABILITY],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    rcps: [PERIMETER_RCP],
    principal: CREATOR,
    action: 'kms:Decrypt',
    decision: 'Unknown',
    dependsOn: ['aws:PrincipalOrgID'],
  },
  {
    name: 'the RCP perimeter: a caller in no organization (aws:PrincipalOrgID absent) meets StringNotEqualsIfExists and is denied',
    cites: [ORG_ID_AVAILABILITY, IF_EXISTS],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    rcps: [PERIMETER_RCP],
    principal: CREATOR,
    action: 'kms:Decrypt',
    context: ['aws:PrincipalOrgID=!absent'],
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'the RCP perimeter does not bind a service principal: aws:PrincipalIsAWSService is true for it',
    cites: [IS_AWS_SERVICE, RCP_EXAMPLE],
    keyPolicy: doc(ROOT, {
      Sid: 'AllowEc2Service',
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
    }),
    rcps: [PERIMETER_RCP],
    principal: 'ec2.amazonaws.com',
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'an RCP that denies kms:* does not affect a key in the management account',
    cites: [RCP_MEMBER_ONLY],
    keyPolicy: doc(ROOT),
    iam: [ALL_KMS_IAM],
    rcps: [DENY_ALL_KMS_RCP],
    managementAccount: true,
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: "the same RCP on a key of a member account denies its own account's role",
    cites: [RCP_MEMBER_ONLY],
    keyPolicy: doc(ROOT),
    iam: [ALL_KMS_IAM],
    rcps: [DENY_ALL_KMS_RCP],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'RCPs do not apply to an AWS managed key',
    cites: [RCP_NO_AWS_MANAGED],
    keyPolicy: doc(ROOT),
    keyArn: `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`,
    iam: [ALL_KMS_IAM],
    rcps: [DENY_ALL_KMS_RCP],
    principal: APP_ROLE,
    action: 'kms:DescribeKey',
    decision: 'Allowed',
  },
  {
    name: 'kms:RetireGrant is not effective in an RCP: the retiring principal still retires',
    cites: [RCP_RETIRE],
    keyPolicy: doc(ROOT),
    grants: [{ ...GUIDE_GRANT, RetiringPrincipal: `arn:aws:iam::${CONSUMER}:role/janitor` }],
    rcps: [DENY_ALL_KMS_RCP],
    principal: `arn:aws:iam::${CONSUMER}:role/janitor`,
    action: 'kms:RetireGrant',
    decision: 'Allowed',
  },
  {
    name: 'one RCP level that denies kms:CreateGrant denies it, whatever the other levels say',
    cites: [RCP_ANY_LEVEL_DENIES],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    rcps: [
      doc({ Sid: 'DenyDeletion', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' }),
      doc({ Sid: 'NoGrants', Effect: 'Deny', Principal: '*', Action: 'kms:CreateGrant', Resource: '*' }),
    ],
    principal: CREATOR,
    action: 'kms:CreateGrant',
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'an RCP whose Deny does not match passes the request: RCPFullAWSAccess lets it through',
    cites: [RCP_FULL_ACCESS],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    rcps: [doc({ Sid: 'DenyDeletion', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' })],
    principal: CREATOR,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  // Permissions boundaries.
  {
    name: 'same account, key policy delegates to the account: a boundary without Decrypt limits the IAM allow',
    cites: [PB_INTERSECTION],
    keyPolicy: doc(ROOT),
    iam: [ALL_KMS_IAM],
    boundary: boundary('kms:Encrypt'),
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'same account, the boundary allows Decrypt too: allowed',
    cites: [PB_INTERSECTION],
    keyPolicy: doc(ROOT),
    iam: [ALL_KMS_IAM],
    boundary: boundary('kms:Encrypt', 'kms:Decrypt'),
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'same account, the key policy names the role session itself: the boundary does not limit it',
    cites: [PB_SESSION],
    keyPolicy: doc(ROOT, { Sid: 'Session', Effect: 'Allow', Principal: { AWS: APP_SESSION }, Action: 'kms:Decrypt', Resource: '*' }),
    boundary: boundary('s3:GetObject'),
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'same account, the key policy names the role ARN: the boundary limits it',
    cites: [PB_ROLE_ARN],
    keyPolicy: doc(ROOT, { Sid: 'Role', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Resource: '*' }),
    boundary: boundary('s3:GetObject'),
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'same account, the key policy names the role ARN and the boundary allows Decrypt: allowed',
    cites: [PB_ROLE_ARN, PB_INTERSECTION],
    keyPolicy: doc(ROOT, { Sid: 'Role', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Resource: '*' }),
    boundary: boundary('kms:Decrypt'),
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'same account, the key policy names the IAM user: the boundary does not limit it',
    cites: [PB_USER],
    keyPolicy: doc(ROOT, { Sid: 'User', Effect: 'Allow', Principal: { AWS: APP_USER }, Action: 'kms:Decrypt', Resource: '*' }),
    boundary: boundary('s3:GetObject'),
    principal: APP_USER,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'an explicit Deny in the boundary overrides the key policy that names the user',
    cites: [PB_DENY],
    keyPolicy: doc(ROOT, { Sid: 'User', Effect: 'Allow', Principal: { AWS: APP_USER }, Action: 'kms:Decrypt', Resource: '*' }),
    boundary: doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }),
    principal: APP_USER,
    action: 'kms:Decrypt',
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'across accounts the identity-based policy is needed, and the boundary limits it',
    cites: [CROSS_ACCOUNT_IDENTITY, PB_INTERSECTION],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [ALL_KMS_IAM],
    boundary: boundary('kms:Encrypt'),
    principal: CREATOR,
    action: 'kms:CreateGrant',
    decision: 'ImplicitlyDenied',
  },
  // A Deny with NotPrincipal: how the principal is named decides.
  {
    name: 'a Deny whose NotPrincipal names the session, its role and their account exempts the session',
    cites: [NOT_PRINCIPAL_DENY, NOT_PRINCIPAL_MIGHT],
    keyPolicy: doc(ROOT, {
      Sid: 'OnlyThisSession',
      Effect: 'Deny',
      NotPrincipal: { AWS: [APP_SESSION, APP_ROLE, `arn:aws:iam::${OWNER}:root`] },
      Action: 'kms:Decrypt',
      Resource: '*',
    }),
    iam: [ALL_KMS_IAM],
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'a Deny whose NotPrincipal names none of them denies the session',
    cites: [NOT_PRINCIPAL_DENY],
    keyPolicy: doc(ROOT, {
      Sid: 'OnlyAdmin',
      Effect: 'Deny',
      NotPrincipal: { AWS: `arn:aws:iam::${OWNER}:role/admin` },
      Action: 'kms:Decrypt',
      Resource: '*',
    }),
    iam: [ALL_KMS_IAM],
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'a Deny whose NotPrincipal names the role and account but not the session: the page says AWS "might" check the session too, so unknown',
    cites: [NOT_PRINCIPAL_MIGHT],
    keyPolicy: doc(ROOT, {
      Sid: 'RoleOnly',
      Effect: 'Deny',
      NotPrincipal: { AWS: [APP_ROLE, `arn:aws:iam::${OWNER}:root`] },
      Action: 'kms:Decrypt',
      Resource: '*',
    }),
    iam: [ALL_KMS_IAM],
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    decision: 'Unknown',
  },
  // The context AWS always sets.
  {
    name: 'a Deny on aws:SecureTransport false never matches a KMS request: KMS requires TLS',
    cites: [SECURE_TRANSPORT, KMS_TLS],
    keyPolicy: doc(ROOT, {
      Sid: 'DenyPlainText',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
    iam: [ALL_KMS_IAM],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'an Allow only over TLS holds with no context given',
    cites: [SECURE_TRANSPORT, KMS_TLS],
    keyPolicy: doc(ROOT, {
      Sid: 'TlsOnly',
      Effect: 'Allow',
      Principal: { AWS: CREATOR },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    }),
    iam: [ALL_KMS_IAM],
    principal: CREATOR,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: "an IAM policy scoped to keys of the owner's account by aws:ResourceAccount allows with no context given",
    cites: [RESOURCE_ACCOUNT],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': OWNER } } })],
    principal: CREATOR,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: "an IAM policy scoped to the caller's own account by aws:ResourceAccount does not reach the owner's key",
    cites: [RESOURCE_ACCOUNT],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [
      doc({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
      }),
    ],
    principal: CREATOR,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'a Deny unless aws:ViaAWSService: a direct call is denied',
    cites: [VIA_AWS_SERVICE_DIRECT],
    keyPolicy: doc(ROOT, {
      Sid: 'OnlyViaServices',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { Bool: { 'aws:ViaAWSService': 'false' } },
    }),
    iam: [ALL_KMS_IAM],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'ExplicitlyDenied',
  },
  {
    name: "the same Deny: EC2 calling with the role session's credentials (kms:ViaService) makes aws:ViaAWSService true",
    cites: [VIA_AWS_SERVICE_FAS],
    keyPolicy: doc(ROOT, {
      Sid: 'OnlyViaServices',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { Bool: { 'aws:ViaAWSService': 'false' } },
    }),
    iam: [ALL_KMS_IAM],
    principal: APP_SESSION,
    action: 'kms:Decrypt',
    context: ['kms:ViaService=ec2.us-west-2.amazonaws.com'],
    decision: 'Allowed',
  },
  {
    name: 'a Deny on kms:MultiRegion true denies a multi-Region key (mrk-), whose property the key ID shows',
    cites: [MULTI_REGION],
    keyPolicy: doc(ROOT),
    keyArn: MRK,
    iam: [
      doc(
        { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'kms:MultiRegion': 'true' } } },
      ),
    ],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'ExplicitlyDenied',
  },
  {
    name: 'the same Deny does not match a single-Region key',
    cites: [MULTI_REGION],
    keyPolicy: doc(ROOT),
    iam: [
      doc(
        { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'kms:MultiRegion': 'true' } } },
      ),
    ],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'kms:ResourceAliases given with --context decides an ABAC IAM policy',
    cites: [RESOURCE_ALIASES],
    keyPolicy: doc(ROOT),
    iam: [
      doc({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/finance-*' } },
      }),
    ],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    context: ['kms:ResourceAliases=alias/finance-ami,alias/golden-ami'],
    decision: 'Allowed',
  },
  {
    name: 'kms:ResourceAliases not given: the aliases decide, so unknown',
    cites: [RESOURCE_ALIASES],
    keyPolicy: doc(ROOT),
    iam: [
      doc({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/finance-*' } },
      }),
    ],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'Unknown',
    dependsOn: ['kms:ResourceAliases'],
  },
  // Absent is not unknown.
  {
    name: 'ForAllValues on aws:PrincipalOrgPaths with the key absent is true: the over-permissive Allow matches',
    cites: [FOR_ALL_VALUES_EMPTY],
    keyPolicy: doc(ROOT, {
      Sid: 'OrgPaths',
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/ou-ab12-11111111/*`] } },
    }),
    iam: [ALL_KMS_IAM],
    principal: CREATOR,
    action: 'kms:Decrypt',
    context: ['aws:PrincipalOrgPaths=!absent'],
    decision: 'Allowed',
  },
  {
    name: 'StringEquals on aws:PrincipalOrgID with the key absent is false: denied, not unknown',
    cites: [MISSING_KEY, ORG_ID_AVAILABILITY],
    keyPolicy: doc(ROOT, {
      Sid: 'Org',
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    }),
    iam: [ALL_KMS_IAM],
    principal: CREATOR,
    action: 'kms:Decrypt',
    context: ['aws:PrincipalOrgID=!absent'],
    decision: 'ImplicitlyDenied',
  },
  // EBS's encryption context.
  {
    name: "a grant constrained to one volume's encryption context allows Decrypt for that volume",
    cites: [EBS_VOLUME_ID, EBS_CONTEXT],
    keyPolicy: doc(ROOT),
    grants: [{ ...GUIDE_GRANT, Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0cfb133e847d28be9' } } }],
    principal: SLR(),
    action: 'kms:Decrypt',
    context: ['kms:ViaService=ec2.us-west-2.amazonaws.com'],
    encryptionContext: { 'aws:ebs:id': 'vol-0cfb133e847d28be9' },
    decision: 'Allowed',
  },
  {
    name: 'the same grant does not allow Decrypt for another volume',
    cites: [EBS_VOLUME_ID],
    keyPolicy: doc(ROOT),
    grants: [{ ...GUIDE_GRANT, Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0cfb133e847d28be9' } } }],
    principal: SLR(),
    action: 'kms:Decrypt',
    context: ['kms:ViaService=ec2.us-west-2.amazonaws.com'],
    encryptionContext: { 'aws:ebs:id': 'vol-0123456789abcdef0' },
    decision: 'ImplicitlyDenied',
  },
];

const LAUNCHES: LaunchScenario[] = [
  {
    name: 'organization mode: create-grant passes only if KMS resolves ${aws:PrincipalAccount} in kms:GranteePrincipal, which doctor prints under assuming, not as a plain PASS',
    cites: [
      cite(
        'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
        'You can use a policy variable for `Condition` values in any condition that involves the string operators or the ARN operators.',
      ),
    ],
    keyPolicy: keyPolicy(rollout(ORG_YAML)),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    context: [`aws:PrincipalOrgID=${ORG}`],
    verdict: 'works',
    says: [/ASSUME +1\. create-grant/, /assuming \(not proven\):\n +- KMS resolves \$\{aws:PrincipalAccount\} inside kms:GranteePrincipal/],
  },
  {
    name: 'the RCP perimeter with the consumer in the organization: the launch works',
    cites: [RCP_EXAMPLE, ORG_ID_AVAILABILITY],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    rcps: [PERIMETER_RCP],
    context: [`aws:PrincipalOrgID=${ORG}`],
    verdict: 'works',
  },
  {
    name: "the RCP perimeter with the consumer outside it: the creator's CreateGrant is denied, while the service-linked role's own calls are not restricted by RCPs",
    cites: [RCP_EXAMPLE, cite(PAGE.orgRcps, 'Resources and entities not restricted by RCPs')],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    rcps: [PERIMETER_RCP],
    context: ['aws:PrincipalOrgID=o-zzzzzzzzzz'],
    verdict: 'fails',
    steps: { 'create-grant': 'ExplicitlyDenied', 'use-through-grant:Decrypt': 'Allowed', 'child-grant': 'Allowed' },
  },
  {
    name: 'a permissions boundary on the grant creator without kms:CreateGrant breaks create-grant',
    cites: [PB_INTERSECTION, CROSS_ACCOUNT_IDENTITY],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    boundary: boundary('ec2:*', 'autoscaling:*'),
    verdict: 'fails',
    steps: { 'create-grant': 'ImplicitlyDenied', 'use-through-grant:Decrypt': 'Allowed' },
  },
  {
    name: 'a boundary that allows kms:CreateGrant lets the launch work',
    cites: [PB_INTERSECTION],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    boundary: boundary('kms:CreateGrant', 'ec2:*'),
    verdict: 'works',
  },
  {
    name: 'organization mode for an account in no organization (aws:PrincipalOrgID absent): fails, not unknown',
    cites: [ORG_ID_AVAILABILITY, MISSING_KEY],
    keyPolicy: doc(ROOT, {
      Sid: 'OrgUse',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    context: ['aws:PrincipalOrgID=!absent'],
    verdict: 'fails',
    steps: { 'create-grant': 'ImplicitlyDenied' },
  },
  {
    name: 'a key policy Deny on direct calls (aws:ViaAWSService false) blocks the CreateGrant Terraform sends itself',
    cites: [VIA_AWS_SERVICE_DIRECT],
    keyPolicy: doc(ROOT, CONSUMER_USE, {
      Sid: 'OnlyViaServices',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { Bool: { 'aws:ViaAWSService': 'false' } },
    }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    steps: { 'create-grant': 'ExplicitlyDenied' },
  },
  {
    name: "the same Deny on EC2's child grant as the service-linked role: the page gives false for a service-linked role and true for credentials used on a principal's behalf, so unknown",
    cites: [VIA_AWS_SERVICE_SLR, VIA_AWS_SERVICE_FAS],
    keyPolicy: doc(ROOT, CONSUMER_USE, {
      Sid: 'EcOnlyViaServices',
      Effect: 'Deny',
      Principal: { AWS: SLR() },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { Bool: { 'aws:ViaAWSService': 'false' } },
    }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'unknown',
    steps: { 'create-grant': 'Allowed', 'child-grant': 'Unknown' },
    dependsOn: ['aws:ViaAWSService'],
  },
  {
    name: "a grant constrained to an existing volume's ID never serves the volumes a launch creates",
    cites: [EBS_VOLUME_ID, EBS_CONTEXT],
    keyPolicy: CROSS_ACCOUNT_KEY_POLICY,
    iam: [CREATOR_IAM],
    grants: [{ ...GUIDE_GRANT, Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0cfb133e847d28be9' } } }],
    verdict: 'fails',
    steps: { 'use-through-grant:Decrypt': 'ImplicitlyDenied', 'use-through-grant:GenerateDataKeyWithoutPlaintext': 'ImplicitlyDenied' },
  },
  {
    name: 'same account: a key policy that allows Decrypt for any EBS volume (kms:EncryptionContext:aws:ebs:id vol-*) works',
    cites: [EBS_CONTEXT, EBS_VOLUME_ID],
    keyPolicy: doc(
      ROOT,
      {
        Sid: 'VolumesOnly',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:ebs:id': 'vol-*' } },
      },
      {
        Sid: 'Attach',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    ),
    consumer: OWNER,
    verdict: 'works',
  },
  {
    name: 'same account: a key policy pinned to one existing volume fails for the volumes a launch creates',
    cites: [EBS_VOLUME_ID],
    keyPolicy: doc(
      ROOT,
      {
        Sid: 'OneVolume',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:ebs:id': 'vol-0cfb133e847d28be9' } },
      },
      {
        Sid: 'Attach',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    ),
    consumer: OWNER,
    verdict: 'fails',
    steps: { 'same-account:Decrypt': 'ImplicitlyDenied' },
  },
  {
    name: 'same account: a pattern on the volume ID that a new volume may or may not match is unknown',
    cites: [EBS_VOLUME_ID],
    keyPolicy: doc(
      ROOT,
      {
        Sid: 'SomeVolumes',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:ebs:id': 'vol-0a*' } },
      },
      {
        Sid: 'Attach',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    ),
    consumer: OWNER,
    verdict: 'unknown',
    steps: { 'same-account:Decrypt': 'Unknown' },
    dependsOn: ['kms:EncryptionContext:aws:ebs:id'],
  },
  {
    name: 'same account: ForAllValues on kms:EncryptionContextKeys limited to aws:ebs:id holds for EBS requests',
    cites: [EBS_CONTEXT],
    keyPolicy: doc(
      ROOT,
      {
        Sid: 'EbsKeysOnly',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['aws:ebs:id'] } },
      },
      {
        Sid: 'Attach',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    ),
    consumer: OWNER,
    verdict: 'works',
  },
];

const files = scenarioFiles('keyshare-round-three-');
const file = files.file;
const inputArgs = (s: Setup): string[] => files.inputArgs({ ...s, keyArn: s.keyArn ?? KEY });

describe('round three: documented scenarios decided from the AWS pages', () => {
  test(`an RCP with its own Allow is not one AWS accepts: refused, naming the statement and the fix (${RCP_ALLOW_ONLY_FULL_ACCESS.url})`, async () => {
    const setup: Setup = {
      keyPolicy: doc(ROOT),
      rcps: [doc({ Sid: 'OnlyDecrypt', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' })],
    };
    const r = await run(['explain', ...inputArgs(setup), '--principal', APP_ROLE, '--action', 'kms:Decrypt']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /--rcp .*Statement\[0\]\.Effect.*only supported for the RCPFullAWSAccess policy.*Fix: write the restriction as a Deny statement/,
    );
  });

  test('at least 30, each citing an AWS page and quoting its deciding sentence', () => {
    expect(REQUESTS.length + LAUNCHES.length).toBeGreaterThanOrEqual(30);
    for (const s of [...REQUESTS, ...LAUNCHES]) {
      expect(s.cites.length).toBeGreaterThan(0);
      for (const c of s.cites) {
        expect(c.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
        expect(c.quote.length).toBeGreaterThan(10);
      }
    }
  });

  test.each(REQUESTS.map((s) => [s.name, s] as const))('explain: %s', async (_, s) => {
    const request = s.encryptionContext
      ? [
          '--requests',
          file([
            {
              principal: s.principal,
              action: s.action,
              encryptionContext: s.encryptionContext,
              ...(s.context && { context: Object.fromEntries(s.context.map((c) => c.split('=') as [string, string])) }),
            },
          ]),
        ]
      : ['--principal', s.principal, '--action', s.action, ...(s.context ?? []).flatMap((c) => ['--context', c])];
    const r = await run(['explain', ...inputArgs(s), ...request, '--format', 'json']);
    expect(r.stderr.replace(/^keyshare: note: .*\n/gm, '')).toBe('');
    const [result] = JSON.parse(r.stdout);
    expect(result.decision).toBe(s.decision);
    if (s.dependsOn) expect(result.dependsOn).toEqual(s.dependsOn);
    expect(r.status).toBe(s.decision === 'Allowed' ? 0 : 1);
  });

  test.each(LAUNCHES.map((s) => [s.name, s] as const))('doctor: %s', async (_, s) => {
    const r = await doctorOne(files, { ...s, keyArn: s.keyArn ?? KEY }, { consumer: s.consumer ?? CONSUMER, creator: CREATOR, context: s.context });
    expect(r.stderr).toBe('');
    expect(r.verdict).toBe(s.verdict);
    expect(r.status).toBe(s.verdict === 'works' ? 0 : 1);
    for (const [id, decision] of Object.entries(s.steps ?? {})) expect(r.steps.find((st) => st.id === id)?.decision).toBe(decision);
    if (s.dependsOn) expect([...new Set(r.steps.flatMap((st) => st.dependsOn))]).toEqual(s.dependsOn);
    if (s.says) {
      const text = await run([
        'doctor',
        ...inputArgs(s),
        '--consumer',
        s.consumer ?? CONSUMER,
        '--grant-creator',
        CREATOR,
        ...(s.context ?? []).flatMap((c) => ['--context', c]),
      ]);
      for (const re of s.says) expect(text.stdout).toMatch(re);
    }
  });
});
