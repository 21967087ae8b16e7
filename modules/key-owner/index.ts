import { Construct } from 'constructs';
import { dependable, Lazy } from 'cdktf';
import { z } from 'zod';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { AutoScalingServiceLinkedRole } from '../autoscaling-role';
import { validateProps } from '../validate';
import {
  accountId,
  deletionWindowDays,
  existingKeyArn,
  keyAlias,
  keyDescription,
  organizationId,
  ouPath,
  principalArn,
  region,
} from '../../src/config';
import { defaultKeyDescription, KEY_OWNER_DEFAULTS } from '../../src/model/key-defaults';
import { aliasArn, aliasName, keyIdOf, Partition, partitionOf } from '../../src/policy/arns';
import { KEY_POLICY_MAX_BYTES, PolicyDocument } from '../../src/policy/document';
import { keyPolicy, KeyPolicyInput, OrganizationGrantee } from '../../src/policy/key-policy';
import { RULES } from '../../src/policy/rules';
import { keyPolicyOverflow } from '../../src/policy/size';
import { terraformPolicyString } from '../../src/terraform/policy-string';

/** Consumers named by organization membership (`aws:PrincipalOrgID`) instead of one by one. */
export interface KeyOwnerOrganization {
  /** Organization ID, e.g. `o-a1b2c3d4e5`. */
  readonly id: string;
  /**
   * `aws:PrincipalOrgPaths` entries (`o-…/r-…/ou-…/`): only accounts under them are consumers.
   * @default the whole organization
   */
  readonly ouPaths?: readonly string[];
  /**
   * How the CreateGrant statement names the grantee: `own-account` pins each member to its own
   * Auto Scaling role through `${aws:PrincipalAccount}` (an assumption no KMS page documents);
   * `any-account` uses only documented behaviour but lets a member grant any account's Auto Scaling
   * role (src/policy/key-policy.ts, OrganizationGrantee).
   * @default 'own-account'
   */
  readonly grantee?: OrganizationGrantee;
}

export interface KeyOwnerProps {
  /** The owner account, where the key lives. */
  readonly account: string;
  /** The key's region; its grants and the AMIs it encrypts live there too. */
  readonly region: string;
  /** @default the partition of `region` */
  readonly partition?: Partition;
  /** Alias, with or without the `alias/` prefix; not under `aws/`, which AWS-managed keys use. */
  readonly alias: string;
  /** @default `Encrypts the AMI snapshots that keyshare shares with consumer accounts (alias/<alias>)` */
  readonly description?: string;
  /** Principals of the owner account that administer the key, without cryptographic use. @default none */
  readonly administrators?: readonly string[];
  /** Yearly automatic rotation. @default true */
  readonly enableKeyRotation?: boolean;
  /** Days KMS waits before deleting the key once deletion is scheduled, 7 to 30. @default 30 */
  readonly deletionWindowInDays?: number;
  /** Name consumers by organization membership instead of one by one. @default consumers one by one */
  readonly organization?: KeyOwnerOrganization;
  /**
   * ARN of a key that already exists in `account` and `region`. The construct then creates no key
   * and no alias: it manages that key's policy with `aws_kms_key_policy`, so the policy `check`
   * proves is the one deployed. `description`, `enableKeyRotation` and `deletionWindowInDays`
   * describe a key the construct creates and are refused with it. @default a new key and alias
   */
  readonly existingKeyArn?: string;
}

export interface AutoScalingLaunchGrantee {
  readonly account: string;
  /** Custom suffix of its Auto Scaling service-linked role. @default none */
  readonly serviceLinkedRoleSuffix?: string;
  /** Same-account only: create the owner's service-linked role. @default false (it must exist) */
  readonly createServiceLinkedRole?: boolean;
}

const PROPS = z.object({
  account: accountId('account'),
  region: region('region'),
  alias: keyAlias,
  description: keyDescription.optional(),
  administrators: z.array(principalArn('administrator')).optional(),
  deletionWindowInDays: deletionWindowDays.optional(),
  organization: z
    .object({ id: organizationId, ouPaths: z.array(ouPath).optional(), grantee: z.enum(['own-account', 'any-account']).optional() })
    .optional(),
  existingKeyArn: existingKeyArn.optional(),
});

/** `grantAutoScalingLaunch`'s grantee: built once, since a rollout calls it per consumer. */
const GRANTEE = z.object({ account: accountId('account') });

/** Props that describe a key the construct creates: meaningless, so refused, with `existingKeyArn`. */
const NEW_KEY_ONLY = ['description', 'enableKeyRotation', 'deletionWindowInDays'] as const;

type GrantedConsumer = KeyPolicyInput['consumers'][number];

/**
 * The customer-managed key that encrypts the shared AMI's snapshots, its alias and its key policy.
 * Consumers are added with `grantAutoScalingLaunch`; the policy is built from all of them at synth
 * time by the pure `keyPolicy` builder, so the construct never restates a statement. Validation
 * runs before synth: the policy must fit KMS's size limit, and each account is granted once.
 */
export class KeyOwner extends Construct {
  /** The key the construct creates; undefined with `existingKeyArn`. */
  readonly key?: KmsKey;
  /** Undefined with `existingKeyArn`: an existing key keeps its own aliases. */
  readonly alias?: KmsAlias;
  private readonly knownAliasArn?: string;
  /** The policy resource of an existing key (`existingKeyArn`); a created key carries its policy itself. */
  readonly keyPolicy?: KmsKeyPolicy;
  private readonly props: KeyOwnerProps;
  private readonly partition: Partition;
  private readonly consumers: GrantedConsumer[] = [];
  private readonly leaving: string[] = [];

