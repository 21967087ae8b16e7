import { keyPolicy, SID } from '../../src/policy/key-policy';
import {
  ANY_CONSUMER_STACK_TYPES,
  deployCalls,
  permissionOf,
  TEARDOWN_PHASES,
  teardownKeyPolicyActions,
  teardownTypes,
} from '../../src/policy/deploy-path';
import { ALL_KMS, oracle } from '../support/oracle';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, ORG_YAML, OWNER, REGION, rollout } from '../support/rollouts';

const KEY_ARN = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** BASE_YAML without B, whose tombstone stack still has to destroy its grant. */
const withoutB = () => {
  const r = rollout(BASE_YAML);
  return { ...r, consumers: r.consumers.filter((c) => c.account !== CONSUMER_B), leaving: [{ account: CONSUMER_B, region: REGION }] };
};
const decide = (policy: ReturnType<typeof keyPolicy>, action: string) =>
  oracle({ keyPolicy: policy, keyArn: KEY_ARN, principal: `arn:aws:iam::${CONSUMER_B}:role/deploy`, action, identityPolicies: [ALL_KMS] });

describe("a removed consumer's teardown in the key policy", () => {
  test("the model's tombstone calls that a key policy decides: ListGrants, to refresh the grant and see it retired", () => {
    // A tombstone declares nothing: only managed types are refreshed and destroyed, no data source is read.
    expect(teardownTypes(ANY_CONSUMER_STACK_TYPES)).not.toContain('data.aws_kms_key');
    const shared = deployCalls(teardownTypes(ANY_CONSUMER_STACK_TYPES), TEARDOWN_PHASES)
      .filter((c) => c.on === 'shared-key')
      .map(permissionOf);
    expect([...new Set(shared)].sort()).toEqual(['kms:ListGrants', 'kms:RetireGrant']);
    expect(teardownKeyPolicyActions(ANY_CONSUMER_STACK_TYPES)).toEqual(['kms:ListGrants']);
  });

  test('the simulator allows the removed account exactly its teardown, never key use or CreateGrant', async () => {
    const policy = keyPolicy(withoutB());
    expect(policy.Statement.filter((s) => s.Sid === SID.consumerTeardown)).toEqual([
      { Sid: SID.consumerTeardown, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CONSUMER_B}:root` }, Action: 'kms:ListGrants', Resource: '*' },
    ]);
    expect(await decide(policy, 'kms:ListGrants')).toBe('Allowed');
    for (const action of ['kms:Decrypt', 'kms:CreateGrant', 'kms:DescribeKey', 'kms:RevokeGrant', 'kms:GenerateDataKeyWithoutPlaintext']) {
      expect({ action, decision: await decide(policy, action) }).toEqual({ action, decision: 'ImplicitlyDenied' });
    }
    // Forgotten: the account leaves the key policy altogether.
    const forgotten = keyPolicy({ ...withoutB(), leaving: [] });
    expect(await decide(forgotten, 'kms:ListGrants')).toBe('ImplicitlyDenied');
    expect(JSON.stringify(forgotten)).not.toContain(CONSUMER_B);
    expect(JSON.stringify(forgotten)).toContain(CONSUMER_A);
  });

  test("an organization's key policy already admits its members: no statement is added", () => {
    const r = rollout(ORG_YAML);
    expect(keyPolicy({ ...r, leaving: [{ account: '123456789012' }] })).toEqual(keyPolicy(r));
  });
});
