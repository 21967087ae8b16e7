import { Construct } from 'constructs';
import { dependable, Lazy } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { AutoScalingServiceLinkedRole } from '../autoscaling-role';
import { aliasArn, aliasName, Partition } from '../../src/policy/arns';
import { PolicyDocument } from '../../src/policy/document';
import { keyPolicy } from '../../src/policy/key-policy';
import { terraformPolicyString } from '../../src/terraform/policy-string';
import { ConsumerIdentity, Organization } from '../../src/model/rollout';

export interface KeyOwnerProps {
  readonly partition: Partition;
  /** The owner account, where the key lives. */
  readonly account: string;
  readonly region: string;
  /** Alias, with or without the `alias/` prefix. */
  readonly alias: string;
  /** @default 'Encrypts AMI snapshots shared with EC2 Auto Scaling in consumer accounts (keyshare)' */
  readonly description?: string;
  /** Principals of the owner account that administer the key, without cryptographic use. @default none */
  readonly administrators?: readonly string[];
  /** @default true */
  readonly enableKeyRotation?: boolean;
  /** @default 30 */
  readonly deletionWindowInDays?: number;
  /** Name consumers by organization membership instead of one by one. @default consumers one by one */
  readonly organization?: Organization;
}

export interface AutoScalingLaunchGrantee {
  readonly account: string;
  readonly serviceLinkedRoleSuffix?: string;
  /** Same-account only: create the owner's service-linked role. @default false (it must exist) */
  readonly createServiceLinkedRole?: boolean;
}

/**
 * The customer-managed key that encrypts the shared AMI's snapshots, its alias and its key policy.
 * Consumers are added with `grantAutoScalingLaunch`; the policy is built from all of them at synth
 * time by the pure `keyPolicy` builder, so the construct never restates a statement.
 */
export class KeyOwner extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  /** Known before apply: consumers resolve the key through it. */
  readonly aliasArn: string;
  private readonly props: KeyOwnerProps;
  private readonly consumers: ConsumerIdentity[] = [];

  constructor(scope: Construct, id: string, props: KeyOwnerProps) {
    super(scope, id);
    this.props = props;
    this.key = new KmsKey(this, 'key', {
      description: props.description ?? 'Encrypts AMI snapshots shared with EC2 Auto Scaling in consumer accounts (keyshare)',
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      enableKeyRotation: props.enableKeyRotation ?? true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      // bypass_policy_lockout_safety_check is never set: KMS's own check guards against lock-out.
      policy: Lazy.stringValue({ produce: () => terraformPolicyString(this.policyDocument()) }),
    });
    this.alias = new KmsAlias(this, 'alias', { name: aliasName(props.alias), targetKeyId: this.key.keyId });
    this.aliasArn = aliasArn(props.partition, props.region, props.account, props.alias);
  }

  get keyArn(): string {
    return this.key.arn;
  }

  /**
   * Lets `grantee`'s Auto Scaling groups launch from AMIs encrypted with this key. Another account
   * may use the key and create a grant for its own service-linked role; the owner account's own
   * role is named in the key policy, which then depends on that role existing.
   */
  grantAutoScalingLaunch(grantee: AutoScalingLaunchGrantee): void {
    const sameAccount = grantee.account === this.props.account;
    this.consumers.push({ account: grantee.account, serviceLinkedRoleSuffix: grantee.serviceLinkedRoleSuffix, sameAccount });
    if (sameAccount) {
      const role = new AutoScalingServiceLinkedRole(this, 'autoscaling-role', {
        suffix: grantee.serviceLinkedRoleSuffix,
        create: grantee.createServiceLinkedRole,
      });
      this.key.dependsOn = [...(this.key.dependsOn ?? []), dependable(role.dependable)];
    }
  }

  /** The key policy as it stands now. */
  policyDocument(): PolicyDocument {
    return keyPolicy({
      partition: this.props.partition,
      owner: { account: this.props.account },
      key: { administrators: this.props.administrators ?? [] },
      consumers: [...this.consumers].sort((a, b) => (a.account < b.account ? -1 : 1)),
      organization: this.props.organization,
    });
  }
}
