import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { z } from 'zod';
import { validateProps } from '../validate';
import { serviceLinkedRoleSuffix } from '../../src/config';
import { AUTOSCALING_SERVICE, autoScalingRoleName } from '../../src/policy/arns';

export interface AutoScalingServiceLinkedRoleProps {
  /** Custom suffix of the role name (`AWSServiceRoleForAutoScaling_<suffix>`). @default none */
  readonly suffix?: string;
  /**
   * Create the role. When false the role must already exist, and a data source makes the plan fail
   * early, with the role's name, if it does not. @default false
   */
  readonly create?: boolean;
}

const PROPS = z.object({ suffix: serviceLinkedRoleSuffix.optional() });

/**
 * The EC2 Auto Scaling service-linked role of one account, created or looked up. KMS rejects a key
 * policy that names a principal that does not exist (hashicorp/terraform-provider-aws#28644), and a
 * grant needs an existing grantee, so whatever names the role depends on `dependable`.
 */
export class AutoScalingServiceLinkedRole extends Construct {
  readonly dependable: ITerraformDependable;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: AutoScalingServiceLinkedRoleProps = {}) {
    super(scope, id);
    validateProps(this, PROPS, props);
    this.roleName = autoScalingRoleName(props.suffix);
    this.dependable = props.create
      ? new IamServiceLinkedRole(this, 'role', {
          awsServiceName: AUTOSCALING_SERVICE,
          customSuffix: props.suffix,
          description: 'EC2 Auto Scaling service-linked role, created by keyshare',
        })
      : new DataAwsIamRole(this, 'existing', { name: this.roleName });
  }
}
