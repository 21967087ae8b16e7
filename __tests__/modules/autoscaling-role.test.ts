import { Testing } from 'cdktf';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { AutoScalingServiceLinkedRole, AutoScalingServiceLinkedRoleProps } from '../../modules/autoscaling-role';
import { synthAlone } from '../support/construct';

Testing.setupJest();

function role(props?: AutoScalingServiceLinkedRoleProps): string {
  return synthAlone((stack) => new AutoScalingServiceLinkedRole(stack, 'role', props));
}

describe('AutoScalingServiceLinkedRole on its own', () => {
  test('by default the role must exist: a data source fails the plan early, naming it', () => {
    const synthesized = role();
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamRole, { name: 'AWSServiceRoleForAutoScaling' });
    expect(synthesized).not.toHaveResource(IamServiceLinkedRole);
  });

  test('created on request, with its suffix', () => {
    expect(role({ create: true, suffix: 'web' })).toHaveResourceWithProperties(IamServiceLinkedRole, {
      aws_service_name: 'autoscaling.amazonaws.com',
      custom_suffix: 'web',
    });
  });

  test('refuses a suffix IAM would refuse, with the fix', () => {
    expect(() => role({ suffix: 'a/b' })).toThrow(/test\/role: props\.suffix: is not a valid service-linked role suffix .*Fix: use only letters/);
  });
});
