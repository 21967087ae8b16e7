/**
 * Documented scenarios, round three, as `review` decides them (issue #18): a plan's grant decides
 * the CreateGrant its creator sends, and the access diff lists only what a key can give. Each was
 * decided from the AWS page it cites, whose deciding sentence it quotes, before keyshare was run.
 * Fixtures are keyshare's own synthesized stacks, edited as a pull request's author would.
 */
import { SID } from '../../src/policy/key-policy';
import type { ReviewReport } from '../../src/review/report';
import { KNOWLEDGE_CENTER_GRANT_OPERATIONS as KC_OPS } from '../support/aws-pages';
import { bound, changeOf, editKeyPolicy, planDocs, review, rules, statement, type PlanDocs } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A } from '../support/rollouts';
import { cite } from '../support/aws-pages';

const GRANT_OPERATIONS = cite(
  'https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html',
  'Allows principals to create a grant, but limits the grant to the specified operations.',
);
const KEY_TYPES = cite(
  'https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-compare.html',
  'The Key type table lists the AWS KMS operations that are valid for symmetric encryption KMS keys, asymmetric KMS keys, and HMAC KMS keys.',
);
const KEY_RESOURCE = cite(
  'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html',
  'The Resource types column of the Actions table indicates whether each action supports resource-level permissions.',
);

const NEW_ACCOUNT = '121212121212';
const newAccountAccess = (r: ReviewReport) => r.keys[0].access.find((a) => a.who.id === NEW_ACCOUNT);
const launchOf = (r: ReviewReport) => r.keys[0].launch.find((l) => l.account === CONSUMER_A)!;

/** The consumer's grant in the plan carries `operations`; the key policy lets it create grants of `allowed` only. */
function grantPlan(operations: readonly string[], allowed: readonly string[]): PlanDocs {
  const docs = planDocs(BASE_YAML);
  editKeyPolicy(docs, (p) => {
    statement(p, SID.consumerGrant(CONSUMER_A)).Condition['ForAllValues:StringEquals']['kms:GrantOperations'] = [...allowed];
  });
  const grant = changeOf(docs, `consumer-${CONSUMER_A}`, 'aws_kms_grant');
  grant.change.after.operations = [...operations];
  grant.change.actions = ['delete', 'create'];
  return docs;
}