  constructor(scope: Construct, id: string, props: KeyOwnerProps) {
    super(scope, id);
    validateProps(this, PROPS, props);
    this.props = props;
    this.partition = props.partition ?? partitionOf(props.region);
    const policy = Lazy.stringValue({ produce: () => terraformPolicyString(this.policyDocument()) });
    if (props.existingKeyArn !== undefined) {
      const given = NEW_KEY_ONLY.filter((p) => props[p] !== undefined);
      if (given.length > 0) {
        throw new Error(
          `${this.node.path}: ${given.join(', ')} describe a key KeyOwner creates, but existingKeyArn names a key that exists. Fix: set them on that key itself, or leave existingKeyArn out to create a new key`,
        );
      }
      // Only the policy is managed: no new key, no alias (KMS API reference, PutKeyPolicy). The bare
      // key ID, which the provider stores: an ARN would show an update on every plan (keyIdOf). A
      // reference (a token) is passed as is.
      this.keyPolicy = new KmsKeyPolicy(this, 'key-policy', { keyId: keyIdOf(props.existingKeyArn) ?? props.existingKeyArn, policy });
    } else {
      this.key = new KmsKey(this, 'key', {
        description: props.description ?? defaultKeyDescription(props.alias),
        keyUsage: 'ENCRYPT_DECRYPT',
        customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        enableKeyRotation: props.enableKeyRotation ?? KEY_OWNER_DEFAULTS.enableKeyRotation,
        deletionWindowInDays: props.deletionWindowInDays ?? KEY_OWNER_DEFAULTS.deletionWindowInDays,
        // bypass_policy_lockout_safety_check is never set: KMS's own check guards against lock-out.
        policy,
      });
      this.alias = new KmsAlias(this, 'alias', { name: aliasName(props.alias), targetKeyId: this.key.keyId });
      this.knownAliasArn = aliasArn(this.partition, props.region, props.account, props.alias);
    }
    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /** Known before apply: consumers resolve the key through it. A key given by `existingKeyArn` has none keyshare made: use `keyArn`. */
  get aliasArn(): string {
    if (this.knownAliasArn === undefined) {
      throw new Error(`${this.node.path}: no alias is created for existingKeyArn ${this.props.existingKeyArn}. Fix: name the key by keyArn`);
    }
    return this.knownAliasArn;
  }

  get keyArn(): string {
    return this.key?.arn ?? (this.props.existingKeyArn as string);
  }

  /**
   * Lets `grantee`'s Auto Scaling groups launch from AMIs encrypted with this key. Another account
   * may use the key and create a grant for its own service-linked role; the owner account's own
   * role is named in the key policy, which then depends on that role existing.
   */
  grantAutoScalingLaunch(grantee: AutoScalingLaunchGrantee): void {
    validateProps(this, GRANTEE, { account: grantee.account });
    const sameAccount = grantee.account === this.props.account;
    const first = !this.consumers.some((c) => c.account === grantee.account);
    this.consumers.push({ account: grantee.account, serviceLinkedRoleSuffix: grantee.serviceLinkedRoleSuffix, sameAccount });
    // A second grant to the owner account is reported by validation, not as a construct ID clash.
    if (sameAccount && first) {
      const role = new AutoScalingServiceLinkedRole(this, 'autoscaling-role', {
        suffix: grantee.serviceLinkedRoleSuffix,
        create: grantee.createServiceLinkedRole,
      });
      // The key policy names the role, so whatever writes the policy waits for the role to exist.
      const writer = this.key ?? this.keyPolicy!;
      writer.dependsOn = [...(writer.dependsOn ?? []), dependable(role.dependable)];
    }
  }

  /**
   * Keeps a removed consumer account in the key policy only for what its tombstone stack needs to
   * refresh and destroy its grant (`consumerTeardownStatement`): no key use, no CreateGrant. Call it
   * until that stack's state is empty; then drop the call and the account leaves the policy.
   */
  allowConsumerTeardown(account: string): void {
    validateProps(this, GRANTEE, { account });
    if (!this.leaving.includes(account)) this.leaving.push(account);
  }

  /** The key policy as it stands now. */
  policyDocument(): PolicyDocument {
    const org = this.props.organization;
    return keyPolicy({
      partition: this.partition,
      owner: { account: this.props.account },
      key: { administrators: this.props.administrators ?? [] },
      consumers: [...this.consumers].sort((a, b) => (a.account < b.account ? -1 : 1)),
      organization: org && { id: org.id, ouPaths: org.ouPaths ?? [], grantee: org.grantee },
      leaving: this.leaving.map((account) => ({ account })),
    });
  }

  private validatePolicy(): string[] {
    const errors: string[] = [];
    const seen = new Set<string>();
    for (const { account } of this.consumers) {
      if (seen.has(account)) {
        errors.push(
          `grantAutoScalingLaunch: account ${account} is granted more than once. Fix: call it once per account; a key policy names each account's Auto Scaling role once, and a grant has one grantee`,
        );
      }
      seen.add(account);
    }
    for (const account of this.leaving.filter((a) => seen.has(a))) {
      errors.push(
        `allowConsumerTeardown: account ${account} is granted the launch as well. Fix: call allowConsumerTeardown only for an account that left the rollout`,
      );
    }
    const bytes = keyPolicyOverflow(this.policyDocument());
    if (bytes !== undefined) {
      errors.push(
        `the key policy is ${bytes} bytes, over the KMS limit of ${KEY_POLICY_MAX_BYTES} (${this.consumers.length} grantees). Fix: ${RULES['policy-size'].fix}`,
      );
    }
    return errors;
  }
}
