import { policyFromJson } from '../inputs/policy-document';
import type { PolicyKind } from '../inputs/policy-document';
import { policyBytes, type PolicyDocument } from '../policy/document';
import type { ResourceChange } from './plan';
import type { StackPlan } from './plan-set';
import { attribute, knownString, Side } from './values';
import type { Grant } from '../policy/kms-api';
import { RESOURCE_CONTROL_POLICY } from '../policy/formats';
import { type KeyOrigin, kmsKeyOrigin } from '../policy/key-spec';

/**
 * The AWS resources a key-sharing change is made of, each read on both sides of the change.
 * A side is undefined where the object does not exist (before a create, after a delete).
 * Attribute names are the AWS provider's (registry.terraform.io/providers/hashicorp/aws).
 */
export type PolicyState =
  { readonly state: 'known'; readonly doc: PolicyDocument; readonly bytes: number } | { readonly state: 'unknown' } | { readonly state: 'sensitive' };

export interface KeySide {
  readonly arn?: string;
  readonly keyId?: string;
  readonly policy?: PolicyState;
  readonly rotation?: boolean;
  readonly deletionWindowDays?: number;
  readonly enabled?: boolean;
  /** `customer_master_key_spec` (or `key_spec`) and `key_usage`, which decide the operations the key allows. */
  readonly keySpec?: string;
  readonly keyUsage?: string;
  /** Where its material comes from: EXTERNAL for an aws_kms_external_key, else from its custom key store (`kmsKeyOrigin`). */
  readonly origin: KeyOrigin;
}

/** An IAM role: review reads its permissions boundary, which limits what its IAM policies give. */
export interface RoleSide {
  readonly name?: string;
  /** `permissions_boundary`: the boundary policy's ARN; undefined when the role has none or it is unknown until apply. */
  readonly boundaryArn?: string;
  /** The boundary is set but its ARN is known only after apply. */
  readonly boundaryUnknown: boolean;
}

export interface KeyPolicySide {
  /** Undefined when unknown until apply. */
  readonly keyId?: string;
  readonly policy?: PolicyState;
}

export interface GrantSide {
  /** Undefined when unknown until apply (a key resolved in the same plan). */
  readonly keyId?: string;
  readonly grant?: Grant;
}

export interface IamPolicySide {
  readonly name?: string;
  readonly arn?: string;
  /** The role an inline policy (`aws_iam_role_policy`) is embedded in. */
  readonly role?: string;
  readonly policy?: PolicyState;
}

/** An `aws_iam_role_policy_attachment`: one role name, one managed policy ARN. */
export interface AttachmentSide {
  /** Undefined when unknown until apply. */
  readonly role?: string;
  /** Undefined when unknown until apply (a policy created in the same plan). */
  readonly policyArn?: string;
}

/**
 * An `aws_organizations_policy`: review reads the content of a resource control policy, which bounds
 * the keys of the accounts it is attached to; other types are not IAM policies KMS weighs on a key.
 */
export interface OrganizationsPolicySide {
  /** The policy ID (`p-…`); undefined when unknown until apply. */
  readonly id?: string;
  readonly arn?: string;
  readonly name?: string;
  readonly type?: string;
  /** The content, read only when the type is RESOURCE_CONTROL_POLICY. */
  readonly policy?: PolicyState;
}

/** An `aws_organizations_policy_attachment`: one policy, one root, OU or account. */
export interface OrganizationsAttachmentSide {
  /** Undefined when unknown until apply (a policy created in the same plan). */
  readonly policyId?: string;
  readonly targetId?: string;
}

/**
 * An account, OU or organization of the organization's tree (`aws_organizations_account`,
 * `aws_organizations_organizational_unit`, `aws_organizations_organization`): where an RCP's target
 * lies and which account is the management account.
 */
export interface OrganizationsNodeSide {
  /** An account ID, an OU ID, or the organization's ID. */
  readonly id?: string;
  /** The root or OU it is in. */
  readonly parentId?: string;
  /** `master_account_id` of an aws_organizations_organization. */
  readonly managementAccount?: string;
}

export interface LaunchPermissionSide {
  readonly imageId?: string;
  readonly accountId?: string;
  readonly group?: string;
  readonly organizationArn?: string;
  readonly organizationalUnitArn?: string;
}

export interface CreateVolumePermissionSide {
  readonly snapshotId?: string;
  readonly accountId?: string;
}

export interface Tracked<T> {
  readonly stack: string;
  readonly account?: string;
  readonly change: ResourceChange;
  readonly before?: T;
  readonly after?: T;
}