/** A change that gives account NEW_ACCOUNT every KMS action on the key, whose spec and usage are set. */
function allKmsTo(spec?: { customer_master_key_spec: string; key_usage: string }): PlanDocs {
  const docs = planDocs(BASE_YAML);
  editKeyPolicy(docs, (p) => {
    p.Statement.push({ Sid: 'Everything', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${NEW_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' });
  });
  if (spec) {
    const key = changeOf(docs, 'owner', 'aws_kms_key');
    Object.assign(key.change.before, spec);
    Object.assign(key.change.after, spec);
  }
  return docs;
}

describe('round three in review: the grant in the plan decides CreateGrant (class 7)', () => {
  it(`a plan creating the Knowledge Center's five-operation grant, under a key policy that allows those five: the launch holds (${GRANT_OPERATIONS.url})`, () => {
    expect(GRANT_OPERATIONS.quote).toMatch(/limits the grant to the specified operations/);
    const r = review(grantPlan(KC_OPS, KC_OPS));
    expect(launchOf(r).status).toBe('holds');
    expect(rules(r)).not.toContain('launch-path-broken');
  });

  it('a plan creating the guide’s eight-operation grant under the same key policy: CreateGrant is denied, the launch breaks', () => {
    const r = review(grantPlan(['Encrypt', 'GenerateDataKey', 'DescribeKey', ...KC_OPS], KC_OPS));
    expect(launchOf(r)).toMatchObject({ status: 'broken', failing: { id: 'create-grant' } });
    expect(rules(r)).toContain('launch-path-broken');
  });
});

describe('round three in review: only what a key can give is gained or lost (class 7)', () => {
  it(`kms:* on a symmetric encryption key gives its encryption operations, neither account actions nor Sign, Verify or MAC (${KEY_TYPES.url}; ${KEY_RESOURCE.url})`, () => {
    expect(KEY_TYPES.quote).toMatch(/operations that are valid for symmetric encryption KMS keys/);
    const gained = newAccountAccess(review(allKmsTo()))!.gained;
    expect(gained).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:DescribeKey']));
    for (const no of [
      'kms:CreateKey',
      'kms:ListKeys',
      'kms:ListAliases',
      'kms:GenerateRandom',
      'kms:CreateCustomKeyStore',
      'kms:ListRetirableGrants',
    ])
      expect(gained).not.toContain(no);
    for (const no of ['kms:Sign', 'kms:Verify', 'kms:GenerateMac', 'kms:VerifyMac', 'kms:GetPublicKey', 'kms:DeriveSharedSecret'])
      expect(gained).not.toContain(no);
  });

  it('kms:* on an HMAC key gives GenerateMac and VerifyMac, and no encryption operation', () => {
    const gained = newAccountAccess(review(allKmsTo({ customer_master_key_spec: 'HMAC_256', key_usage: 'GENERATE_VERIFY_MAC' })))!.gained;
    expect(gained).toEqual(expect.arrayContaining(['kms:GenerateMac', 'kms:VerifyMac', 'kms:DescribeKey']));
    for (const no of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Sign', 'kms:EnableKeyRotation']) expect(gained).not.toContain(no);
  });

  it('kms:* on an asymmetric signing key gives Sign, Verify and GetPublicKey, and no Decrypt', () => {
    const gained = newAccountAccess(review(allKmsTo({ customer_master_key_spec: 'ECC_NIST_P256', key_usage: 'SIGN_VERIFY' })))!.gained;
    expect(gained).toEqual(expect.arrayContaining(['kms:Sign', 'kms:Verify', 'kms:GetPublicKey']));
    for (const no of ['kms:Decrypt', 'kms:GenerateMac', 'kms:DeriveSharedSecret']) expect(gained).not.toContain(no);
  });
});

const ARN_LIKE = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN',
  'Each of the six colon-delimited components of the ARN is checked separately and each can include multi-character match wildcards (*) or single-character match wildcards (?).',
);

/** A change that lets any principal whose ARN matches `pattern` (under `operator`) decrypt with the key. */
function decryptFor(pattern: string, operator = 'ArnLike'): PlanDocs {
  const docs = planDocs(BASE_YAML);
  editKeyPolicy(docs, (p) => {
    p.Statement.push({
      Sid: 'DeployRolesDecrypt',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { [operator]: { 'aws:PrincipalArn': pattern } },
    });
  });
  return docs;
}
const anyone = (r: ReviewReport) => r.keys[0].access.find((a) => a.who.kind === 'anyone');

describe('round three in review: "anyone" is every principal that can meet the conditions (class 6)', () => {
  it(`ArnLike aws:PrincipalArn arn:aws:iam::*:role/deploy: any account's role named deploy gains Decrypt, and the wildcard lint fires (${ARN_LIKE.url})`, () => {
    expect(ARN_LIKE.quote).toMatch(/each can include multi-character match wildcards/);
    const r = review(decryptFor('arn:aws:iam::*:role/deploy'));
    expect(anyone(r)?.gained).toEqual(['kms:Decrypt']);
    expect(rules(r)).toContain('wildcard-principal-without-org');
  });

  it('a pattern with wildcards in the role name and the partition admits strangers too', () => {
    const r = review(decryptFor('arn:*:iam::*:role/deploy-*'));
    expect(anyone(r)?.gained).toEqual(['kms:Decrypt']);
  });

  it('ArnLike aws:PrincipalArn pinned to one account: no stranger gains, and the lint counts it as a limit', () => {
    const r = review(decryptFor(`arn:aws:iam::${CONSUMER_A}:role/deploy`));
    expect(anyone(r)?.gained ?? []).toEqual([]);
    expect(rules(r)).not.toContain('wildcard-principal-without-org');
  });

  it('ArnNotLike aws:PrincipalArn pinned to one account limits nothing: every other principal gains, and the lint fires', () => {
    const r = review(decryptFor(`arn:aws:iam::${CONSUMER_A}:role/deploy`, 'ArnNotLike'));
    expect(anyone(r)?.gained).toEqual(['kms:Decrypt']);
    expect(rules(r)).toContain('wildcard-principal-without-org');
  });
});

const PB_INTERSECTION = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
  'When you set a permissions boundary for an entity, the entity can perform only the actions that are allowed by both its identity-based policies and its permissions boundaries.',
);
const roleAccess = (r: ReviewReport, role: string) => r.keys[0].access.find((a) => a.who.id === `arn:aws:iam::${CONSUMER_A}:role/${role}`);

describe(`round three in review: a role's permissions boundary limits what its attached policies give (class 2) (${PB_INTERSECTION.url})`, () => {
  const attach = (roles: string) => BASE_YAML.replace('attachPolicyToRoles: [launcher]', `attachPolicyToRoles: [${roles}]`);

  it('a role the change attaches the consumer policy to, bounded to DescribeKey, gains only DescribeKey', () => {
    expect(PB_INTERSECTION.quote).toMatch(/allowed by both its identity-based policies and its permissions boundaries/);
    const docs = planDocs(BASE_YAML, attach('launcher, builder'));
    bound(docs, 'builder', ['kms:DescribeKey']);
    expect(roleAccess(review(docs), 'builder')?.gained).toEqual(['kms:DescribeKey']);
  });

  it('unbounded, the same role gains CreateGrant for its own Auto Scaling role', () => {
    const docs = planDocs(BASE_YAML, attach('launcher, builder'));
    expect(roleAccess(review(docs), 'builder')?.gained).toContain('kms:CreateGrant (for its own Auto Scaling role)');
  });

  it('the grant creator bounded to Decrypt cannot create the grant: the launch path breaks at create-grant', () => {
    const docs = planDocs(attach('launcher, deploy'));
    bound(docs, 'deploy', ['kms:Decrypt']);
    const r = review(docs);
    expect(launchOf(r)).toMatchObject({ status: 'broken', failing: { id: 'create-grant' } });
  });

  it('a boundary that allows CreateGrant leaves the launch path holding', () => {
    const docs = planDocs(attach('launcher, deploy'));
    bound(docs, 'deploy', ['kms:CreateGrant', 'kms:DescribeKey']);
    expect(launchOf(review(docs)).status).toBe('holds');
  });
});
