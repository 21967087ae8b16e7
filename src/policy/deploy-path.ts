/**
 * The deploy path: the AWS calls Terraform's AWS provider (hashicorp/aws 5.100.0) makes to create,
 * refresh, change and destroy each resource and data source keyshare emits, and from which account.
 * `check` proves the KMS calls on the shared key for every account's deploy role (beside the launch
 * path), the README's deploy-role permissions are this model's (a test holds them equal), `review`
 * flags a change that breaks it, and the end-to-end suite records the real provider's calls and holds
 * them equal to it.
 *
 * Each entry cites the provider source file that makes the calls
 * (https://github.com/hashicorp/terraform-provider-aws/tree/v5.100.0/internal/service/…) and each
 * call the API reference's "Required permissions" and "Cross-account use".
 */

/** Terraform's phases, as the provider's RPCs make them: a data source or a refresh reads. */
export const DEPLOY_PHASES = ['configure', 'read', 'plan', 'create', 'update', 'delete'] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

export type AwsService = 'kms' | 'iam' | 'ec2' | 'sts';

export interface DeployCall {
  readonly service: AwsService;
  /** The API operation, e.g. `ListGrants`. */
  readonly action: string;
  /**
   * Whose resource the call acts on: the stack's own account, or the owner's shared key from a
   * consumer stack (a cross-account call, which the key policy and the caller's IAM policy must
   * both allow: KMS developer guide, "Allowing users in other accounts to use a KMS key").
   */
  readonly on: 'own' | 'shared-key';
}

/** The IAM action a call needs: the API operation under its service prefix (Service Authorization Reference). */
export function permissionOf(call: DeployCall): string {
  return `${call.service}:${call.action}`;
}

export interface DeployPathEntry {
  /** Resource type, `data.<type>` for a data source, or `provider` for the provider's own configuration. */
  readonly type: string;
  /** The provider source that makes the calls, under internal/service/ of terraform-provider-aws v5.100.0. */
  readonly source: string;
  readonly phases: Partial<Readonly<Record<DeployPhase, readonly DeployCall[]>>>;
}

const own = (service: AwsService, ...actions: string[]): DeployCall[] => actions.map((action) => ({ service, action, on: 'own' }));
const sharedKey = (...actions: string[]): DeployCall[] => actions.map((action) => ({ service: 'kms', action, on: 'shared-key' }));

/**
 * findKeyInfo (kms/key.go), which aws_kms_key and aws_kms_key_policy read with: DescribeKey,
 * GetKeyPolicy, GetKeyRotationStatus (a key of origin AWS_KMS), ListResourceTags.
 */
const READ_KEY = own('kms', 'DescribeKey', 'GetKeyPolicy', 'GetKeyRotationStatus', 'ListResourceTags');

/**
 * The provider's own configuration (provider/provider.go, conns/config.go): with `assume_role` it
 * calls sts:AssumeRole from the credentials it was given (the trust policy of the deploy role
 * decides), then sts:GetCallerIdentity as the deploy role, for `allowed_account_ids` and the
 * partition. GetCallerIdentity needs no permission ("No permissions are required to perform this
 * operation", STS API reference, GetCallerIdentity).
 */
export const PROVIDER_DEPLOY_PATH: DeployPathEntry = {
  type: 'provider',
  source: 'provider/provider.go, conns/config.go',
  phases: { configure: own('sts', 'AssumeRole', 'GetCallerIdentity') },
};

/** Calls that need no IAM permission of the deploy role. */
export const NO_PERMISSION_NEEDED: ReadonlySet<string> = new Set(['sts:GetCallerIdentity', 'sts:AssumeRole']);

