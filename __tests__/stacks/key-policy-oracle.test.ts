import { AUTOSCALING_GRANT_OPERATIONS } from '../../src/policy/actions';
import { autoScalingRoleArn } from '../../src/policy/arns';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { keyPolicy } from '../../src/policy/key-policy';
import { ALL_KMS, oracle } from '../support/oracle';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, ORG_ID, ORG_YAML, OWNER, rollout, STRANGER } from '../support/rollouts';

/**
 * The key policy keyshare emits, judged by an independent simulator rather than by our own
 * evaluator: the launch path is allowed, and nothing beyond it.
 */
const KEY_ARN = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const r = rollout(BASE_YAML);
const policy = keyPolicy(r);
const deployRole = (account: string) => `arn:aws:iam::${account}:role/deploy`;
const createGrant = (grantee: string, operations: readonly string[] = AUTOSCALING_GRANT_OPERATIONS) => ({
  'kms:GranteePrincipal': grantee,
  'kms:GrantOperations': [...operations],
  'kms:GrantIsForAWSResource': 'false',
});

describe.each([
  [CONSUMER_A, undefined],
  [CONSUMER_B, 'web'],
])('consumer %s (suffix %s)', (account, suffix) => {
  const ownRole = autoScalingRoleArn('aws', account, suffix);
  const iam = consumerIamPolicy('aws', 'us-west-2', account, KEY_ARN, suffix);

  test('its deploy role, with the emitted IAM policy, can create the grant for its own Auto Scaling role', async () => {
    await expect(
      oracle({
        keyPolicy: policy,
        keyArn: KEY_ARN,
        principal: deployRole(account),
        action: 'kms:CreateGrant',
        identityPolicies: [iam],
        context: createGrant(ownRole),
      }),
    ).resolves.toBe('Allowed');
  });

  test.each([
    ['another role of its own account', `arn:aws:iam::${account}:role/attacker`],
    ['the other consumer Auto Scaling role', autoScalingRoleArn('aws', account === CONSUMER_A ? CONSUMER_B : CONSUMER_A)],
    ['a stranger Auto Scaling role', autoScalingRoleArn('aws', STRANGER)],
  ])('even with kms:* in IAM it cannot grant to %s', async (_, grantee) => {
    await expect(
      oracle({
        keyPolicy: policy,
        keyArn: KEY_ARN,
        principal: deployRole(account),
        action: 'kms:CreateGrant',
        identityPolicies: [ALL_KMS],
        context: createGrant(grantee),
      }),
    ).resolves.not.toBe('Allowed');
  });

  test('it cannot grant operations beyond the launch path', async () => {
    await expect(
      oracle({
        keyPolicy: policy,
        keyArn: KEY_ARN,
        principal: deployRole(account),
        action: 'kms:CreateGrant',
        identityPolicies: [ALL_KMS],
        context: createGrant(ownRole, [...AUTOSCALING_GRANT_OPERATIONS, 'RetireGrant']),
      }),
    ).resolves.not.toBe('Allowed');
  });

  test.each(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:UpdateKeyDescription', 'kms:RevokeGrant'])(
    'even with kms:* in IAM it cannot administer the key: %s',
    async (action) => {
      await expect(
        oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: deployRole(account), action, identityPolicies: [ALL_KMS] }),
      ).resolves.not.toBe('Allowed');
    },
  );
});

describe('a stranger account', () => {
  test.each([
    'kms:Decrypt',
    'kms:Encrypt',
    'kms:DescribeKey',
    'kms:CreateGrant',
    'kms:GenerateDataKey',
    'kms:PutKeyPolicy',
    'kms:ScheduleKeyDeletion',
  ])('gets nothing, even with kms:* in its own IAM: %s', async (action) => {
    await expect(
      oracle({
        keyPolicy: policy,
        keyArn: KEY_ARN,
        principal: deployRole(STRANGER),
        action,
        identityPolicies: [ALL_KMS],
        context: action === 'kms:CreateGrant' ? createGrant(autoScalingRoleArn('aws', STRANGER)) : {},
      }),
    ).resolves.not.toBe('Allowed');
  });
});

describe('the owner account', () => {
  test.each(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:Decrypt'])('its IAM principals can %s through root delegation', async (action) => {
    await expect(oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: deployRole(OWNER), action, identityPolicies: [ALL_KMS] })).resolves.toBe(
      'Allowed',
    );
  });

  test('the key administrator administers without an IAM policy but cannot decrypt or grant', async () => {
    const admin = `arn:aws:iam::${OWNER}:role/key-admin`;
    await expect(oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: admin, action: 'kms:ScheduleKeyDeletion' })).resolves.toBe('Allowed');
    await expect(oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: admin, action: 'kms:Decrypt' })).resolves.not.toBe('Allowed');
    await expect(
      oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: admin, action: 'kms:CreateGrant', context: createGrant(admin) }),
    ).resolves.not.toBe('Allowed');
  });

  test('its own Auto Scaling role uses the key and attaches volumes only through an AWS service', async () => {
    const role = autoScalingRoleArn('aws', OWNER);
    await expect(oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: role, action: 'kms:Decrypt' })).resolves.toBe('Allowed');
    const grant = (forResource: string) => ({ 'kms:GranteePrincipal': role, 'kms:GrantIsForAWSResource': forResource });
    await expect(oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: role, action: 'kms:CreateGrant', context: grant('true') })).resolves.toBe(
      'Allowed',
    );
    await expect(
      oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: role, action: 'kms:CreateGrant', context: grant('false') }),
    ).resolves.not.toBe('Allowed');
  });
});

describe('organization mode', () => {
  const orgPolicy = keyPolicy(rollout(ORG_YAML));
  const member = (account: string) => ({ keyPolicy: orgPolicy, keyArn: KEY_ARN, principal: deployRole(account), identityPolicies: [ALL_KMS] });
  // AWS puts aws:PrincipalAccount in every request; the simulator does not derive it.
  const inOrg = (account: string, orgId = ORG_ID) => ({ 'aws:PrincipalOrgID': orgId, 'aws:PrincipalAccount': account });

  test('a member account, listed or not, can grant to its own Auto Scaling role', async () => {
    for (const account of [CONSUMER_A, '123456789012']) {
      await expect(
        oracle({ ...member(account), action: 'kms:CreateGrant', context: { ...createGrant(autoScalingRoleArn('aws', account)), ...inOrg(account) } }),
      ).resolves.toBe('Allowed');
    }
  });

  test('a member cannot grant to another account role', async () => {
    await expect(
      oracle({
        ...member(CONSUMER_A),
        action: 'kms:CreateGrant',
        context: { ...createGrant(autoScalingRoleArn('aws', STRANGER)), ...inOrg(CONSUMER_A) },
      }),
    ).resolves.not.toBe('Allowed');
  });

  test('an account outside the organization gets nothing', async () => {
    for (const action of ['kms:Decrypt', 'kms:DescribeKey']) {
      await expect(oracle({ ...member(STRANGER), action, context: inOrg(STRANGER, 'o-zzzzzzzzzz') })).resolves.not.toBe('Allowed');
    }
    await expect(
      oracle({
        ...member(STRANGER),
        action: 'kms:CreateGrant',
        context: { ...createGrant(autoScalingRoleArn('aws', STRANGER)), ...inOrg(STRANGER, 'o-zzzzzzzzzz') },
      }),
    ).resolves.not.toBe('Allowed');
  });
});
