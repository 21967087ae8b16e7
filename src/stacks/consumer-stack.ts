import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { AccountStack } from './account-stack';
import { ConsumerGrant } from '../../modules/consumer-grant';
import { aliasArn } from '../policy/arns';
import { Consumer, LeavingConsumer, Rollout } from '../model/rollout';
import { consumerIamPolicyName } from '../policy/consumer-policy';

export function consumerStackName(account: string): string {
  return `consumer-${account}`;
}

/** Where a consumer's stack deploys: what its tombstone keeps once the consumer leaves. */
export function consumerStackPlacement(rollout: Rollout, consumer: Consumer): LeavingConsumer {
  return { account: consumer.account, region: rollout.owner.region, deployRoleArn: consumer.deployRoleArn, backend: rollout.backend };
}

/**
 * One cross-account consumer. The key ARN is resolved through the alias ARN, which is known at
 * synth time, with DescribeKey (allowed to consumers): no consumer reads the owner's state, which
 * lives in another account. A configured `key.arn` skips the lookup.
 */
export class ConsumerStack extends AccountStack {
  readonly grant: ConsumerGrant;

  constructor(scope: Construct, rollout: Rollout, consumer: Consumer) {
    super(scope, consumerStackName(consumer.account), consumerStackPlacement(rollout, consumer));
    const { partition, owner, key } = rollout;
    const keyArn = key.arn ?? new DataAwsKmsKey(this, 'shared-key', { keyId: aliasArn(partition, owner.region, owner.account, key.alias) }).arn;
    this.grant = new ConsumerGrant(this, 'consumer-grant', {
      partition,
      region: owner.region,
      account: consumer.account,
      keyArn,
      serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix,
      createServiceLinkedRole: consumer.createServiceLinkedRole,
      attachPolicyToRoles: consumer.attachPolicyToRoles,
      policyName: consumerIamPolicyName(key.alias),
    });
    new TerraformOutput(this, 'grant_id', { value: this.grant.grant.grantId, description: 'ID of the Auto Scaling grant' });
    new TerraformOutput(this, 'policy_arn', { value: this.grant.policy.arn, description: 'IAM policy for grant creators and launchers' });
  }
}