export interface StackResources {
  readonly keys: Tracked<KeySide>[];
  readonly keyPolicies: Tracked<KeyPolicySide>[];
  readonly grants: Tracked<GrantSide>[];
  readonly iamPolicies: Tracked<IamPolicySide>[];
  readonly attachments: Tracked<AttachmentSide>[];
  readonly roles: Tracked<RoleSide>[];
  readonly organizationsPolicies: Tracked<OrganizationsPolicySide>[];
  readonly organizationsAttachments: Tracked<OrganizationsAttachmentSide>[];
  readonly organizationsTree: Tracked<OrganizationsNodeSide>[];
  readonly launchPermissions: Tracked<LaunchPermissionSide>[];
  readonly createVolumePermissions: Tracked<CreateVolumePermissionSide>[];
}

function exists(change: ResourceChange, side: Side): boolean {
  if (side === 'before') return change.kind !== 'create' && change.before !== null;
  return change.kind !== 'delete' && change.kind !== 'forget';
}

function readPolicyAttribute(stack: StackPlan, change: ResourceChange, side: Side, name: string, kind: PolicyKind): PolicyState | undefined {
  const a = attribute(change, side, name);
  if (a.state === 'unknown' || a.state === 'sensitive') return { state: a.state };
  if (a.state === 'absent' || a.value === '') return undefined;
  const doc = policyFromJson({ flag: stack.plan.file, file: `${change.field}.change.${side}.${name}` }, kind, a.value);
  return { state: 'known', doc, bytes: policyBytes(doc) };
}

function known<T>(change: ResourceChange, side: Side, name: string, type: 'boolean' | 'number'): T | undefined {
  const a = attribute(change, side, name);
  return a.state === 'known' && typeof a.value === type ? (a.value as T) : undefined;
}

function grantOf(change: ResourceChange, side: Side): GrantSide {
  const keyId = knownString(change, side, 'key_id');
  const grantee = knownString(change, side, 'grantee_principal');
  const ops = attribute(change, side, 'operations');
  const operations = ops.state === 'known' && Array.isArray(ops.value) ? (ops.value as string[]) : [];
  const constraints = attribute(change, side, 'constraints');
  const first =
    constraints.state === 'known' && Array.isArray(constraints.value) ? (constraints.value[0] as Record<string, unknown> | undefined) : undefined;
  const subset = first?.encryption_context_subset as Record<string, string> | null | undefined;
  const equals = first?.encryption_context_equals as Record<string, string> | null | undefined;
  const grant: Grant | undefined =
    grantee === undefined
      ? undefined
      : {
          Name: knownString(change, side, 'name'),
          KeyId: keyId ?? '',
          GranteePrincipal: grantee,
          RetiringPrincipal: knownString(change, side, 'retiring_principal'),
          Operations: [...operations].sort(),
          ...((subset || equals) && {
            Constraints: { ...(subset && { EncryptionContextSubset: subset }), ...(equals && { EncryptionContextEquals: equals }) },
          }),
        };
  return { keyId, grant };
}

type Reader<T> = (stack: StackPlan, change: ResourceChange, side: Side) => T;

function treeNode(c: ResourceChange, side: Side): OrganizationsNodeSide {
  return { id: knownString(c, side, 'id'), parentId: knownString(c, side, 'parent_id') };
}

/** What both key resources hold alike, under the names each gives its key ID and its state. */
function keySide(
  stack: StackPlan,
  c: ResourceChange,
  side: Side,
  names: { readonly keyId: string; readonly enabled: string },
): Omit<KeySide, 'origin'> {
  return {
    arn: knownString(c, side, 'arn'),
    keyId: knownString(c, side, names.keyId),
    policy: readPolicyAttribute(stack, c, side, 'policy', 'key'),
    deletionWindowDays: known<number>(c, side, 'deletion_window_in_days', 'number'),
    enabled: known<boolean>(c, side, names.enabled, 'boolean'),
    keyUsage: knownString(c, side, 'key_usage'),
  };
}