/** Every resource and data source type keyshare emits, owner stack and consumer stacks alike. */
export const DEPLOY_PATH: readonly DeployPathEntry[] = [
  {
    // CreateKey with the tags; rotation is enabled in a second call; every wait and the read are findKeyInfo's.
    // Delete schedules the deletion and waits with DescribeKey (waitKeyDeleted).
    type: 'aws_kms_key',
    source: 'kms/key.go',
    phases: {
      read: READ_KEY,
      create: [...own('kms', 'CreateKey', 'EnableKeyRotation'), ...READ_KEY],
      update: [
        ...own('kms', 'PutKeyPolicy', 'EnableKeyRotation', 'DisableKeyRotation', 'UpdateKeyDescription', 'TagResource', 'UntagResource'),
        ...READ_KEY,
      ],
      delete: own('kms', 'ScheduleKeyDeletion', 'DescribeKey'),
    },
  },
  {
    // findAliasByName pages through ListAliases; a new target is UpdateAlias.
    type: 'aws_kms_alias',
    source: 'kms/alias.go',
    phases: {
      read: own('kms', 'ListAliases'),
      create: own('kms', 'CreateAlias', 'ListAliases'),
      update: own('kms', 'UpdateAlias', 'ListAliases'),
      delete: own('kms', 'DeleteAlias'),
    },
  },
  {
    // An existing key's policy: PutKeyPolicy, waitKeyPolicyPropagated (GetKeyPolicy), then findKeyInfo.
    // Delete puts back the default key policy (DefaultKMSKeyPolicy), which names only the owner account.
    type: 'aws_kms_key_policy',
    source: 'kms/key_policy.go',
    phases: {
      read: READ_KEY,
      create: [...own('kms', 'PutKeyPolicy', 'GetKeyPolicy'), ...READ_KEY],
      update: [...own('kms', 'PutKeyPolicy', 'GetKeyPolicy'), ...READ_KEY],
      delete: own('kms', 'PutKeyPolicy', 'GetKeyPolicy'),
    },
  },
  {
    // Create ends in resourceGrantRead, which finds the grant with ListGrants on the key
    // (findGrantByTwoPartKeyWithRetry); every refresh does the same; delete retires it
    // (retire_on_delete) and calls ListGrants until the grant is gone. KMS API reference:
    // CreateGrant, ListGrants, RetireGrant: "Cross-account use: Yes"; ListGrants and CreateGrant
    // need the key policy, RetireGrant is decided by the grant ("not effective in a key policy").
    type: 'aws_kms_grant',
    source: 'kms/grant.go',
    phases: { read: sharedKey('ListGrants'), create: sharedKey('CreateGrant', 'ListGrants'), delete: sharedKey('RetireGrant', 'ListGrants') },
  },
  {
    // A consumer stack resolves the owner's key through its alias ARN: DescribeKey, "Cross-account use: Yes".
    type: 'data.aws_kms_key',
    source: 'kms/key_data_source.go',
    phases: { read: sharedKey('DescribeKey') },
  },
  {
    // The same-account or consumer Auto Scaling role, looked up by name (findRoleByName).
    type: 'data.aws_iam_role',
    source: 'iam/role_data_source.go',
    phases: { read: own('iam', 'GetRole') },
  },
  {
    // CreateServiceLinkedRole takes no tags: the default tags are added after it with TagRole. Read is
    // findRoleByName (GetRole, which returns the tags); a new description is UpdateRole; delete waits on
    // GetServiceLinkedRoleDeletionStatus. IAM User Guide, "Permissions for tagging IAM entities".
    type: 'aws_iam_service_linked_role',
    source: 'iam/service_linked_role.go',
    phases: {
      read: own('iam', 'GetRole'),
      create: own('iam', 'CreateServiceLinkedRole', 'TagRole', 'GetRole'),
      update: own('iam', 'UpdateRole', 'TagRole', 'UntagRole', 'GetRole'),
      delete: own('iam', 'DeleteServiceLinkedRole', 'GetServiceLinkedRoleDeletionStatus'),
    },
  },
  {
    // CreatePolicy carries the tags (tag-on-create), which IAM authorizes as iam:TagPolicy as well
    // (IAM User Guide, "Tagging IAM resources"); read is GetPolicy (with the tags) and GetPolicyVersion.
    // A new document is a new version (CreatePolicyVersion, then SetDefaultPolicyVersion); past
    // IAM's five, the oldest is deleted first (policyPruneVersions: ListPolicyVersions,
    // DeletePolicyVersion); delete removes the non-default versions first.
    type: 'aws_iam_policy',
    source: 'iam/policy.go',
    phases: {
      read: own('iam', 'GetPolicy', 'GetPolicyVersion'),
      create: own('iam', 'CreatePolicy', 'TagPolicy', 'GetPolicy', 'GetPolicyVersion'),
      update: own(
        'iam',
        'ListPolicyVersions',
        'DeletePolicyVersion',
        'CreatePolicyVersion',
        'SetDefaultPolicyVersion',
        'TagPolicy',
        'UntagPolicy',
        'GetPolicy',
        'GetPolicyVersion',
      ),
      delete: own('iam', 'ListPolicyVersions', 'DeletePolicyVersion', 'DeletePolicy'),
    },
  },
  {
    // findAttachedRolePolicyByTwoPartKey lists the role's attached policies.
    type: 'aws_iam_role_policy_attachment',
    source: 'iam/role_policy_attachment.go',
    phases: {
      read: own('iam', 'ListAttachedRolePolicies'),
      create: own('iam', 'AttachRolePolicy', 'ListAttachedRolePolicies'),
      delete: own('iam', 'DetachRolePolicy'),
    },
  },
  {
    type: 'aws_ami_launch_permission',
    source: 'ec2/ec2_ami_launch_permission.go',
    phases: {
      read: own('ec2', 'DescribeImageAttribute'),
      create: own('ec2', 'ModifyImageAttribute', 'DescribeImageAttribute'),
      delete: own('ec2', 'ModifyImageAttribute'),
    },
  },
  {
    // CustomizeDiff reads the snapshot's owner at plan time (DescribeSnapshots): a snapshot cannot be
    // shared with the account that owns it. Create and delete wait on DescribeSnapshotAttribute.
    type: 'aws_snapshot_create_volume_permission',
    source: 'ec2/ebs_snapshot_create_volume_permission.go',
    phases: {
      plan: own('ec2', 'DescribeSnapshots'),
      read: own('ec2', 'DescribeSnapshotAttribute'),
      create: own('ec2', 'ModifySnapshotAttribute', 'DescribeSnapshotAttribute'),
      delete: own('ec2', 'ModifySnapshotAttribute', 'DescribeSnapshotAttribute'),
    },
  },
];

