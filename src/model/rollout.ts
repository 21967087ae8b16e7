import type { Partition } from '../policy/arns';
import type { ConsumerIdentity, OrganizationAudience } from '../policy/key-policy';

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
  /** `keyshare generate`'s settings; the other commands ignore them. */
  readonly generate?: GenerateSettings;
  /** Deploy role ARN of a consumer account, with `{{account}}` for its ID; fills `consumers[].deployRoleArn`. */
  readonly consumerDeployRoleArn?: string;
  /**
   * Cross-account consumers the previous output had a stack for and the config no longer lists:
   * each gets a tombstone stack until `synth --forget` (src/stacks/tombstone-stack.ts). Not config:
   * synth reads them from its previous output, `review --base-config` from the base config. @default none
   */
  readonly leaving?: readonly LeavingConsumer[];
}

/** A removed consumer's stack as the previous output wrote it: its tombstone keeps the same provider and backend. */
export interface LeavingConsumer {
  readonly account: string;
  readonly region: string;
  readonly deployRoleArn?: string;
  /** @default local state */
  readonly backend?: Backend;
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

export interface Consumer extends ConsumerIdentity {
  readonly deployRoleArn?: string;
  /** Default: false: the role usually exists once an Auto Scaling group was ever created. */
  readonly createServiceLinkedRole: boolean;
  /** Role names in the consumer account that get the grant-creator IAM policy. Default: none. */
  readonly attachPolicyToRoles: readonly string[];
}

export interface Organization extends OrganizationAudience {
  readonly arn: string;
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

/** Where CI installs keyshare: a registry package (at keyshare's own version) or a git commit. */
export type KeyshareSource = { readonly package: string } | { readonly git: string; readonly commit: string };

export interface GenerateSettings {
  /** Accounts and OU IDs whose accounts are the canary wave. */
  readonly canary: { readonly accounts: readonly string[]; readonly ous: readonly string[] };
  readonly createVolumePermissions: boolean;
  readonly keyshare?: KeyshareSource;
  readonly defaultBranch: string;
}
