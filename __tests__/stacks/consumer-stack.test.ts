import { Testing } from 'cdktf';
import { AUTOSCALING_GRANT_OPERATIONS } from '../../src/policy/actions';
import { buildApp } from '../../src/stacks/app';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, OWNER, rollout } from '../support/rollouts';
import { resources, synthConsumer } from '../support/synth';

const r = rollout(BASE_YAML);

describe('consumer stack', () => {
  const a = synthConsumer(r, CONSUMER_A);
  const b = synthConsumer(r, CONSUMER_B);

  test('resolves the key through the alias ARN, known before the owner stack is applied', () => {
    expect(
      Testing.toHaveDataSourceWithProperties(a.raw, 'aws_kms_key', {
        key_id: `arn:aws:kms:us-west-2:${OWNER}:alias/golden-ami`,
      }),
    ).toBe(true);
  });

  test('the grant names the full key ARN, the account own Auto Scaling role and the documented operations', () => {
    const [grant] = resources(a, 'aws_kms_grant');
    expect(grant.key_id).toMatch(/^\$\{data\.aws_kms_key\..+\.arn\}$/);
    expect(grant.grantee_principal).toBe(`arn:aws:iam::${CONSUMER_A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`);
    expect(grant.operations).toEqual([...AUTOSCALING_GRANT_OPERATIONS]);
    expect(grant.retire_on_delete).toBe(true);
  });

  test('a custom suffix names the suffixed role; the created role comes before the grant', () => {
    const [grant] = resources(b, 'aws_kms_grant');
    expect(grant.grantee_principal).toMatch(/AWSServiceRoleForAutoScaling_web$/);
    expect(
      Testing.toHaveResourceWithProperties(b.raw, 'aws_iam_service_linked_role', {
        aws_service_name: 'autoscaling.amazonaws.com',
        custom_suffix: 'web',
      }),
    ).toBe(true);
    expect(grant.depends_on).toEqual([expect.stringMatching(/^aws_iam_service_linked_role\./)]);
  });

  test('an existing role is looked up so the plan fails early when it is missing', () => {
    expect(Testing.toHaveDataSourceWithProperties(a.raw, 'aws_iam_role', { name: 'AWSServiceRoleForAutoScaling' })).toBe(true);
    expect(Testing.toHaveResource(a.raw, 'aws_iam_service_linked_role')).toBe(false);
  });

  test('the IAM policy (its value is proven in __tests__/terraform) is attached to the named roles before the grant', () => {
    const [policy] = resources(a, 'aws_iam_policy');
    expect(policy.policy).toMatch(/^\$\{replace\(".*", data\.aws_kms_key\.shared-key\.arn\)\}$/);
    expect(resources(a, 'aws_iam_role_policy_attachment')).toEqual([expect.objectContaining({ role: 'launcher' })]);
    const [grant] = resources(a, 'aws_kms_grant');
    expect(grant.depends_on).toContainEqual(expect.stringMatching(/^aws_iam_role_policy_attachment\./));
  });

  test('the provider assumes the consumer deploy role in the key region', () => {
    expect(
      Testing.toHaveProviderWithProperties(a.raw, 'aws', {
        region: 'us-west-2',
        allowed_account_ids: [CONSUMER_A],
        assume_role: [{ role_arn: `arn:aws:iam::${CONSUMER_A}:role/deploy`, session_name: 'keyshare' }],
      }),
    ).toBe(true);
  });

  test('a configured key ARN is used as is, without a lookup', () => {
    const arn = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const s = synthConsumer(rollout(BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${arn}",`)), CONSUMER_A);
    expect(resources(s, 'aws_kms_grant')[0].key_id).toBe(arn);
    expect(Testing.toHaveDataSource(s.raw, 'aws_kms_key')).toBe(false);
  });
});

describe('the app', () => {
  test('one stack per cross-account consumer, each deployed after the owner; none for the owner as consumer', () => {
    const app = buildApp(r, Testing.app().outdir);
    const stacks = app.node.children.map((c) => c.node.id).sort();
    expect(stacks).toEqual([`consumer-${CONSUMER_A}`, `consumer-${CONSUMER_B}`, 'owner']);
    const consumer = app.node.findChild(`consumer-${CONSUMER_A}`) as any;
    expect(consumer.dependencies.map((d: any) => d.node.id)).toEqual(['owner']);
  });
});
