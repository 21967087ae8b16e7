import { Construct } from 'constructs';
import { KmsGrant } from '@cdktf/provider-aws/lib/kms-grant';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { z } from 'zod';
import { AutoScalingServiceLinkedRole } from '../autoscaling-role';
import { validateProps } from '../validate';
import { accountId, existingKeyArn, region, roleName, serviceLinkedRoleSuffix } from '../../src/config';
import { Partition, partitionOf } from '../../src/policy/arns';
import { CONSUMER_POLICY_NAME, consumerIamPolicy } from '../../src/policy/consumer-policy';
import { autoScalingGrant } from '../../src/policy/grant';
import { terraformPolicyString } from '../../src/terraform/policy-string';

const KEY_ARN_PLACEHOLDER = 'KEYSHARE_KEY_ARN';

export interface ConsumerGrantProps {
  /** The key's region: a grant is created in the region of its key. */
  readonly region: string;
  /** @default the partition of `region` */
  readonly partition?: Partition;
  /** The consumer account this construct's provider deploys into. */
  readonly account: string;
  /** Full key ARN, or a reference to one: KMS takes nothing shorter for a key in another account. */
  readonly keyArn: string;
  /** Custom suffix of the account's Auto Scaling service-linked role (`AWSServiceRoleForAutoScaling_<suffix>`). @default none */
  readonly serviceLinkedRoleSuffix?: string;
  /** Create the service-linked role; otherwise it must exist, and the plan fails early naming it. @default false */
  readonly createServiceLinkedRole?: boolean;
  /** Name of the consumer IAM policy; unique per account and key. @default 'keyshare-shared-ami-key' */
  readonly policyName?: string;
  /** Roles in this account that get the consumer IAM policy. @default none */
  readonly attachPolicyToRoles?: readonly string[];
}

const PROPS = z.object({
  region: region('region'),
  account: accountId('account'),
  // Usually a reference (a data source's arn), checked by KMS at apply time; a literal is checked here.
  keyArn: existingKeyArn.optional(),
  serviceLinkedRoleSuffix: serviceLinkedRoleSuffix.optional(),
  attachPolicyToRoles: z.array(roleName('role name')).optional(),
});

/**
 * The consumer side: the KMS grant for the account's own Auto Scaling service-linked role, created
 * from this account as the EC2 Auto Scaling guide requires, and the IAM policy its grant creators
 * and launchers need, since a cross-account call needs the caller's IAM policy too.
 */
export class ConsumerGrant extends Construct {
  readonly grant: KmsGrant;
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: ConsumerGrantProps) {
    super(scope, id);
    validateProps(this, PROPS, props);
    const partition = props.partition ?? partitionOf(props.region);
    const role = new AutoScalingServiceLinkedRole(this, 'autoscaling-role', {
      suffix: props.serviceLinkedRoleSuffix,
      create: props.createServiceLinkedRole,
    });
    this.policy = new IamPolicy(this, 'policy', {
      name: props.policyName ?? CONSUMER_POLICY_NAME,
      description: 'Create the Auto Scaling grant on the shared AMI key and use it through EC2 (keyshare)',
      // The key ARN is known only at apply time: a placeholder in the pure document, replaced by Terraform.
      policy: terraformPolicyString(consumerIamPolicy(partition, props.region, props.account, KEY_ARN_PLACEHOLDER, props.serviceLinkedRoleSuffix), {
        [KEY_ARN_PLACEHOLDER]: props.keyArn,
      }),
    });
    const attachments = (props.attachPolicyToRoles ?? []).map(
      (roleName) => new IamRolePolicyAttachment(this, `attach-${roleName}`, { role: roleName, policyArn: this.policy.arn }),
    );
    const spec = autoScalingGrant(partition, props.keyArn, props.account, props.serviceLinkedRoleSuffix);
    this.grant = new KmsGrant(this, 'grant', {
      name: spec.Name,
      keyId: spec.KeyId,
      granteePrincipal: spec.GranteePrincipal,
      operations: [...spec.Operations],
      // Destroy retires the grant: the creating account may, through the deploy role's kms:RetireGrant
      // (consumerIamPolicy; "Retiring and revoking grants"). Revoking it would need kms:RevokeGrant in
      // the owner's key policy, which consumers are not given.
      retireOnDelete: true,
      // The grantee must exist before KMS accepts the grant.
      dependsOn: [role.dependable, ...attachments],
    });
  }
}
