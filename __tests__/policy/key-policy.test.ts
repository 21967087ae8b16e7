import { AUTOSCALING_GRANT_OPERATIONS, KEY_USE_ACTIONS } from '../../src/policy/actions';
import { PolicyStatement } from '../../src/policy/document';
import { keyPolicy, SID } from '../../src/policy/key-policy';
import { policyBytes } from '../../src/policy/document';
import { lintKeyPolicy } from '../../src/check/lints';
import { exitCode } from '../../src/cli/exit';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, manyConsumersYaml, ORG_ID, ORG_YAML, OWNER, rollout } from '../support/rollouts';

const SLR = (account: string, suffix?: string) =>
  `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling${suffix ? `_${suffix}` : ''}`;

function statement(statements: PolicyStatement[], sid: string): PolicyStatement {
  const found = statements.filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('key policy for listed consumers', () => {
  const statements = keyPolicy(rollout(BASE_YAML)).Statement;

  test('Sids are unique, so reviewers and doctor can name every statement', () => {
    const sids = statements.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  test('root delegation lets the owner account IAM policies decide', () => {
    expect(statement(statements, SID.rootDelegation)).toEqual({
      Sid: SID.rootDelegation,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
      Action: 'kms:*',
      Resource: '*',
    });
  });

  test('administrators get administration without CreateGrant or cryptographic actions', () => {
    const admin = statement(statements, SID.administrators);
    expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${OWNER}:role/key-admin` });
    const actions = admin.Action as string[];
    expect(actions).toContain('kms:ScheduleKeyDeletion');
    expect(actions).toContain('kms:Put*');
    for (const a of actions) expect(a).not.toMatch(/^kms:(Create\*|CreateGrant|Decrypt|Encrypt|ReEncrypt|GenerateDataKey|\*)/);
  });

  test('consumer accounts, and only they, use the key', () => {
    const use = statement(statements, SID.consumerUse);
    expect(use.Principal).toEqual({ AWS: [`arn:aws:iam::${CONSUMER_A}:root`, `arn:aws:iam::${CONSUMER_B}:root`] });
    // Key use, and ListGrants, which Terraform's aws_kms_grant calls on every create, refresh and delete.
    expect(use.Action).toEqual([...KEY_USE_ACTIONS, 'kms:ListGrants']);
    expect(use.Condition).toBeUndefined();
  });

  test.each([
    [CONSUMER_A, undefined],
    [CONSUMER_B, 'web'],
  ])('consumer %s may create a grant only for its own Auto Scaling role (suffix %s)', (account, suffix) => {
    const grant = statement(statements, SID.consumerGrant(account));
    expect(grant.Principal).toEqual({ AWS: `arn:aws:iam::${account}:root` });
    expect(grant.Action).toBe('kms:CreateGrant');
    expect(grant.Condition).toEqual({
      StringEquals: { 'kms:GranteePrincipal': SLR(account, suffix) },
      'ForAllValues:StringEquals': { 'kms:GrantOperations': [...AUTOSCALING_GRANT_OPERATIONS] },
    });
  });

  test('no consumer CreateGrant statement carries kms:GrantIsForAWSResource', () => {
    const consumerGrants = statements.filter((s) => s.Sid?.startsWith('AllowConsumer') && s.Action === 'kms:CreateGrant');
    expect(consumerGrants).toHaveLength(2);
    for (const s of consumerGrants) expect(JSON.stringify(s)).not.toContain('GrantIsForAWSResource');
  });

  test('the owner, itself a consumer, names its own service-linked role with GrantIsForAWSResource on CreateGrant', () => {
    expect(statement(statements, SID.ownerAutoScalingUse)).toMatchObject({ Principal: { AWS: SLR(OWNER) }, Action: [...KEY_USE_ACTIONS] });
    expect(statement(statements, SID.ownerAutoScalingAttachment)).toMatchObject({
      Principal: { AWS: SLR(OWNER) },
      Action: 'kms:CreateGrant',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
    });
  });

  test('a custom suffix of the owner role reaches the key policy', () => {
    const yaml = BASE_YAML.replace(`- { account: "${OWNER}" }`, `- { account: "${OWNER}", serviceLinkedRoleSuffix: batch }`);
    const s = statement(keyPolicy(rollout(yaml)).Statement, SID.ownerAutoScalingAttachment);
    expect(s.Principal).toEqual({ AWS: SLR(OWNER, 'batch') });
  });

  test('without a same-account consumer the owner role is not named', () => {
    const yaml = BASE_YAML.replace(`  - { account: "${OWNER}" }\n`, '');
    const sids = keyPolicy(rollout(yaml)).Statement.map((s) => s.Sid);
    expect(sids).not.toContain(SID.ownerAutoScalingUse);
    expect(sids).not.toContain(SID.ownerAutoScalingAttachment);
  });
});

describe('key policy in organization mode', () => {
  const statements = keyPolicy(rollout(ORG_YAML)).Statement;

  test('use is for principals of the organization, not listed accounts', () => {
    expect(statement(statements, SID.consumerUse)).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
    });
  });

  test('one CreateGrant statement pairs each caller with its own account role through ${aws:PrincipalAccount}', () => {
    const grant = statement(statements, SID.organizationGrant);
    expect(grant.Condition).toEqual({
      StringEquals: {
        'aws:PrincipalOrgID': ORG_ID,
        'kms:GranteePrincipal': [SLR('${aws:PrincipalAccount}'), SLR('${aws:PrincipalAccount}', 'web')],
      },
      'ForAllValues:StringEquals': { 'kms:GrantOperations': [...AUTOSCALING_GRANT_OPERATIONS] },
    });
    expect(JSON.stringify(grant)).not.toContain('GrantIsForAWSResource');
    expect(statements.some((s) => s.Sid?.startsWith('AllowConsumer') && s.Sid !== SID.consumerUse)).toBe(false);
  });

  test('OU paths narrow both statements with aws:PrincipalOrgPaths', () => {
    const yaml = ORG_YAML.replace(`arn: "`, `ouPaths: ["${ORG_ID}/r-ab12/ou-ab12-11111111/"], arn: "`);
    for (const s of keyPolicy(rollout(yaml)).Statement.filter((x) => x.Principal && (x.Principal as { AWS: string }).AWS === '*')) {
      expect(s.Condition?.['ForAnyValue:StringLike']).toEqual({ 'aws:PrincipalOrgPaths': [`${ORG_ID}/r-ab12/ou-ab12-11111111/*`] });
    }
  });

  test('the policy size does not grow with the number of accounts', () => {
    const small = policyBytes(keyPolicy(rollout(manyConsumersYaml(3, true))));
    const large = policyBytes(keyPolicy(rollout(manyConsumersYaml(3000, true))));
    expect(large).toBe(small);
  });
});

describe('key policy size', () => {
  test('listing too many accounts is the policy-size finding, with the advice to set organization', () => {
    const findings = lintKeyPolicy(keyPolicy(rollout(manyConsumersYaml(120, false))), OWNER);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['policy-size', 'high']]);
    expect(findings[0].message).toMatch(/over the KMS limit of 32,768/);
    expect(findings[0].fix).toMatch(/set `organization`/);
  });

  test('near the limit is a low-severity warning that fails nothing', () => {
    const findings = lintKeyPolicy(keyPolicy(rollout(manyConsumersYaml(50, false))), OWNER);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['policy-size-near-limit', 'low']]);
    expect(exitCode(findings.map((f) => f.severity))).toBe(0);
  });

  test('a policy well under the limit has no size finding', () => {
    expect(lintKeyPolicy(keyPolicy(rollout(manyConsumersYaml(10, false))), OWNER)).toEqual([]);
  });
});