/** Resource types review reads, each with how to read one side. */
const READERS: Record<string, { into: keyof StackResources; read: Reader<unknown> }> = {
  aws_kms_key: {
    into: 'keys',
    read: (stack, c, side): KeySide => ({
      ...keySide(stack, c, side, { keyId: 'key_id', enabled: 'is_enabled' }),
      rotation: known<boolean>(c, side, 'enable_key_rotation', 'boolean'),
      keySpec: knownString(c, side, 'customer_master_key_spec') ?? knownString(c, side, 'key_spec'),
      origin: kmsKeyOrigin(knownString(c, side, 'custom_key_store_id') || undefined, knownString(c, side, 'xks_key_id') || undefined),
    }),
  },
  // A key for imported material: its ID is `id`, its state `enabled`, and its origin EXTERNAL.
  aws_kms_external_key: {
    into: 'keys',
    read: (stack, c, side): KeySide => ({
      ...keySide(stack, c, side, { keyId: 'id', enabled: 'enabled' }),
      keySpec: knownString(c, side, 'key_spec'),
      origin: 'EXTERNAL',
    }),
  },
  aws_kms_key_policy: {
    into: 'keyPolicies',
    read: (stack, c, side): KeyPolicySide => ({
      keyId: knownString(c, side, 'key_id'),
      policy: readPolicyAttribute(stack, c, side, 'policy', 'key'),
    }),
  },
  aws_kms_grant: { into: 'grants', read: (_s, c, side) => grantOf(c, side) },
  aws_iam_policy: {
    into: 'iamPolicies',
    read: (stack, c, side): IamPolicySide => ({
      name: knownString(c, side, 'name'),
      arn: knownString(c, side, 'arn'),
      policy: readPolicyAttribute(stack, c, side, 'policy', 'identity'),
    }),
  },
  aws_iam_role_policy: {
    into: 'iamPolicies',
    read: (stack, c, side): IamPolicySide => ({
      name: knownString(c, side, 'name'),
      role: knownString(c, side, 'role'),
      policy: readPolicyAttribute(stack, c, side, 'policy', 'identity'),
    }),
  },
  aws_iam_role_policy_attachment: {
    into: 'attachments',
    read: (_s, c, side): AttachmentSide => ({ role: knownString(c, side, 'role'), policyArn: knownString(c, side, 'policy_arn') }),
  },
  aws_iam_role: {
    into: 'roles',
    read: (_s, c, side): RoleSide => ({
      name: knownString(c, side, 'name'),
      boundaryArn: knownString(c, side, 'permissions_boundary') || undefined,
      boundaryUnknown: attribute(c, side, 'permissions_boundary').state === 'unknown',
    }),
  },
  aws_organizations_policy: {
    into: 'organizationsPolicies',
    read: (stack, c, side): OrganizationsPolicySide => {
      const type = knownString(c, side, 'type');
      return {
        id: knownString(c, side, 'id'),
        arn: knownString(c, side, 'arn'),
        name: knownString(c, side, 'name'),
        type,
        ...(type === RESOURCE_CONTROL_POLICY && { policy: readPolicyAttribute(stack, c, side, 'content', 'rcp') }),
      };
    },
  },
  aws_organizations_policy_attachment: {
    into: 'organizationsAttachments',
    read: (_s, c, side): OrganizationsAttachmentSide => ({
      policyId: knownString(c, side, 'policy_id'),
      targetId: knownString(c, side, 'target_id'),
    }),
  },
  aws_organizations_account: { into: 'organizationsTree', read: (_s, c, side) => treeNode(c, side) },
  aws_organizations_organizational_unit: { into: 'organizationsTree', read: (_s, c, side) => treeNode(c, side) },
  aws_organizations_organization: {
    into: 'organizationsTree',
    read: (_s, c, side): OrganizationsNodeSide => ({ id: knownString(c, side, 'id'), managementAccount: knownString(c, side, 'master_account_id') }),
  },
  aws_ami_launch_permission: {
    into: 'launchPermissions',
    read: (_s, c, side): LaunchPermissionSide => ({
      imageId: knownString(c, side, 'image_id'),
      accountId: knownString(c, side, 'account_id'),
      group: knownString(c, side, 'group'),
      organizationArn: knownString(c, side, 'organization_arn'),
      organizationalUnitArn: knownString(c, side, 'organizational_unit_arn'),
    }),
  },
  aws_snapshot_create_volume_permission: {
    into: 'createVolumePermissions',
    read: (_s, c, side): CreateVolumePermissionSide => ({
      snapshotId: knownString(c, side, 'snapshot_id'),
      accountId: knownString(c, side, 'account_id'),
    }),
  },
};

export function emptyResources(): StackResources {
  return {
    keys: [],
    keyPolicies: [],
    grants: [],
    iamPolicies: [],
    attachments: [],
    roles: [],
    organizationsPolicies: [],
    organizationsAttachments: [],
    organizationsTree: [],
    launchPermissions: [],
    createVolumePermissions: [],
  };
}

/** Adds what one stack's plan holds to `into`. Data sources and other types are not read. */
export function collectResources(stack: StackPlan, into: StackResources): void {
  for (const change of stack.plan.changes) {
    if (change.mode !== 'managed') continue;
    const reader = READERS[change.type];
    if (!reader) continue;
    const list = into[reader.into] as Tracked<unknown>[];
    list.push({
      stack: stack.stack,
      account: stack.account,
      change,
      before: exists(change, 'before') ? reader.read(stack, change, 'before') : undefined,
      after: exists(change, 'after') ? reader.read(stack, change, 'after') : undefined,
    });
  }
}