/** The types whose calls reach the owner's key from a consumer stack: what a consumer's deploy role needs the key policy for. */
export const SHARED_KEY_TYPES: readonly string[] = DEPLOY_PATH.filter((e) =>
  Object.values(e.phases).some((calls) => calls.some((c) => c.on === 'shared-key')),
).map((e) => e.type);

export function deployPathOf(type: string): DeployPathEntry | undefined {
  return type === PROVIDER_DEPLOY_PATH.type ? PROVIDER_DEPLOY_PATH : DEPLOY_PATH.find((e) => e.type === type);
}

/** Every call of the given types, in the given phases (default: all), once each, in model order. */
export function deployCalls(types: readonly string[], phases: readonly DeployPhase[] = DEPLOY_PHASES): DeployCall[] {
  const seen = new Map<string, DeployCall>();
  for (const type of types) {
    const entry = deployPathOf(type);
    if (!entry) throw new Error(`no deploy path for ${type}: add it to src/policy/deploy-path.ts, from the provider's source`);
    for (const phase of phases) for (const call of entry.phases[phase] ?? []) seen.set(`${permissionOf(call)} ${call.on}`, call);
  }
  return [...seen.values()];
}

/**
 * A tombstone stack (a consumer the config no longer lists, src/stacks/tombstone-stack.ts) keeps its
 * provider and backend and declares nothing: its plan refreshes what the state holds (read) and its
 * apply destroys it (delete). A data source it no longer declares is dropped from the state without
 * a read (Terraform's orphaned data resources), so only managed types make calls.
 */
export const TEARDOWN_PHASES: readonly DeployPhase[] = ['read', 'delete'];

/** The managed types of a stack's types: what a tombstone of that stack refreshes and destroys. */
export function teardownTypes(types: readonly string[]): string[] {
  return types.filter((t) => !t.startsWith('data.'));
}

/**
 * What a removed consumer's account keeps in the key policy while its tombstone destroys its stack:
 * the shared-key calls of the tombstone's deploy path (ListGrants, to refresh the grant and to wait
 * for it to go) that a key policy decides. RetireGrant is decided by the grant itself (KMS API
 * reference, RetireGrant: "kms:RetireGrant permission is not effective in a key policy",
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_RetireGrant.html), so it is not listed:
 * never key use, never CreateGrant.
 */
