import { Testing, TerraformStack } from 'cdktf';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { KmsGrant } from '@cdktf/provider-aws/lib/kms-grant';
import { ConsumerGrant, ConsumerGrantProps } from '../../modules/consumer-grant';
import { synthAlone } from '../support/construct';
import { AUTOSCALING_GRANT_OPERATIONS } from '../../src/policy/actions';

Testing.setupJest();

const CONSUMER = '444455556666';
const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PROPS: ConsumerGrantProps = { account: CONSUMER, region: 'eu-west-1', keyArn: KEY_ARN };
const ROLE = `arn:aws:iam::${CONSUMER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

function consumerGrant(props: Partial<ConsumerGrantProps> = {}, keyArn?: (stack: TerraformStack) => string): string {
  return synthAlone((stack) => new ConsumerGrant(stack, 'grant', { ...PROPS, ...props, ...(keyArn && { keyArn: keyArn(stack) }) }));
}

describe('ConsumerGrant on its own', () => {
  test("a grant on the full key ARN for the account's own Auto Scaling role, with the launch operations, retired on destroy", () => {
    expect(consumerGrant()).toHaveResourceWithProperties(KmsGrant, {
      key_id: KEY_ARN,
      grantee_principal: ROLE,
      operations: [...AUTOSCALING_GRANT_OPERATIONS],
      retire_on_delete: true,
    });
  });

  test('the role must exist by default (looked up), and is created on request, with the suffix', () => {
    expect(consumerGrant()).toHaveDataSourceWithProperties(DataAwsIamRole, { name: 'AWSServiceRoleForAutoScaling' });
    const created = consumerGrant({ serviceLinkedRoleSuffix: 'web', createServiceLinkedRole: true });
    expect(created).toHaveResourceWithProperties(IamServiceLinkedRole, { aws_service_name: 'autoscaling.amazonaws.com', custom_suffix: 'web' });
    expect(created).toHaveResourceWithProperties(KmsGrant, { grantee_principal: `${ROLE}_web` });
  });

  test('the IAM policy for grant creators has its default name and is attached to the roles given', () => {
    const synthesized = consumerGrant({ attachPolicyToRoles: ['deployer'] });
    expect(synthesized).toHaveResourceWithProperties(IamPolicy, { name: 'keyshare-shared-ami-key' });
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: 'deployer' });
  });

  test('a key ARN known only at apply time (a data source) is taken as is', () => {
    const synthesized = consumerGrant(
      {},
      (stack) => new DataAwsKmsKey(stack, 'key', { keyId: 'arn:aws:kms:eu-west-1:111122223333:alias/golden-ami' }).arn,
    );
    expect(synthesized).toHaveResourceWithProperties(KmsGrant, { key_id: '${data.aws_kms_key.key.arn}' });
  });

  test('the partition follows the region', () => {
    const synthesized = consumerGrant({
      region: 'us-gov-west-1',
      keyArn: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(synthesized).toHaveResourceWithProperties(KmsGrant, { grantee_principal: ROLE.replace('arn:aws:', 'arn:aws-us-gov:') });
  });

  test.each([
    [
      'an alias ARN instead of the key ARN',
      { keyArn: 'arn:aws:kms:eu-west-1:111122223333:alias/golden-ami' },
      /props\.keyArn: is an alias ARN, not a key ARN .*Fix: give the key ARN/,
    ],
    [
      'a suffix IAM refuses',
      { serviceLinkedRoleSuffix: 'web app' },
      /props\.serviceLinkedRoleSuffix: is not a valid service-linked role suffix .*Fix:/,
    ],
    ['an account ID with letters', { account: '4444x5556666' }, /props\.account: is not a 12-digit AWS account ID/],
    [
      'a role ARN where a role name belongs',
      { attachPolicyToRoles: ['arn:aws:iam::444455556666:role/x'] },
      /props\.attachPolicyToRoles\[0\]: .*Fix:/,
    ],
  ])('refuses %s in its constructor, with the fix', (_, change, message) => {
    expect(() => consumerGrant(change)).toThrow(message);
  });
});
