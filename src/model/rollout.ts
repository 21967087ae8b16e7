import type { Partition } from '../policy/arns';

/**
 * The validated, normalized rollout every layer reads: defaults applied, lists sorted,
 * the same-account consumer marked. Plain data; nothing here talks to cdktf or the filesystem.
 */
export interface Rollout {
  readonly partition: Partition;
  readonly owner: Owner;
  readonly key: KeySettings;
  readonly amis: readonly Ami[];
  /** Sorted by account ID so that output order never depends on config order. */
  readonly consumers: readonly Consumer[];
  readonly organization?: Organization;
  readonly backend?: Backend;
  /** Deploy role ARN of a consumer account, with `{{account}}` for its ID; fills `consumers[].deployRoleArn`. */
  readonly consumerDeployRoleArn?: string;
}

export interface Owner {
  readonly account: string;
  readonly region: string;
  readonly deployRoleArn?: string;
}

export interface KeySettings {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  /** Unset: the KeyOwner construct's default, as are `rotation` and `deletionWindowDays`. */
  readonly description?: string;
  /** IAM principals in the owner account that administer the key. Default: none beyond root delegation. */
  readonly administrators: readonly string[];
  readonly rotation?: boolean;
  readonly deletionWindowDays?: number;
  /** The key's ARN when it already exists; consumers then use it instead of resolving the alias. */
  readonly arn?: string;
}

export interface Ami {
  readonly id: string;
  readonly snapshotIds: readonly string[];
}

export interface Consumer {
  readonly account: string;
  readonly deployRoleArn?: string;
  readonly serviceLinkedRoleSuffix?: string;
  /** Default: false: the role usually exists once an Auto Scaling group was ever created. */
  readonly createServiceLinkedRole: boolean;
  /** Role names in the consumer account that get the grant-creator IAM policy. Default: none. */
  readonly attachPolicyToRoles: readonly string[];
  /** True when this consumer is the owner account: no grant, key policy names its role directly. */
  readonly sameAccount: boolean;
}

export interface Organization {
  readonly id: string;
  readonly arn: string;
  /** `aws:PrincipalOrgPaths` values, each ending in `/`. Empty: the whole organization. */
  readonly ouPaths: readonly string[];
  /** How the CreateGrant statement names the grantee (src/policy/key-policy.ts, OrganizationGrantee). Default: own-account. */
  readonly grantee?: 'own-account' | 'any-account';
}

export interface Backend {
  readonly s3: {
    readonly bucket: string;
    readonly region: string;
    /** Without a trailing `/`. Default: `keyshare`. */
    readonly keyPrefix: string;
    readonly roleArn?: string;
  };
}

/** What a consumer contributes to the key policy. */
export type ConsumerIdentity = Pick<Consumer, 'account' | 'serviceLinkedRoleSuffix' | 'sameAccount'>;

export function crossAccountConsumers<C extends ConsumerIdentity>(r: { readonly consumers: readonly C[] }): C[] {
  return r.consumers.filter((c) => !c.sameAccount);
}

export function sameAccountConsumer<C extends ConsumerIdentity>(r: { readonly consumers: readonly C[] }): C | undefined {
  return r.consumers.find((c) => c.sameAccount);
}
