import { Testing, TerraformStack } from 'cdktf';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KeyOwner, KeyOwnerProps } from '../../modules/key-owner';
import { PRINCIPAL_ORG_ID } from '../../src/policy/conditions';
import { SID } from '../../src/policy/key-policy';

Testing.setupJest();

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const PROPS: KeyOwnerProps = { account: OWNER, region: 'eu-west-1', alias: 'golden-ami' };

/** KeyOwner alone in a stack of its own, as a cdktf user would place it. */
function keyOwner(props: KeyOwnerProps = PROPS, use: (k: KeyOwner) => void = () => undefined): { stack: TerraformStack; key: KeyOwner } {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: props.region });
  const key = new KeyOwner(stack, 'ami-key', props);
  use(key);
  return { stack, key };
}

describe('KeyOwner on its own', () => {
  test('defaults: a rotating symmetric key with a 30-day window, a description naming the alias, and the alias', () => {
    const { stack } = keyOwner();
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(KmsKey, {
      description: 'Encrypts the AMI snapshots that keyshare shares with consumer accounts (alias/golden-ami)',
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      key_usage: 'ENCRYPT_DECRYPT',
      customer_master_key_spec: 'SYMMETRIC_DEFAULT',
    });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: 'alias/golden-ami' });
  });

  test('given props win over the defaults', () => {
    const synthesized = Testing.synth(
      keyOwner({ ...PROPS, alias: 'alias/base', description: 'Base images', enableKeyRotation: false, deletionWindowInDays: 7 }).stack,
    );
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { description: 'Base images', enable_key_rotation: false, deletion_window_in_days: 7 });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: 'alias/base' });
  });

  test('each grantAutoScalingLaunch adds its account to the key policy, in account order', () => {
    const { key } = keyOwner(PROPS, (k) => {
      k.grantAutoScalingLaunch({ account: '777788889999', serviceLinkedRoleSuffix: 'web' });
      k.grantAutoScalingLaunch({ account: CONSUMER });
    });
    const sids = key.policyDocument().Statement.map((s) => s.Sid);
    expect(sids).toEqual([SID.rootDelegation, SID.consumerUse, SID.consumerGrant(CONSUMER), SID.consumerGrant('777788889999')]);
  });

  test('the partition follows the region unless given', () => {
    const { key } = keyOwner({ ...PROPS, region: 'cn-north-1' });
    expect(key.aliasArn).toBe(`arn:aws-cn:kms:cn-north-1:${OWNER}:alias/golden-ami`);
    expect(key.policyDocument().Statement[0].Principal).toEqual({ AWS: `arn:aws-cn:iam::${OWNER}:root` });
  });

  test('an organization replaces the per-account statements with membership conditions', () => {
    const { key } = keyOwner({ ...PROPS, organization: { id: 'o-a1b2c3d4e5' } }, (k) => k.grantAutoScalingLaunch({ account: CONSUMER }));
    const grant = key.policyDocument().Statement.find((s) => s.Sid === SID.organizationGrant);
    expect(grant?.Condition?.StringEquals?.[PRINCIPAL_ORG_ID]).toBe('o-a1b2c3d4e5');
  });

  test('the owner account as grantee: its Auto Scaling role is looked up (or created) and the key waits for it', () => {
    const looked = Testing.synth(keyOwner(PROPS, (k) => k.grantAutoScalingLaunch({ account: OWNER })).stack);
    expect(looked).toHaveDataSourceWithProperties(DataAwsIamRole, { name: 'AWSServiceRoleForAutoScaling' });
    const created = Testing.synth(keyOwner(PROPS, (k) => k.grantAutoScalingLaunch({ account: OWNER, createServiceLinkedRole: true })).stack);
    expect(created).toHaveResourceWithProperties(IamServiceLinkedRole, { aws_service_name: 'autoscaling.amazonaws.com' });
    expect(created).toHaveResourceWithProperties(KmsKey, { depends_on: [expect.stringMatching(/^aws_iam_service_linked_role\./)] });
  });
});

describe('KeyOwner refuses bad props in its constructor, with the fix', () => {
  test.each([
    ['an AWS-managed alias', { alias: 'aws/ebs' }, /props\.alias: names an AWS-managed key .*Fix: choose your own alias/],
    ['a short account ID', { account: '11112222333' }, /props\.account: is not a 12-digit AWS account ID .*Fix: write the 12-digit/],
    ['a region display name', { region: 'Ireland' }, /props\.region: is not an AWS region code .*Fix: write a region code/],
    ['a deletion window KMS refuses', { deletionWindowInDays: 5 }, /props\.deletionWindowInDays: is below the 7 days KMS requires \(got 5\)\. Fix:/],
    ['an administrator that is no IAM principal', { administrators: ['admin'] }, /props\.administrators\[0\]: .*Fix:/],
    ['an organization ID of the wrong form', { organization: { id: 'org-1' } }, /props\.organization\.id: is not an AWS Organizations ID/],
  ])('%s', (_, change, message) => {
    expect(() => keyOwner({ ...PROPS, ...change })).toThrow(message);
  });

  test('the message names the construct path', () => {
    expect(() => keyOwner({ ...PROPS, alias: 'aws/ebs' })).toThrow(/^test\/ami-key: props\.alias/);
  });

  test('a grantee account of the wrong form', () => {
    expect(() => keyOwner(PROPS, (k) => k.grantAutoScalingLaunch({ account: '12' }))).toThrow(/props\.account: is not a 12-digit/);
  });
});

describe('KeyOwner validation before synth', () => {
  test('an account granted twice', () => {
    const { stack } = keyOwner(PROPS, (k) => {
      k.grantAutoScalingLaunch({ account: CONSUMER });
      k.grantAutoScalingLaunch({ account: CONSUMER, serviceLinkedRoleSuffix: 'web' });
    });
    expect(() => Testing.synth(stack, true)).toThrow(/account 444455556666 is granted more than once\. Fix: call it once per account/);
  });

  test('the owner account granted twice is reported, not a construct ID clash', () => {
    const { stack } = keyOwner(PROPS, (k) => {
      k.grantAutoScalingLaunch({ account: OWNER });
      k.grantAutoScalingLaunch({ account: OWNER });
    });
    expect(() => Testing.synth(stack, true)).toThrow(/account 111122223333 is granted more than once/);
  });

  test('a key policy over the KMS size limit says to name the organization instead', () => {
    const { stack } = keyOwner(PROPS, (k) => {
      for (let i = 0; i < 150; i++) k.grantAutoScalingLaunch({ account: String(200000000000 + i) });
    });
    expect(() => Testing.synth(stack, true)).toThrow(
      /the key policy is \d+ bytes, over the KMS limit of 32768 \(150 grantees\)\. Fix: set `organization`/,
    );
  });

  test('the same grantees under an organization fit', () => {
    const { stack } = keyOwner({ ...PROPS, organization: { id: 'o-a1b2c3d4e5' } }, (k) => {
      for (let i = 0; i < 150; i++) k.grantAutoScalingLaunch({ account: String(200000000000 + i) });
    });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
