/**
 * Documented scenarios, held-out round four (issue #18's done-when): cross-account key policy and
 * IAM, grants and their constraints, who may retire and revoke a grant, KMS and global condition
 * keys (kms:GrantIsForAWSResource, kms:ViaService, kms:CallerAccount, aws:PrincipalOrgPaths),
 * set operators, ...IfExists and Null on absent and unknown keys, NotAction, NotPrincipal with Deny,
 * SCPs and RCPs with their exemptions, and a boundary beside an SCP. Each verdict was decided from
 * the AWS page it cites, whose deciding sentence it quotes verbatim, before keyshare was run on it.
 */
import type { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import type { Grant } from '../../src/policy/kms-api';
import { cite, type Citation, GUIDE_GRANT_OPERATIONS as GUIDE_OPS } from '../support/aws-pages';
import {
  type Decision,
  doc,
  doctorOne,
  type ExplainRequest,
  explainOne,
  type PolicySetup,
  rootStatement,
  scenarioFiles,
} from '../support/explain-scenarios';

const PAGE = {
  crossAccount: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  grants: 'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html',
  grantConstraints: 'https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html',
  retire: 'https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html',
  grantManage: 'https://docs.aws.amazon.com/kms/latest/developerguide/grant-manage.html',
  kmsKeys: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html',
  operators: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  multiValued: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html',
  notAction: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
  notPrincipal: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html',
  scps: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  orgRcps: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html',
} as const;

const NEITHER_ALONE = cite(PAGE.crossAccount, 'Neither the key policy nor the IAM policy alone is sufficient—you must change both.');
const NAMED_ROLES_NEED_IAM = cite(
  PAGE.crossAccount,
  'However, those users and roles cannot use the KMS key until IAM administrators in the external account attach the proper IAM policies to their identities.',
);
const IDENTITIES_RESTRICT = cite(
  PAGE.crossAccount,
  'Specifying identities in a key policy restricts the permissions that IAM administrators in the external account can provide.',
);
const OTHER_OPERATIONS_NO_EFFECT = cite(
  PAGE.crossAccount,
  'If you give a user in a different account permission for other operations, those permissions have no effect.',
);
const STAR_NEEDS_IAM = cite(
  PAGE.crossAccount,
  'Users in other AWS accounts just need corresponding IAM permissions in their own accounts to use the KMS key.',
);
const SUBSET = cite(
  PAGE.grantConstraints,
  '`EncryptionContextSubset` requires that the request include all encryption context pairs in the grant constraint (an exact, case-sensitive match), but the request can also have additional encryption context pairs.',
);
const EQUALS = cite(
  PAGE.grantConstraints,
  '`EncryptionContextEquals` requires that the encryption context pairs in the request are an exact, case-sensitive match for the encryption context pairs in the grant constraint.',
);
const CONSTRAINT_IGNORED = cite(
  PAGE.grantConstraints,
  'The encryption context constraint is ignored for `DescribeKey` and `RetireGrant` operations.',
);
const RETIRE_WITHOUT_PERMISSION = cite(PAGE.retire, 'Principals specified in the grant can retire a grant without the `kms:RetireGrant` permission.');
const GRANTEE_RETIRES_ONLY_IF = cite(
  PAGE.retire,
  'The grantee principal can also retire the grant, but only if they are also a retiring principal or the grant includes the `RetireGrant` operation.',
);
const RETIRE_PERMISSION_ALONE = cite(PAGE.retire, 'The `kms:RetireGrant` permission alone does not allow principals to retire a grant.');
const REVOKE_BY_PERMISSION = cite(PAGE.retire, 'The RevokeGrant API can be called by any principal with `kms:RevokeGrant` permission.');
const GRANT_FOR_AWS_RESOURCE = cite(PAGE.kmsKeys, "This policy condition doesn't allow the user to call these grant operations directly.");
const VIA_SERVICE = cite(PAGE.kmsKeys, 'The `kms:ViaService` condition key limits use of an KMS key to requests from specified AWS services.');
const CALLER_ACCOUNT = cite(
  PAGE.kmsKeys,
  'But you can achieve this effect by combining this condition key with a `Principal` element that specifies all AWS identities.',
);
const FOR_ANY_VALUE = cite(
  PAGE.multiValued,
  'The condition returns true if any one of the key values in the request matches any one of the condition values in the policy.',
);
const FOR_ANY_VALUE_NULL = cite(PAGE.multiValued, 'For no matching key or a null dataset, the condition returns false.');
const FOR_ALL_VALUES_EMPTY = cite(
  PAGE.multiValued,
  'It also returns true if there are no keys in the request, or if the key values resolve to a null data set, such as an empty string.',
);
const CONTEXT_KEYS_ANY = cite(PAGE.kmsKeys, 'If the request has no encryption context, the condition is not satisfied.');
const CONTEXT_KEYS_ALL = cite(PAGE.kmsKeys, "It doesn't require any encryption context keys, but it forbids unspecified encryption context keys.");
const NULL_CHECK = cite(
  PAGE.operators,
  "In the policy statement, use either `true` (the key doesn't exist — it is null) or `false` (the key exists and its value is not null).",
);
const IF_EXISTS_DENY = cite(
  PAGE.operators,
  'If you are using an `"Effect": "Deny"` element with a negated condition operator like `StringNotEqualsIfExists`, the request is still denied even if the tag is missing.',
);
const NOT_ACTION = cite(
  PAGE.notAction,
  '`NotAction` is an advanced policy element that explicitly matches everything *except* the specified list of actions.',
);
const NOT_ACTION_DENY = cite(PAGE.notAction, 'In addition, such unlisted actions or services are denied if you use the `Deny` effect.');
const NOT_PRINCIPAL_DENY = cite(
  PAGE.notPrincipal,
  'When you use `NotPrincipal` in the same policy statement as `"Effect": "Deny"`, the actions specified in the policy statement are explicitly denied to all principals *except* for the ones specified.',
);
const SCP_SLR = cite(
  PAGE.scps,
  "Service-linked roles enable other AWS services to integrate with AWS Organizations and can't be restricted by SCPs.",
);
const SCP_IMPLICIT = cite(
  PAGE.scps,
  "If a permission is blocked at any level above the account, either implicitly (by not being included in an `Allow` policy statement) or explicitly (by being included in a `Deny` policy statement), a user or role in the affected account can't use that permission, even if the account administrator attaches the `AdministratorAccess` IAM policy with */* permissions to the user.",
);
const SCP_AND_BOUNDARY = cite(
  PAGE.scps,
  'If both a permissions boundary (an advanced IAM feature) and an SCP are present, then the boundary, the SCP, and the identity-based policy must all allow the action.',
);
const RCP_NOT_RESTRICTED = cite(PAGE.orgRcps, 'Resources and entities not restricted by RCPs');

const GLOBAL_KEYS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html';
const SOURCE_IP_PRESENT = cite(
  GLOBAL_KEYS,
  'This key is included in the request context, except when the requester uses a VPC endpoint to make the request.',
);
const CURRENT_TIME_PRESENT = cite(GLOBAL_KEYS, 'This key is always included in the request context.');
const CONSTRAINT_TYPE = cite(PAGE.kmsKeys, 'You can use this condition key to check that the request contains one type or the other.');

const GRANT_OPERATIONS_ALL = cite(PAGE.kmsKeys, "It doesn't require any grant operations, but it forbids unspecified grant operations.");
const CREATE_GRANT_REQUIRED = cite('https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html', 'Required: Yes');
const GRANTEE_PRINCIPAL = cite(
  PAGE.kmsKeys,
  'You can use this condition key to control access to the CreateGrant operation based on the value of the GranteePrincipal parameter in the request.',
);

const MISSING_KEY = cite(
  PAGE.operators,
  'If the key that you specify in a policy condition is not present in the request context, the values do not match and the condition is *false*.',
);
const SET_OPERATOR_REQUIRED = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
  'Multivalued context keys require a condition set operator.',
);

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const STRANGER = '777788889999';
const ORG = 'o-a1b2c3d4e5';
const OU_PATH = `${ORG}/r-ab12/ou-ab12-11111111/`;
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EC2 = 'ec2.us-west-2.amazonaws.com';
const SLR = `arn:aws:iam::${CONSUMER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const EXAMPLE_ROLE = `arn:aws:iam::${CONSUMER}:role/ExampleRole`;
const OTHER_ROLE = `arn:aws:iam::${CONSUMER}:role/other`;
const STRANGER_ROLE = `arn:aws:iam::${STRANGER}:role/app`;
const APP_ROLE = `arn:aws:iam::${OWNER}:role/app`;
const ADMIN_ROLE = `arn:aws:iam::${OWNER}:role/admin`;
/** The NotPrincipal page's example: the session, its role and their account. */
const AUDIT_ROLE = `arn:aws:iam::${CONSUMER}:role/cross-account-read-only-role`;
const AUDIT_SESSION = `arn:aws:sts::${CONSUMER}:assumed-role/cross-account-read-only-role/cross-account-audit-app`;

const ROOT = rootStatement(OWNER);
const USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const allowTo = (
  principal: PolicyStatement['Principal'],
  action: string | string[] = USE,
  Condition?: PolicyStatement['Condition'],
): PolicyStatement => ({
  Sid: 'Allow use of the key',
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: '*',
  ...(Condition && { Condition }),
});
const CONSUMER_ROOT = { AWS: `arn:aws:iam::${CONSUMER}:root` };
const iam = (action: string | string[] = 'kms:*'): PolicyDocument => doc({ Effect: 'Allow', Action: action, Resource: KEY });
const ALL_IAM = iam();
const grant = (grantee: string, operations: string[], extra: Partial<Grant> = {}): Grant => ({
  GrantId: 'g-1',
  KeyId: KEY,
  GranteePrincipal: grantee,
  IssuingAccount: `arn:aws:iam::${OWNER}:root`,
  Operations: operations,
  ...extra,
});

const VIA_EC2_ONLY = doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { StringEquals: { 'kms:ViaService': EC2 } }));
const FOR_AWS_RESOURCE_ONLY = doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }));
const CALLER_ACCOUNT_ONLY = doc(ROOT, allowTo('*', 'kms:Decrypt', { StringEquals: { 'kms:CallerAccount': CONSUMER } }));
const orgPaths = (operator: string) => doc(ROOT, allowTo('*', 'kms:Decrypt', { [operator]: { 'aws:PrincipalOrgPaths': [`${OU_PATH}*`] } }));
const contextKeys = (operator: string) =>
  doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { [operator]: { 'kms:EncryptionContextKeys': 'AppName' } }));
const ALL_BUT_DECRYPT = doc({ Sid: 'AllButDecrypt', Effect: 'Allow', Principal: { AWS: APP_ROLE }, NotAction: 'kms:Decrypt', Resource: '*' });
const ALL_BUT_AUDIT = doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt'), {
  Sid: 'DenyAllButAudit',
  Effect: 'Deny',
  NotPrincipal: { AWS: [AUDIT_SESSION, AUDIT_ROLE, `arn:aws:iam::${CONSUMER}:root`] },
  Action: 'kms:*',
  Resource: '*',
});
const SCP_AND_BOUNDARY_SETUP = {
  keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT)),
  iam: [ALL_IAM],
  scps: [doc({ Sid: 'Kms', Effect: 'Allow', Action: 'kms:*', Resource: '*' })],
  boundary: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }),
};
const SLR_GRANT = grant(SLR, GUIDE_OPS, { IssuingAccount: `arn:aws:iam::${CONSUMER}:root` });

interface Scenario extends PolicySetup, ExplainRequest {
  readonly name: string;
  readonly cites: readonly Citation[];
  readonly decision: Decision;
  readonly dependsOn?: readonly string[];
}

const on = (s: Omit<Scenario, 'keyArn'>): Scenario => ({ keyArn: KEY, ...s });

const SCENARIOS: Scenario[] = [
  // Cross-account: key policy and the caller's IAM policy, both needed.
  on({
    name: 'the key policy names the consumer account, its role has no IAM policy: denied',
    cites: [NEITHER_ALONE],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT)),
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: "the consumer role's IAM policy allows kms:* on the key, the key policy does not name its account: denied",
    cites: [NEITHER_ALONE],
    keyPolicy: doc(ROOT),
    iam: [ALL_IAM],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'key policy names the consumer account and its IAM policy allows Decrypt: allowed',
    cites: [NEITHER_ALONE],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT)),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  }),
  on({
    name: 'the key policy names the external role itself, which has no IAM policy: denied',
    cites: [NAMED_ROLES_NEED_IAM],
    keyPolicy: doc(ROOT, allowTo({ AWS: EXAMPLE_ROLE })),
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'the key policy names ExampleRole; another role of that account with kms:* in IAM is not named: denied',
    cites: [IDENTITIES_RESTRICT],
    keyPolicy: doc(ROOT, allowTo({ AWS: EXAMPLE_ROLE })),
    iam: [ALL_IAM],
    principal: OTHER_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'ScheduleKeyDeletion given to the external account in the key policy and in IAM has no effect: denied',
    cites: [OTHER_OPERATIONS_NO_EFFECT],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, ['kms:Decrypt', 'kms:ScheduleKeyDeletion'])),
    iam: [ALL_IAM],
    principal: EXAMPLE_ROLE,
    action: 'kms:ScheduleKeyDeletion',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'Principal "*" without conditions: a stranger with an IAM policy may decrypt',
    cites: [STAR_NEEDS_IAM],
    keyPolicy: doc(ROOT, allowTo('*', 'kms:Decrypt')),
    iam: [iam('kms:Decrypt')],
    principal: STRANGER_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  }),
  // Grants: constraints, DescribeKey, who retires and who revokes.
  on({
    name: 'EncryptionContextSubset {Department: IT}: a request with Department=IT and Purpose=Test is allowed',
    cites: [SUBSET],
    keyPolicy: doc(ROOT),
    grants: [grant(APP_ROLE, ['Decrypt'], { Constraints: { EncryptionContextSubset: { Department: 'IT' } } })],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    encryptionContext: { Department: 'IT', Purpose: 'Test' },
    decision: 'Allowed',
  }),
  on({
    name: 'EncryptionContextEquals {Department: IT}: the same request with an extra pair is denied',
    cites: [EQUALS],
    keyPolicy: doc(ROOT),
    grants: [grant(APP_ROLE, ['Decrypt'], { Constraints: { EncryptionContextEquals: { Department: 'IT' } } })],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    encryptionContext: { Department: 'IT', Purpose: 'Test' },
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'EncryptionContextSubset is case-sensitive: department=IT does not meet Department=IT',
    cites: [SUBSET],
    keyPolicy: doc(ROOT),
    grants: [grant(APP_ROLE, ['Decrypt'], { Constraints: { EncryptionContextSubset: { Department: 'IT' } } })],
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    encryptionContext: { department: 'IT' },
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'a constrained grant still allows DescribeKey, which has no encryption context',
    cites: [CONSTRAINT_IGNORED],
    keyPolicy: doc(ROOT),
    grants: [grant(APP_ROLE, ['Decrypt', 'DescribeKey'], { Constraints: { EncryptionContextEquals: { Department: 'IT' } } })],
    principal: APP_ROLE,
    action: 'kms:DescribeKey',
    decision: 'Allowed',
  }),
  on({
    name: "the grant's retiring principal, in another account and with no IAM policy, may retire it",
    cites: [RETIRE_WITHOUT_PERMISSION],
    keyPolicy: doc(ROOT),
    grants: [grant(APP_ROLE, ['Decrypt'], { RetiringPrincipal: EXAMPLE_ROLE })],
    principal: EXAMPLE_ROLE,
    action: 'kms:RetireGrant',
    decision: 'Allowed',
  }),
  on({
    name: 'the grantee of a grant without RetireGrant, not its retiring principal, may not retire it, whatever its IAM policy',
    cites: [GRANTEE_RETIRES_ONLY_IF, RETIRE_PERMISSION_ALONE],
    keyPolicy: doc(ROOT),
    iam: [ALL_IAM],
    grants: [grant(EXAMPLE_ROLE, ['Decrypt'], { RetiringPrincipal: STRANGER_ROLE })],
    principal: EXAMPLE_ROLE,
    action: 'kms:RetireGrant',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'the grantee of a grant that includes RetireGrant may retire it',
    cites: [GRANTEE_RETIRES_ONLY_IF],
    keyPolicy: doc(ROOT),
    grants: [grant(EXAMPLE_ROLE, ['Decrypt', 'RetireGrant'], { RetiringPrincipal: STRANGER_ROLE })],
    principal: EXAMPLE_ROLE,
    action: 'kms:RetireGrant',
    decision: 'Allowed',
  }),
  on({
    name: 'the grantee may not revoke its grant without kms:RevokeGrant from a policy',
    cites: [REVOKE_BY_PERMISSION],
    keyPolicy: doc(ROOT),
    grants: [grant(APP_ROLE, ['Decrypt', 'RetireGrant', 'CreateGrant'])],
    principal: APP_ROLE,
    action: 'kms:RevokeGrant',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'a key administrator whose IAM policy allows kms:RevokeGrant may revoke, the key policy delegating to the account',
    cites: [REVOKE_BY_PERMISSION],
    keyPolicy: doc(ROOT),
    iam: [iam('kms:RevokeGrant')],
    principal: ADMIN_ROLE,
    action: 'kms:RevokeGrant',
    decision: 'Allowed',
  }),
  // kms:GrantIsForAWSResource, kms:ViaService, kms:CallerAccount.
  on({
    name: 'kms:GrantIsForAWSResource true in the key policy: a direct CreateGrant is denied',
    cites: [GRANT_FOR_AWS_RESOURCE],
    keyPolicy: FOR_AWS_RESOURCE_ONLY,
    iam: [iam('kms:CreateGrant')],
    principal: EXAMPLE_ROLE,
    action: 'kms:CreateGrant',
    context: ['kms:GrantIsForAWSResource=false'],
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: "kms:GrantIsForAWSResource true in the key policy: EC2 creating the grant on the role's behalf is allowed",
    cites: [GRANT_FOR_AWS_RESOURCE],
    keyPolicy: FOR_AWS_RESOURCE_ONLY,
    iam: [iam('kms:CreateGrant')],
    principal: EXAMPLE_ROLE,
    action: 'kms:CreateGrant',
    context: ['kms:GrantIsForAWSResource=true', `kms:ViaService=${EC2}`],
    decision: 'Allowed',
  }),
  on({
    name: 'kms:ViaService ec2 in the key policy: a Decrypt through EC2 is allowed',
    cites: [VIA_SERVICE],
    keyPolicy: VIA_EC2_ONLY,
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: [`kms:ViaService=${EC2}`],
    decision: 'Allowed',
  }),
  on({
    name: 'kms:ViaService ec2 in the key policy: a Decrypt through RDS is denied',
    cites: [VIA_SERVICE],
    keyPolicy: VIA_EC2_ONLY,
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: ['kms:ViaService=rds.us-west-2.amazonaws.com'],
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'Principal "*" with kms:CallerAccount = the consumer: its role with an IAM policy is allowed',
    cites: [CALLER_ACCOUNT],
    keyPolicy: CALLER_ACCOUNT_ONLY,
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  }),
  on({
    name: 'Principal "*" with kms:CallerAccount = the consumer: another account\'s role is denied',
    cites: [CALLER_ACCOUNT],
    keyPolicy: CALLER_ACCOUNT_ONLY,
    iam: [iam('kms:Decrypt')],
    principal: STRANGER_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  // aws:PrincipalOrgPaths and aws:PrincipalOrgID with set operators, absent and unknown.
  on({
    name: 'ForAnyValue:StringLike aws:PrincipalOrgPaths under an OU: a caller in a child OU is allowed',
    cites: [FOR_ANY_VALUE],
    keyPolicy: orgPaths('ForAnyValue:StringLike'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: [`aws:PrincipalOrgPaths=${OU_PATH}ou-ab12-22222222/`],
    decision: 'Allowed',
  }),
  on({
    name: 'the same condition: a caller in a sibling OU is denied',
    cites: [FOR_ANY_VALUE],
    keyPolicy: orgPaths('ForAnyValue:StringLike'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: [`aws:PrincipalOrgPaths=${ORG}/r-ab12/ou-ab12-33333333/`],
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'ForAnyValue on aws:PrincipalOrgPaths for a caller in no organization (the key absent): denied',
    cites: [FOR_ANY_VALUE_NULL],
    keyPolicy: orgPaths('ForAnyValue:StringLike'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: ['aws:PrincipalOrgPaths=!absent'],
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'ForAllValues on aws:PrincipalOrgPaths in an Allow, for a caller in no organization (the key absent): allowed',
    cites: [FOR_ALL_VALUES_EMPTY],
    keyPolicy: orgPaths('ForAllValues:StringLike'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: ['aws:PrincipalOrgPaths=!absent'],
    decision: 'Allowed',
  }),
  on({
    name: 'a Deny when aws:PrincipalOrgID is Null, the organization not given: unknown, naming aws:PrincipalOrgID',
    cites: [NULL_CHECK],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt'), {
      Sid: 'DenyOutsideAnyOrganization',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { Null: { 'aws:PrincipalOrgID': 'true' } },
    }),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Unknown',
    dependsOn: ['aws:PrincipalOrgID'],
  }),
  // kms:EncryptionContextKeys with set operators, Null on an encryption context key.
  on({
    name: 'ForAnyValue kms:EncryptionContextKeys AppName: a request with no encryption context is denied',
    cites: [CONTEXT_KEYS_ANY],
    keyPolicy: contextKeys('ForAnyValue:StringEquals'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'ForAllValues kms:EncryptionContextKeys AppName: a request with no encryption context is allowed',
    cites: [CONTEXT_KEYS_ALL],
    keyPolicy: contextKeys('ForAllValues:StringEquals'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  }),
  on({
    name: 'ForAllValues kms:EncryptionContextKeys AppName: a request with AppName and Project is denied',
    cites: [CONTEXT_KEYS_ALL],
    keyPolicy: contextKeys('ForAllValues:StringEquals'),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    encryptionContext: { AppName: 'Helper', Project: 'Alpha' },
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'Null kms:EncryptionContext:AppName false (the pair required): a request without it is denied',
    cites: [NULL_CHECK],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { Null: { 'kms:EncryptionContext:AppName': 'false' } })),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    encryptionContext: { Project: 'Alpha' },
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'a Deny with StringNotEqualsIfExists kms:ViaService ec2: a direct call (the key absent) is denied',
    cites: [IF_EXISTS_DENY],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt'), {
      Sid: 'OnlyThroughEc2',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'kms:ViaService': EC2 } },
    }),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    context: ['kms:ViaService=!absent'],
    decision: 'ExplicitlyDenied',
  }),
  // Keys the request carries with a value keyshare does not know: unknown, whatever the operator.
  on({
    name: 'IpAddress aws:SourceIp 10.0.0.0/8 on the only Allow, the caller address not given: unknown, naming aws:SourceIp',
    cites: [SOURCE_IP_PRESENT],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Unknown',
    dependsOn: ['aws:SourceIp'],
  }),
  on({
    name: 'a Deny with NotIpAddress aws:SourceIp, the caller address not given: unknown, not denied',
    cites: [SOURCE_IP_PRESENT],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt'), {
      Sid: 'OnlyFromTheOffice',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
    }),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Unknown',
    dependsOn: ['aws:SourceIp'],
  }),
  on({
    name: 'DateLessThan aws:CurrentTime on the only Allow, the time not given: unknown, naming aws:CurrentTime',
    cites: [CURRENT_TIME_PRESENT],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } })),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Unknown',
    dependsOn: ['aws:CurrentTime'],
  }),
  on({
    name: 'StringEquals kms:GrantConstraintType EncryptionContextSubset: a CreateGrant with that constraint is allowed',
    cites: [CONSTRAINT_TYPE],
    keyPolicy: doc(ROOT, allowTo({ AWS: APP_ROLE }, 'kms:CreateGrant', { StringEquals: { 'kms:GrantConstraintType': 'EncryptionContextSubset' } })),
    principal: APP_ROLE,
    action: 'kms:CreateGrant',
    context: ['kms:GrantOperations=Decrypt'],
    grantConstraints: { EncryptionContextSubset: { Department: 'IT' } },
    decision: 'Allowed',
  }),
  on({
    name: 'the same condition: a CreateGrant with EncryptionContextEquals is denied',
    cites: [CONSTRAINT_TYPE],
    keyPolicy: doc(ROOT, allowTo({ AWS: APP_ROLE }, 'kms:CreateGrant', { StringEquals: { 'kms:GrantConstraintType': 'EncryptionContextSubset' } })),
    principal: APP_ROLE,
    action: 'kms:CreateGrant',
    context: ['kms:GrantOperations=Decrypt'],
    grantConstraints: { EncryptionContextEquals: { Department: 'IT' } },
    decision: 'ImplicitlyDenied',
  }),
  // CreateGrant always carries its grantee and operations (required parameters): unknown when not given.
  on({
    name: 'kms:GranteePrincipal = the Auto Scaling role: a CreateGrant whose grantee is not given is unknown, naming kms:GranteePrincipal',
    cites: [GRANTEE_PRINCIPAL, CREATE_GRANT_REQUIRED],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:CreateGrant', { StringEquals: { 'kms:GranteePrincipal': SLR } })),
    iam: [iam('kms:CreateGrant')],
    principal: EXAMPLE_ROLE,
    action: 'kms:CreateGrant',
    decision: 'Unknown',
    dependsOn: ['kms:GranteePrincipal'],
  }),
  on({
    name: 'the same key policy: a CreateGrant for the Auto Scaling role is allowed',
    cites: [GRANTEE_PRINCIPAL],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:CreateGrant', { StringEquals: { 'kms:GranteePrincipal': SLR } })),
    iam: [iam('kms:CreateGrant')],
    principal: EXAMPLE_ROLE,
    action: 'kms:CreateGrant',
    context: [`kms:GranteePrincipal=${SLR}`],
    decision: 'Allowed',
  }),
  on({
    name: 'ForAllValues kms:GrantOperations [Decrypt]: a CreateGrant whose operations are not given is unknown, not allowed as if it had none',
    cites: [GRANT_OPERATIONS_ALL, CREATE_GRANT_REQUIRED],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:CreateGrant', { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } })),
    iam: [iam('kms:CreateGrant')],
    principal: EXAMPLE_ROLE,
    action: 'kms:CreateGrant',
    decision: 'Unknown',
    dependsOn: ['kms:GrantOperations'],
  }),
  // A multivalued key tested without a set operator: the page does not say how, so unknown, citing it.
  on({
    name: 'StringEquals kms:EncryptionContextKeys AppName without ForAnyValue or ForAllValues: unknown, naming the page',
    cites: [SET_OPERATOR_REQUIRED],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { StringEquals: { 'kms:EncryptionContextKeys': 'AppName' } })),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    encryptionContext: { AppName: 'Helper' },
    decision: 'Unknown',
    dependsOn: [expect.stringContaining('reference_policies_condition-single-vs-multi-valued-context-keys.html')],
  }),
  on({
    name: 'the same condition on a request with no encryption context: the key is absent, the condition false, denied',
    cites: [MISSING_KEY],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT, 'kms:Decrypt', { StringEquals: { 'kms:EncryptionContextKeys': 'AppName' } })),
    iam: [iam('kms:Decrypt')],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  // NotAction and NotPrincipal.
  on({
    name: 'an Allow with NotAction kms:Decrypt naming the role: Decrypt is not allowed',
    cites: [NOT_ACTION],
    keyPolicy: ALL_BUT_DECRYPT,
    principal: APP_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'the same Allow with NotAction kms:Decrypt: Encrypt is allowed',
    cites: [NOT_ACTION],
    keyPolicy: ALL_BUT_DECRYPT,
    principal: APP_ROLE,
    action: 'kms:Encrypt',
    decision: 'Allowed',
  }),
  on({
    name: 'a Deny with NotAction [Decrypt, DescribeKey]: Encrypt is explicitly denied despite the Allow',
    cites: [NOT_ACTION_DENY],
    keyPolicy: doc(ROOT, allowTo({ AWS: APP_ROLE }, 'kms:*'), {
      Sid: 'OnlyDecrypt',
      Effect: 'Deny',
      Principal: '*',
      NotAction: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
    }),
    principal: APP_ROLE,
    action: 'kms:Encrypt',
    decision: 'ExplicitlyDenied',
  }),
  on({
    name: "NotPrincipal with Deny naming the page's session, role and account: that session is not denied",
    cites: [NOT_PRINCIPAL_DENY],
    keyPolicy: ALL_BUT_AUDIT,
    iam: [iam('kms:Decrypt')],
    principal: AUDIT_SESSION,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  }),
  on({
    name: 'the same NotPrincipal with Deny: another role of that account is explicitly denied',
    cites: [NOT_PRINCIPAL_DENY],
    keyPolicy: ALL_BUT_AUDIT,
    iam: [iam('kms:Decrypt')],
    principal: OTHER_ROLE,
    action: 'kms:Decrypt',
    decision: 'ExplicitlyDenied',
  }),
  // SCPs, RCPs and a boundary beside an SCP.
  on({
    name: "an SCP denying kms:* does not restrict the consumer's Auto Scaling service-linked role using its grant",
    cites: [SCP_SLR],
    keyPolicy: doc(ROOT),
    grants: [SLR_GRANT],
    scps: [doc({ Sid: 'NoKms', Effect: 'Deny', Action: 'kms:*', Resource: '*' })],
    principal: SLR,
    action: 'kms:Decrypt',
    context: [`kms:ViaService=${EC2}`],
    decision: 'Allowed',
  }),
  on({
    name: 'an SCP allowing only ec2:* leaves kms:Decrypt implicitly denied to a role whose IAM policy allows kms:*',
    cites: [SCP_IMPLICIT],
    keyPolicy: doc(ROOT, allowTo(CONSUMER_ROOT)),
    iam: [ALL_IAM],
    scps: [doc({ Sid: 'OnlyEc2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' })],
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'SCP allowing kms:*, boundary allowing only kms:Decrypt: Encrypt is denied',
    cites: [SCP_AND_BOUNDARY],
    ...SCP_AND_BOUNDARY_SETUP,
    principal: EXAMPLE_ROLE,
    action: 'kms:Encrypt',
    decision: 'ImplicitlyDenied',
  }),
  on({
    name: 'the same SCP and boundary: Decrypt, allowed by all three, is allowed',
    cites: [SCP_AND_BOUNDARY],
    ...SCP_AND_BOUNDARY_SETUP,
    principal: EXAMPLE_ROLE,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  }),
  on({
    name: "an RCP denying kms:* on the key does not restrict the consumer's service-linked role using its grant",
    cites: [RCP_NOT_RESTRICTED],
    keyPolicy: doc(ROOT),
    grants: [SLR_GRANT],
    rcps: [doc({ Sid: 'DenyKms', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' })],
    principal: SLR,
    action: 'kms:Decrypt',
    context: [`kms:ViaService=${EC2}`],
    decision: 'Allowed',
  }),
];

/** Launch paths, through `doctor`: the consumer's deploy role creates the grant for its Auto Scaling role. */
interface LaunchScenario extends PolicySetup {
  readonly name: string;
  readonly cites: readonly Citation[];
  readonly verdict: 'works' | 'fails' | 'unknown';
  readonly steps?: Readonly<Record<string, Decision>>;
}

const CREATOR = `arn:aws:iam::${CONSUMER}:role/deploy`;
const CONSUMER_USE_ONLY = allowTo(CONSUMER_ROOT);
const CONSUMER_CREATE_GRANT = allowTo(CONSUMER_ROOT, 'kms:CreateGrant');
const rcpAdmittingAccounts = (...accounts: string[]) =>
  doc({
    Sid: 'OnlyTheseAccounts',
    Effect: 'Deny',
    Principal: '*',
    Action: 'kms:*',
    Resource: '*',
    Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': accounts } },
  });
const launch = (s: Omit<LaunchScenario, 'keyArn' | 'grants' | 'iam'>): LaunchScenario => ({
  keyArn: KEY,
  iam: [iam('kms:CreateGrant')],
  grants: [SLR_GRANT],
  ...s,
});

const LAUNCHES: LaunchScenario[] = [
  launch({
    name: "the consumer's CreateGrant allowed only with kms:GrantIsForAWSResource: Terraform's direct CreateGrant is denied",
    cites: [GRANT_FOR_AWS_RESOURCE],
    keyPolicy: doc(ROOT, CONSUMER_USE_ONLY, allowTo(CONSUMER_ROOT, 'kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'true' } })),
    verdict: 'fails',
    steps: { 'create-grant': 'ImplicitlyDenied' },
  }),
  launch({
    name: "an SCP on the consumer denying kms:CreateGrant denies the deploy role's grant, not the service-linked role's use of it",
    cites: [SCP_IMPLICIT, SCP_SLR],
    keyPolicy: doc(ROOT, CONSUMER_USE_ONLY, CONSUMER_CREATE_GRANT),
    scps: [
      doc({ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoGrants', Effect: 'Deny', Action: 'kms:CreateGrant', Resource: '*' }),
    ],
    verdict: 'fails',
    steps: { 'create-grant': 'ExplicitlyDenied', 'use-through-grant:Decrypt': 'Allowed' },
  }),
  launch({
    name: 'a key policy Deny on CreateGrant when ForAnyValue of kms:GrantOperations is CreateGrant denies the guide grant, which carries it',
    cites: [FOR_ANY_VALUE],
    keyPolicy: doc(ROOT, CONSUMER_USE_ONLY, CONSUMER_CREATE_GRANT, {
      Sid: 'NoRegranting',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'CreateGrant' } },
    }),
    verdict: 'fails',
    steps: { 'create-grant': 'ExplicitlyDenied' },
  }),
  launch({
    name: "an RCP admitting only the owner's and the consumer's accounts lets the launch work",
    cites: [RCP_NOT_RESTRICTED],
    keyPolicy: doc(ROOT, CONSUMER_USE_ONLY, CONSUMER_CREATE_GRANT),
    rcps: [rcpAdmittingAccounts(OWNER, CONSUMER)],
    verdict: 'works',
  }),
  launch({
    name: "an RCP admitting only the owner's account denies the consumer's CreateGrant, not its service-linked role's use",
    cites: [RCP_NOT_RESTRICTED],
    keyPolicy: doc(ROOT, CONSUMER_USE_ONLY, CONSUMER_CREATE_GRANT),
    rcps: [rcpAdmittingAccounts(OWNER)],
    verdict: 'fails',
    steps: { 'create-grant': 'ExplicitlyDenied', 'use-through-grant:Decrypt': 'Allowed' },
  }),
];

const files = scenarioFiles('keyshare-round-four-');

describe('held-out round four: documented scenarios decided from the AWS pages', () => {
  test('at least 20, each citing an AWS page and quoting its deciding sentence', () => {
    expect(SCENARIOS.length + LAUNCHES.length).toBeGreaterThanOrEqual(20);
    for (const s of [...SCENARIOS, ...LAUNCHES]) {
      expect(s.cites.length).toBeGreaterThan(0);
      for (const c of s.cites) expect(c.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  test.each(LAUNCHES.map((s) => [s.name, s] as const))('doctor: %s', async (_, s) => {
    const r = await doctorOne(files, s, { consumer: CONSUMER, creator: CREATOR });
    expect(r.stderr).toBe('');
    expect(r.verdict).toBe(s.verdict);
    expect(r.status).toBe(s.verdict === 'works' ? 0 : 1);
    for (const [id, decision] of Object.entries(s.steps ?? {})) expect(r.steps.find((st) => st.id === id)?.decision).toBe(decision);
  });

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('explain: %s', async (_, s) => {
    const r = await explainOne(files, s, s);
    expect(r.stderr.replace(/^keyshare: note: .*\n/gm, '')).toBe('');
    expect(r.decision).toBe(s.decision);
    if (s.dependsOn) expect(r.dependsOn).toEqual(s.dependsOn);
    expect(r.status).toBe(s.decision === 'Allowed' ? 0 : 1);
  });
});