export function teardownKeyPolicyActions(types: readonly string[]): string[] {
  const calls = deployCalls(teardownTypes(types), TEARDOWN_PHASES).filter((c) => c.on === 'shared-key' && !GRANT_DECIDED.has(c.action));
  return [...new Set(calls.map(permissionOf))].sort();
}

/** Shared-key calls the grant decides, never the key policy (above). */
const GRANT_DECIDED: ReadonlySet<string> = new Set(['RetireGrant']);

/**
 * The IAM actions a deploy role needs for the given types, sorted: the README's lists and the
 * deploy-role policy `check` proves with.
 */
export function deployPermissions(types: readonly string[], on?: DeployCall['on'], service?: AwsService): string[] {
  const actions = deployCalls(types)
    .filter((c) => (on === undefined || c.on === on) && (service === undefined || c.service === service))
    .map(permissionOf)
    .filter((p) => !NO_PERMISSION_NEEDED.has(p));
  return [...new Set(actions)].sort();
}

/** What decides which types a stack emits; a Rollout is one. */
export interface DeployShape {
  readonly key: { readonly arn?: string };
  readonly amis: readonly { readonly snapshotIds: readonly string[] }[];
  readonly consumers: readonly {
    readonly sameAccount: boolean;
    readonly createServiceLinkedRole?: boolean;
    readonly attachPolicyToRoles?: readonly string[];
  }[];
}

const autoScalingRoleType = (create?: boolean) => (create ? 'aws_iam_service_linked_role' : 'data.aws_iam_role');

/** The types the owner stack emits (src/stacks/owner-stack.ts); a test holds them equal to synth's. */
export function ownerStackTypes(r: DeployShape): string[] {
  const self = r.consumers.find((c) => c.sameAccount);
  const cross = r.consumers.some((c) => !c.sameAccount);
  return [
    ...(r.key.arn ? ['aws_kms_key_policy'] : ['aws_kms_key', 'aws_kms_alias']),
    ...(self ? [autoScalingRoleType(self.createServiceLinkedRole)] : []),
    'aws_ami_launch_permission',
    ...(cross && r.amis.some((a) => a.snapshotIds.length > 0) ? ['aws_snapshot_create_volume_permission'] : []),
  ];
}

/** The types a cross-account consumer's stack emits (src/stacks/consumer-stack.ts). */
export function consumerStackTypes(r: DeployShape, consumer: DeployShape['consumers'][number]): string[] {
  return [
    ...(r.key.arn ? [] : ['data.aws_kms_key']),
    autoScalingRoleType(consumer.createServiceLinkedRole),
    'aws_iam_policy',
    ...((consumer.attachPolicyToRoles ?? []).length > 0 ? ['aws_iam_role_policy_attachment'] : []),
    'aws_kms_grant',
  ];
}

const EVERY_SHAPE_AMIS = [{ snapshotIds: ['snap'] }];

/**
 * Every type an owner stack may emit, whatever the config (a new key or an existing one, the owner
 * as a consumer with its Auto Scaling role looked up or created): the README's owner deploy role.
 */
export const ANY_OWNER_STACK_TYPES: readonly string[] = [
  ...new Set(
    [{}, { arn: 'existing' }].flatMap((key) =>
      [false, true].flatMap((create) =>
        ownerStackTypes({ key, amis: EVERY_SHAPE_AMIS, consumers: [{ sameAccount: false }, { sameAccount: true, createServiceLinkedRole: create }] }),
      ),
    ),
  ),
];

/** Every type a consumer stack may emit, whatever the config: the README's consumer deploy role. */
export const ANY_CONSUMER_STACK_TYPES: readonly string[] = [
  ...new Set(
    [{}, { arn: 'existing' }].flatMap((key) =>
      [false, true].flatMap((create) =>
        consumerStackTypes(
          { key, amis: EVERY_SHAPE_AMIS, consumers: [] },
          { sameAccount: false, createServiceLinkedRole: create, attachPolicyToRoles: ['role'] },
        ),
      ),
    ),
  ),
];
