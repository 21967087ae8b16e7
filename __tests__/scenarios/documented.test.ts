/**
 * Documented scenarios: each is a setup an AWS page describes, with the verdict the page gives.
 * Each runs through `keyshare doctor` (the CLI, in process); every fix doctor prints is applied as a
 * user would (statement added, policy attached, grant created, fact passed) and must then make the
 * launch work while check's least-privilege probes allow nothing new ("no wider"). Where a single
 * request decides the scenario, `keyshare explain` must give the page's answer too.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import type { Grant } from '../../src/policy/kms-api';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { keyPolicy } from '../../src/policy/key-policy';
import { keyshareInProcess as run } from '../cli/in-process';
import { Setup, widened } from '../support/no-wider';
import { tempDir } from '../support/temp';
import { ORG_YAML, rollout } from '../support/rollouts';
import { GUIDE_GRANT_OPERATIONS as GUIDE_OPS, KNOWLEDGE_CENTER_GRANT_OPERATIONS as KC_OPS } from '../support/aws-pages';

interface Page {
  readonly title: string;
  readonly url: string;
}

const PAGE = {
  asg: {
    title: 'EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes"',
    url: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html',
  },
  kc: { title: 'AWS re:Post Knowledge Center, "kms-launch-ec2-instance"', url: 'https://repost.aws/knowledge-center/kms-launch-ec2-instance' },
  grants: { title: 'AWS KMS Developer Guide, "Grants in AWS KMS"', url: 'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html' },
  retire: {
    title: 'AWS KMS Developer Guide, "Retiring and revoking grants"',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html',
  },
  createKeyPolicy: {
    title: 'AWS KMS Developer Guide, "Creating a key policy"',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html',
  },
  globalKeys: {
    title: 'IAM User Guide, "AWS global condition context keys"',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
  },
  kmsKeys: {
    title: 'AWS KMS Developer Guide, "AWS KMS condition keys"',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html',
  },
  crossAccount: {
    title: 'AWS KMS Developer Guide, "Allowing users in other accounts to use a KMS key"',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  },
  troubleshooting: {
    title: 'AWS KMS Developer Guide, "Troubleshooting key access"',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html',
  },
  scps: {
    title: 'AWS Organizations User Guide, "Service control policies (SCPs)"',
    url: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  },
  scpSyntax: {
    title: 'AWS Organizations User Guide, "SCP syntax"',
    url: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html',
  },
  awsManaged: {
    title: 'AWS KMS Developer Guide, "AWS KMS keys", AWS managed keys',
    url: 'https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk',
  },
} satisfies Record<string, Page>;

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const ORG = 'o-a1b2c3d4e5';
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SLR = (account = CONSUMER) => `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const CREATOR = `arn:aws:iam::${CONSUMER}:role/deploy`;

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const ROOT: PolicyStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
  Action: 'kms:*',
  Resource: '*',
};
/** The Auto Scaling guide's Example 2, in the key's account: use of the key, and CreateGrant, for the external account. */
const EXTERNAL_USE: PolicyStatement = {
  Sid: 'Allow external account use of the customer managed key',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` },
  Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
  Resource: '*',
};
const EXTERNAL_GRANT: PolicyStatement = {
  Sid: 'Allow attachment of persistent resources in external account',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` },
  Action: 'kms:CreateGrant',
  Resource: '*',
};
const EXAMPLE_2 = doc(ROOT, EXTERNAL_USE, EXTERNAL_GRANT);
/** Example 2, in the external account: the IAM policy of the principal that creates the grant. */
const CREATOR_IAM = doc({ Sid: 'AllowCreationOfGrantForTheKMSKeyinExternalAccount', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY });
const grant = (operations: string[], extra: Partial<Grant> = {}): Grant => ({
  GrantId: `g-${operations.length}${extra.IssuingAccount?.includes(OWNER) ? '-owner' : ''}`,
  KeyId: KEY,
  GranteePrincipal: SLR(),
  IssuingAccount: `arn:aws:iam::${CONSUMER}:root`,
  Operations: operations,
  ...extra,
});
const GUIDE_GRANT = grant(GUIDE_OPS);
const KC_GRANT = grant(KC_OPS);
const FULL_ACCESS_SCP = doc({ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' });
/** A data perimeter SCP: no KMS call on keys outside the organization. */
const PERIMETER_SCP = doc(
  { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
  { Sid: 'DenyKeysOutsideOrg', Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': ORG } } },
);
const PERIMETER_SCP_STRICT = doc(
  { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
  { Sid: 'DenyKeysOutsideOrg', Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:ResourceOrgID': ORG } } },
);

type Verdict = 'works' | 'fails' | 'unknown';

interface Scenario {
  readonly name: string;
  readonly pages: readonly Page[];
  readonly keyPolicy: PolicyDocument;
  readonly iam?: readonly PolicyDocument[];
  readonly grants?: readonly Grant[];
  readonly scps?: readonly PolicyDocument[];
  readonly consumer?: string;
  readonly keyArn?: string;
  readonly context?: readonly string[];
  readonly verdict: Verdict;
  readonly first?: string;
  readonly fixes?: readonly string[];
  readonly dependsOn?: readonly string[];
  /** Text that must appear in doctor's JSON (inputs, notes, fixes). */
  readonly says?: readonly RegExp[];
  /** Text that must not. */
  readonly neverSays?: readonly RegExp[];
  /** For a fact to pass: the value that settles it, and the verdict it gives. */
  readonly settle?: { readonly context: readonly string[]; readonly verdict: Verdict };
  /** The one request that decides the scenario, through explain. */
  readonly explain?: { readonly principal: string; readonly action: string; readonly context?: readonly string[]; readonly decision: string };
}

const ORG_POLICY = keyPolicy(rollout(ORG_YAML));

const SCENARIOS: Scenario[] = [
  {
    name: "the Auto Scaling guide's Example 2: key policy, the creator's IAM policy and the eight-operation grant",
    pages: [PAGE.asg],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'works',
    says: [/kms:GrantOperations of create-grant: Encrypt .* from grant g-8/],
  },
  {
    name: "the Knowledge Center's five-operation grant (no DescribeKey) works",
    pages: [PAGE.kc],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [KC_GRANT],
    verdict: 'works',
  },
  {
    name: 'a key policy scoped to the Knowledge Center five operations, with that grant: create-grant is judged with the grant the user has',
    pages: [PAGE.kc, PAGE.kmsKeys],
    keyPolicy: doc(ROOT, EXTERNAL_USE, { ...EXTERNAL_GRANT, Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': KC_OPS } } }),
    iam: [CREATOR_IAM],
    grants: [KC_GRANT],
    verdict: 'works',
    says: [/kms:GrantOperations of create-grant: Decrypt GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant, from grant g-5/],
  },
  {
    name: 'the same key policy, no grant given: the set assumed is the one it allows, said, and the grant printed is that one',
    pages: [PAGE.kc, PAGE.kmsKeys],
    keyPolicy: doc(ROOT, EXTERNAL_USE, { ...EXTERNAL_GRANT, Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': KC_OPS } } }),
    iam: [CREATOR_IAM],
    verdict: 'fails',
    first: 'use-through-grant:Decrypt',
    fixes: ['create-grant'],
    says: [
      /kms:GrantOperations of create-grant: Decrypt GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant, assumed/,
      /--operations Decrypt GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant /,
    ],
    neverSays: [/add-key-policy-statement/],
  },
  {
    name: 'no grant at all: the grant to create, from the consumer account',
    pages: [PAGE.asg],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    verdict: 'fails',
    first: 'use-through-grant:Decrypt',
    fixes: ['create-grant'],
    says: [/create the grant from account 444455556666/],
  },
  {
    name: 'a grant without CreateGrant: EC2 cannot create the volume grant',
    pages: [PAGE.kc, PAGE.grants],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [grant(['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'])],
    verdict: 'fails',
    first: 'child-grant',
    fixes: ['create-grant'],
    says: [/retire-grant .*--grant-id g-4/],
  },
  {
    name: 'a grant issued by the key owner for the consumer role: not counted; reissue from the consumer account',
    pages: [PAGE.kc, PAGE.asg],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [grant(GUIDE_OPS, { IssuingAccount: `arn:aws:iam::${OWNER}:root` })],
    verdict: 'fails',
    first: 'use-through-grant:Decrypt',
    fixes: ['reissue-grant'],
    says: [/was issued by account 111122223333 \(IssuingAccount\), not by 444455556666/, /retire the old one from account 111122223333/],
  },
  {
    name: "same account: a grant to the owner account's own Auto Scaling role works, with no role statement in the key policy",
    pages: [PAGE.grants],
    keyPolicy: doc(ROOT),
    grants: [grant(KC_OPS, { GranteePrincipal: SLR(OWNER), IssuingAccount: `arn:aws:iam::${OWNER}:root` })],
    consumer: OWNER,
    verdict: 'works',
  },
  {
    name: "same account: the Auto Scaling guide's Example 1 statements",
    pages: [PAGE.asg],
    keyPolicy: doc(
      ROOT,
      {
        Sid: 'Allow service-linked role use of the customer managed key',
        Effect: 'Allow',
        Principal: { AWS: SLR(OWNER) },
        Action: EXTERNAL_USE.Action,
        Resource: '*',
      },
      {
        Sid: 'Allow attachment of persistent resources',
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
    name: 'same account with neither statements nor grant: the two Example 1 statements',
    pages: [PAGE.asg],
    keyPolicy: doc(ROOT),
    consumer: OWNER,
    verdict: 'fails',
    first: 'same-account:Decrypt',
    fixes: ['add-key-policy-statement', 'add-key-policy-statement'],
  },
  {
    name: 'the GrantIsForAWSResource pitfall in the key policy: keyshare adds the pinned statement, never removes the condition',
    pages: [PAGE.asg, PAGE.kmsKeys],
    keyPolicy: doc(ROOT, EXTERNAL_USE, { ...EXTERNAL_GRANT, Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['add-key-policy-statement'],
    says: [/allows kms:CreateGrant only when kms:GrantIsForAWSResource is true/, /do not just remove the kms:GrantIsForAWSResource condition/],
    explain: {
      principal: CREATOR,
      action: 'kms:CreateGrant',
      context: ['kms:GrantIsForAWSResource=false', `kms:GranteePrincipal=${SLR()}`],
      decision: 'ImplicitlyDenied',
    },
  },
  {
    name: "the GrantIsForAWSResource pitfall in the creator's IAM policy: keyshare's statement to attach",
    pages: [PAGE.kmsKeys, PAGE.crossAccount],
    keyPolicy: EXAMPLE_2,
    iam: [doc({ ...CREATOR_IAM.Statement[0], Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } })],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['attach-iam-statement'],
    says: [/allows kms:CreateGrant only when kms:GrantIsForAWSResource is true/],
  },
  {
    name: "the consumer IAM key-usage policy is missing: across accounts the caller's IAM policy must allow CreateGrant",
    pages: [PAGE.crossAccount, PAGE.asg],
    keyPolicy: EXAMPLE_2,
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['attach-iam-statement'],
    says: [/IAM policies: none given, counted as none/],
    explain: { principal: CREATOR, action: 'kms:CreateGrant', decision: 'ImplicitlyDenied' },
  },
  {
    name: "keyshare's own consumer IAM policy is enough for the grant creator",
    pages: [PAGE.crossAccount],
    keyPolicy: EXAMPLE_2,
    iam: [consumerIamPolicy('aws', 'us-west-2', CONSUMER, KEY)],
    grants: [GUIDE_GRANT],
    verdict: 'works',
  },
  {
    name: 'an IAM policy that allows CreateGrant only via kms:ViaService: a direct CreateGrant never carries it, so no --context hint',
    pages: [PAGE.kmsKeys],
    keyPolicy: EXAMPLE_2,
    iam: [doc({ ...CREATOR_IAM.Statement[0], Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } })],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['attach-iam-statement'],
    says: [/this request is sent directly, not through an AWS service, so it never carries kms:ViaService/],
    neverSays: [/pass --context kms:ViaService/],
  },
  {
    name: '--context kms:ViaService does not turn that real failure into "works": the step fixes it, the flag is ignored and said',
    pages: [PAGE.kmsKeys],
    keyPolicy: EXAMPLE_2,
    iam: [doc({ ...CREATOR_IAM.Statement[0], Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } })],
    grants: [GUIDE_GRANT],
    context: ['kms:ViaService=ec2.us-west-2.amazonaws.com'],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['attach-iam-statement'],
    says: [/--context kms:ViaService is ignored/],
  },
  {
    name: "an SCP data perimeter on aws:ResourceOrgID, not given: the grant creator's step is unknown, never denied, no exemption",
    pages: [PAGE.globalKeys, PAGE.scps],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    scps: [PERIMETER_SCP_STRICT],
    verdict: 'unknown',
    first: 'create-grant',
    fixes: ['pass-context'],
    dependsOn: ['aws:ResourceOrgID'],
    says: [/pass --context aws:ResourceOrgID=…/],
    neverSays: [/ArnNotLike/, /exempt /],
    settle: { context: [`aws:ResourceOrgID=${ORG}`], verdict: 'works' },
    explain: { principal: CREATOR, action: 'kms:CreateGrant', decision: 'Unknown' },
  },
  {
    name: 'the perimeter with IfExists: a key outside any organization has no aws:ResourceOrgID, so it is unknown too',
    pages: [PAGE.globalKeys],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    scps: [PERIMETER_SCP],
    verdict: 'unknown',
    dependsOn: ['aws:ResourceOrgID'],
    settle: { context: [`aws:ResourceOrgID=${ORG}`], verdict: 'works' },
  },
  {
    name: "the perimeter with the key's organization given as another: a real explicit deny, named, with no exemption printed",
    pages: [PAGE.globalKeys, PAGE.scps, PAGE.troubleshooting],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    scps: [PERIMETER_SCP_STRICT],
    context: ['aws:ResourceOrgID=o-zzzzzzzzzz'],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['narrow-deny'],
    says: [/keyshare proposes no exemption from a Deny/],
    explain: { principal: CREATOR, action: 'kms:CreateGrant', context: ['aws:ResourceOrgID=o-zzzzzzzzzz'], decision: 'ExplicitlyDenied' },
  },
  {
    name: 'an SCP that allows no KMS action: the allow to add is scoped to this key and the Auto Scaling role',
    pages: [PAGE.scps, PAGE.scpSyntax],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    scps: [doc({ Sid: 'AllowEc2Only', Effect: 'Allow', Action: 'ec2:*', Resource: '*' })],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['allow-in-scp'],
    says: [/"kms:GranteePrincipal": "arn:aws:iam::444455556666:role\/aws-service-role/],
  },
  {
    name: 'an SCP that denies kms:* binds the grant creator but never the service-linked role',
    pages: [PAGE.scps],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    scps: [doc(FULL_ACCESS_SCP.Statement[0], { Sid: 'DenyKms', Effect: 'Deny', Action: 'kms:*', Resource: '*' })],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['narrow-deny'],
    says: [/"id": "use-through-grant:Decrypt",[^}]*"decision": "Allowed"/],
  },
  {
    name: 'an explicit Deny in the key policy wins over every Allow (flowchart: explicit deny first)',
    pages: [PAGE.troubleshooting],
    keyPolicy: doc(ROOT, EXTERNAL_USE, EXTERNAL_GRANT, {
      Sid: 'DenyGrants',
      Effect: 'Deny',
      Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` },
      Action: 'kms:CreateGrant',
      Resource: '*',
    }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['narrow-deny'],
    explain: { principal: CREATOR, action: 'kms:CreateGrant', decision: 'ExplicitlyDenied' },
  },
  {
    name: 'the key policy does not name the consumer account (flowchart: no key policy allow)',
    pages: [PAGE.troubleshooting, PAGE.crossAccount],
    keyPolicy: doc(ROOT),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['add-key-policy-statement'],
    explain: { principal: CREATOR, action: 'kms:CreateGrant', decision: 'ImplicitlyDenied' },
  },
  {
    name: 'a key policy statement without Resource has no effect, and doctor says so',
    pages: [PAGE.createKeyPolicy],
    keyPolicy: doc(ROOT, EXTERNAL_USE, { Sid: EXTERNAL_GRANT.Sid, Effect: 'Allow', Principal: EXTERNAL_GRANT.Principal, Action: 'kms:CreateGrant' }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['add-key-policy-statement'],
    says: [/key policy statement Allow attachment of persistent resources in external account has no Resource, so it has no effect/],
    explain: { principal: CREATOR, action: 'kms:CreateGrant', decision: 'ImplicitlyDenied' },
  },
  {
    name: 'a key policy statement without Action has no effect, and doctor says so',
    pages: [PAGE.createKeyPolicy],
    keyPolicy: doc(ROOT, EXTERNAL_USE, { Sid: EXTERNAL_GRANT.Sid, Effect: 'Allow', Principal: EXTERNAL_GRANT.Principal, Resource: '*' }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    verdict: 'fails',
    first: 'create-grant',
    fixes: ['add-key-policy-statement'],
    says: [/has no Action, so it has no effect/],
  },
  {
    name: 'an AWS managed key cannot be shared across accounts',
    pages: [PAGE.awsManaged, PAGE.asg],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    keyArn: `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`,
    verdict: 'fails',
    fixes: ['use-customer-managed-key'],
  },
  {
    name: 'organization mode without the membership fact: unknown, depends on aws:PrincipalOrgID',
    pages: [PAGE.globalKeys, PAGE.asg],
    keyPolicy: ORG_POLICY,
    iam: [consumerIamPolicy('aws', 'us-west-2', CONSUMER, KEY)],
    grants: [GUIDE_GRANT],
    verdict: 'unknown',
    dependsOn: ['aws:PrincipalOrgID'],
    settle: { context: [`aws:PrincipalOrgID=${ORG}`], verdict: 'works' },
  },
  {
    name: 'organization mode, a member of another organization: denied',
    pages: [PAGE.globalKeys],
    keyPolicy: ORG_POLICY,
    iam: [consumerIamPolicy('aws', 'us-west-2', CONSUMER, KEY)],
    grants: [GUIDE_GRANT],
    context: ['aws:PrincipalOrgID=o-zzzzzzzzzz'],
    verdict: 'fails',
    first: 'create-grant',
  },
  {
    name: "a custom-suffix Auto Scaling role needs its own grant; the default role's grant does not serve it",
    pages: [PAGE.asg],
    keyPolicy: EXAMPLE_2,
    iam: [CREATOR_IAM],
    grants: [grant(GUIDE_OPS, { GranteePrincipal: `${SLR()}_web` })],
    verdict: 'fails',
    first: 'use-through-grant:Decrypt',
    fixes: ['create-grant'],
  },
];

/** Scenarios decided by one request through explain, with no launch path to walk. */
const REQUESTS: {
  name: string;
  pages: Page[];
  keyPolicy: PolicyDocument;
  iam?: PolicyDocument[];
  grants?: Grant[];
  principal: string;
  action: string;
  context?: string[];
  decision: string;
}[] = [
  {
    name: 'kms:RetireGrant is not effective in a key policy: the consumer deploy role with no grant of its account is denied',
    pages: [PAGE.retire],
    keyPolicy: doc(ROOT, { ...EXTERNAL_USE, Action: ['kms:RetireGrant'] }),
    iam: [doc({ Effect: 'Allow', Action: 'kms:RetireGrant', Resource: KEY })],
    principal: CREATOR,
    action: 'kms:RetireGrant',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'the account that created the grant retires it through a principal its IAM policy allows kms:RetireGrant (terraform destroy, as the README says)',
    pages: [PAGE.retire],
    keyPolicy: EXAMPLE_2,
    iam: [consumerIamPolicy('aws', 'us-west-2', CONSUMER, KEY)],
    grants: [GUIDE_GRANT],
    principal: CREATOR,
    action: 'kms:RetireGrant',
    decision: 'Allowed',
  },
  {
    name: 'the same deploy role without kms:RetireGrant in IAM cannot retire it, whatever the key policy says',
    pages: [PAGE.retire],
    keyPolicy: doc(ROOT, { ...EXTERNAL_USE, Action: ['kms:RetireGrant'] }),
    iam: [CREATOR_IAM],
    grants: [GUIDE_GRANT],
    principal: CREATOR,
    action: 'kms:RetireGrant',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'the retiring principal named in the grant retires it with no policy at all',
    pages: [PAGE.retire],
    keyPolicy: doc(ROOT),
    grants: [grant(GUIDE_OPS, { RetiringPrincipal: `arn:aws:iam::${CONSUMER}:role/janitor` })],
    principal: `arn:aws:iam::${CONSUMER}:role/janitor`,
    action: 'kms:RetireGrant',
    decision: 'Allowed',
  },
  {
    name: 'a cross-account caller cannot use an operation KMS does not honour across accounts, even with kms:* in both policies',
    pages: [PAGE.crossAccount],
    keyPolicy: doc(ROOT, { ...EXTERNAL_USE, Action: 'kms:*' }),
    iam: [doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })],
    principal: CREATOR,
    action: 'kms:PutKeyPolicy',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'flowchart: the key policy names a role of its own account directly, so no IAM policy is needed',
    pages: [PAGE.troubleshooting],
    keyPolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:role/app` }, Action: 'kms:Decrypt', Resource: '*' }),
    principal: `arn:aws:iam::${OWNER}:role/app`,
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'flowchart: an IAM policy alone allows nothing when the key policy does not delegate to the account',
    pages: [PAGE.troubleshooting],
    keyPolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:role/admin` }, Action: 'kms:*', Resource: '*' }),
    iam: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })],
    principal: `arn:aws:iam::${OWNER}:role/app`,
    action: 'kms:Decrypt',
    decision: 'ImplicitlyDenied',
  },
  {
    name: 'a grant allows its grantee with no key policy or IAM allow',
    pages: [PAGE.grants],
    keyPolicy: doc(ROOT),
    grants: [GUIDE_GRANT],
    principal: SLR(),
    action: 'kms:Decrypt',
    decision: 'Allowed',
  },
  {
    name: 'a data perimeter on aws:ResourceOrgID decides nothing until the fact is given',
    pages: [PAGE.globalKeys],
    keyPolicy: doc(ROOT, {
      Sid: 'DenyOutside',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceOrgID': ORG } },
    }),
    iam: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })],
    principal: `arn:aws:iam::${OWNER}:role/app`,
    action: 'kms:Decrypt',
    decision: 'Unknown',
  },
];

const tmp = tempDir('keyshare-scenarios-');
let files = 0;
function file(content: unknown): string {
  const f = path.join(tmp, `${++files}.json`);
  fs.writeFileSync(f, JSON.stringify(content));
  return f;
}

function args(setup: Setup, s: { consumer?: string; keyArn?: string }, context: readonly string[]): string[] {
  return [
    '--key-policy',
    file(setup.keyPolicy),
    '--key-arn',
    s.keyArn ?? KEY,
    ...setup.iam.flatMap((d) => ['--iam-policy', file(d)]),
    ...(setup.grants.length > 0 ? ['--grants', file({ Grants: setup.grants })] : []),
    ...setup.scps.flatMap((d) => ['--scp', file(d)]),
    ...context.flatMap((c) => ['--context', c]),
  ];
}

interface Report {
  works: boolean;
  firstFailingStep: string | null;
  steps: { id: string; decision: string; dependsOn: string[] }[];
  fixes: { kind: string; steps: string[]; statement?: PolicyStatement; command?: string }[];
}

async function doctor(setup: Setup, s: Scenario, context: readonly string[]): Promise<{ status: number | null; report: Report; raw: string }> {
  const r = await run(['doctor', ...args(setup, s, context), '--consumer', s.consumer ?? CONSUMER, '--grant-creator', CREATOR, '--format', 'json']);
  expect(r.stderr).toBe('');
  return { status: r.status, report: JSON.parse(r.stdout), raw: r.stdout };
}

function verdictOf(report: Report): Verdict {
  if (report.works) return 'works';
  return report.steps.some((st) => st.decision === 'Unknown') && report.steps.every((st) => st.decision === 'Allowed' || st.decision === 'Unknown')
    ? 'unknown'
    : 'fails';
}

/** The setup after the user does what each printed fix says. */
function applied(setup: Setup, fixes: Report['fixes'], consumer: string): Setup {
  let next = setup;
  for (const fix of fixes) {
    if (fix.kind === 'add-key-policy-statement') next = { ...next, keyPolicy: doc(...next.keyPolicy.Statement, fix.statement!) };
    if (fix.kind === 'attach-iam-statement') next = { ...next, iam: [...next.iam, doc(fix.statement!)] };
    if (fix.kind === 'allow-in-scp') next = { ...next, scps: next.scps.map((d) => doc(...d.Statement, fix.statement!)) };
    if (fix.kind === 'create-grant' || fix.kind === 'reissue-grant') {
      const words = fix.command!.split(' ');
      const value = (flag: string) => words[words.indexOf(flag) + 1];
      const start = words.indexOf('--operations') + 1;
      const end = words.findIndex((w, i) => i >= start && w.startsWith('--'));
      const created: Grant = {
        GrantId: 'g-new',
        KeyId: value('--key-id'),
        GranteePrincipal: value('--grantee-principal'),
        IssuingAccount: `arn:aws:iam::${consumer}:root`,
        Operations: words.slice(start, end),
      };
      next = { ...next, grants: [...next.grants.filter((g) => g.GranteePrincipal !== created.GranteePrincipal), created] };
    }
  }
  return next;
}

describe('documented scenarios through doctor (and explain where one request decides)', () => {
  test('there are at least 30, each citing an AWS page', () => {
    expect(SCENARIOS.length + REQUESTS.length).toBeGreaterThanOrEqual(30);
    for (const s of [...SCENARIOS, ...REQUESTS]) {
      expect(s.pages.length).toBeGreaterThan(0);
      for (const p of s.pages) expect(p.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//);
    }
  });

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_, s) => {
    const setup: Setup = { keyPolicy: s.keyPolicy, iam: s.iam ?? [], grants: s.grants ?? [], scps: s.scps ?? [] };
    const { status, report, raw } = await doctor(setup, s, s.context ?? []);
    expect(verdictOf(report)).toBe(s.verdict);
    expect(status).toBe(s.verdict === 'works' ? 0 : 1);
    if (s.first) expect(report.firstFailingStep).toBe(s.first);
    if (s.fixes) expect(report.fixes.map((f) => f.kind)).toEqual(s.fixes);
    if (s.dependsOn) expect([...new Set(report.steps.flatMap((st) => st.dependsOn))]).toEqual(s.dependsOn);
    for (const text of s.says ?? []) expect(raw).toMatch(text);
    for (const text of s.neverSays ?? []) expect(raw).not.toMatch(text);
    if (s.verdict === 'works') expect(report.fixes).toEqual([]);

    // Every printed change, applied: the launch works, and no probe is newly allowed.
    const changes = report.fixes.filter((f) => f.statement !== undefined || f.command !== undefined);
    const held = report.fixes.some((f) => ['narrow-deny', 'pass-context', 'unexplained', 'use-customer-managed-key'].includes(f.kind));
    if (changes.length > 0 && !report.fixes.some((f) => f.kind === 'use-customer-managed-key')) {
      const after = applied(setup, changes, s.consumer ?? CONSUMER);
      const again = await doctor(after, s, s.context ?? []);
      if (!held) expect(again.report.works).toBe(true);
      for (const f of changes) for (const id of f.steps) expect(again.report.steps.find((st) => st.id === id)?.decision).toBe('Allowed');
      const facts = Object.fromEntries((s.context ?? []).map((c) => c.split('=') as [string, string]));
      expect(widened(setup, after, { keyArn: KEY, owner: OWNER, consumer: s.consumer ?? CONSUMER, creator: CREATOR, facts })).toEqual([]);
    }
    if (s.settle) {
      const settled = await doctor(setup, s, s.settle.context);
      expect(verdictOf(settled.report)).toBe(s.settle.verdict);
    }
    if (s.explain) {
      const r = await run([
        'explain',
        ...args(setup, s, s.explain.context ?? []),
        '--principal',
        s.explain.principal,
        '--action',
        s.explain.action,
        '--format',
        'json',
      ]);
      expect(JSON.parse(r.stdout)[0].decision).toBe(s.explain.decision);
    }
  });

  test.each(REQUESTS.map((s) => [s.name, s] as const))('explain: %s', async (_, s) => {
    const setup: Setup = { keyPolicy: s.keyPolicy, iam: s.iam ?? [], grants: s.grants ?? [], scps: [] };
    const r = await run(['explain', ...args(setup, {}, s.context ?? []), '--principal', s.principal, '--action', s.action, '--format', 'json']);
    const [result] = JSON.parse(r.stdout);
    expect(result.decision).toBe(s.decision);
    expect(r.status).toBe(s.decision === 'Allowed' ? 0 : 1);
  });
});
