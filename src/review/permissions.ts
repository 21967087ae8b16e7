import { parseAutoScalingRoleArn } from '../policy/arns';
import { attachedPolicy, type PolicyIndex } from './attachments';
import { isChange } from './changes';
import { diffPolicies } from './policy-diff';
import type { PermissionChange, PermissionKind, PolicyChange } from './report';
import type { AttachmentSide, GrantSide, PolicyState, StackResources, Tracked } from './resources';
import type { Side } from './values';

/**
 * The policies and permissions a change writes, each diffed: key and IAM policies statement by
 * statement; grants, AMI and snapshot permissions, and role policy attachments as one line a side.
 */

function policyChange(t: Tracked<{ policy?: PolicyState }>, subject: PolicyChange['subject']): PolicyChange | undefined {
  if (!isChange(t.change) && t.change.kind === 'no-op') return undefined;
  const b = t.before?.policy;
  const a = t.after?.policy;
  if (b === undefined && a === undefined) return undefined;
  const opaque = [b, a].find((p) => p && p.state !== 'known');
  const bDoc = b?.state === 'known' ? b.doc : undefined;
  const aDoc = a?.state === 'known' ? a.doc : undefined;
  const statements = opaque ? [] : diffPolicies(bDoc, aDoc);
  if (!opaque && statements.length === 0) return undefined;
  return {
    stack: t.stack,
    account: t.account,
    address: t.change.address,
    subject,
    change: b === undefined ? 'created' : a === undefined ? 'deleted' : 'changed',
    ...(opaque && { opaque: opaque.state === 'unknown' ? 'known after apply' : 'sensitive' }),
    ...(b?.state === 'known' && { bytesBefore: b.bytes }),
    ...(a?.state === 'known' && { bytesAfter: a.bytes }),
    statements,
  };
}

/** Every key policy (on a key or in an `aws_kms_key_policy`), IAM policy and RCP the change writes, diffed. */
export function policyChanges(r: StackResources): PolicyChange[] {
  return [
    ...r.keys.map((k) => policyChange(k, 'key policy')),
    ...r.keyPolicies.map((k) => policyChange(k, 'key policy')),
    ...r.iamPolicies.map((p) => policyChange(p, 'IAM policy')),
    ...r.organizationsPolicies.map((p) => policyChange(p, 'resource control policy')),
  ].filter((p): p is PolicyChange => p !== undefined);
}

function describeGrant(g: GrantSide | undefined): string | undefined {
  if (!g?.grant) return undefined;
  const role = parseAutoScalingRoleArn(g.grant.GranteePrincipal);
  const who = role ? `Auto Scaling role of ${role.account}${role.suffix ? ` (_${role.suffix})` : ''}` : g.grant.GranteePrincipal;
  return `${who}: ${g.grant.Operations.join(', ')}${g.keyId ? ` on ${g.keyId}` : ' on the key (known after apply)'}`;
}

function describeLaunch(
  p: { imageId?: string; accountId?: string; group?: string; organizationArn?: string; organizationalUnitArn?: string } | undefined,
): string | undefined {
  if (!p) return undefined;
  const to = p.group ? `group ${p.group}` : (p.accountId ?? p.organizationArn ?? p.organizationalUnitArn ?? '(known after apply)');
  return `${p.imageId ?? '(known after apply)'} → ${to}`;
}

function describeVolume(p: { snapshotId?: string; accountId?: string } | undefined): string | undefined {
  return p && `${p.snapshotId ?? '(known after apply)'} → ${p.accountId ?? '(known after apply)'}`;
}

/** An attachment reads `role NAME ⇄ POLICY (ARN)`: the policy is found by ARN, or through the plan's references. */
function describeAttachment(policies: PolicyIndex) {
  return (a: Tracked<AttachmentSide>, side: Side): string | undefined => {
    const s = a[side];
    if (!s) return undefined;
    const policy = attachedPolicy(a, side, policies);
    const name = policy?.[side]?.name ?? policy?.after?.name;
    const what = s.policyArn ?? (policy ? `${policy.change.address} (ARN known after apply)` : '(known after apply)');
    return `role ${s.role ?? '(known after apply)'} ⇄ ${name && s.policyArn ? `${name} (${s.policyArn})` : what}`;
  };
}

/** A side's description of each changed resource, as `describe` reads it; a change that describes alike on both sides is left out. */
function permissionChangesOf<T>(
  list: readonly Tracked<T>[],
  kind: PermissionKind,
  describe: (t: Tracked<T>, side: Side) => string | undefined,
): PermissionChange[] {
  return list.flatMap((t) => {
    const c = t.change;
    if (c.kind === 'no-op' || c.kind === 'read') return [];
    const before = describe(t, 'before');
    const after = describe(t, 'after');
    const change =
      c.kind === 'create' ? 'added' : c.kind === 'delete' || c.kind === 'forget' ? 'removed' : c.kind === 'replace' ? 'replaced' : 'changed';
    if (change === 'changed' && before === after) return [];
    return [{ kind, stack: t.stack, account: t.account, address: c.address, change, ...(before && { before }), ...(after && { after }) }];
  });
}

/** Grants, launch permissions, create-volume permissions and role policy attachments the change adds, removes or changes. */
export function permissionChanges(r: StackResources, policies: PolicyIndex): PermissionChange[] {
  return [
    ...permissionChangesOf(r.grants, 'grant', (t, side) => describeGrant(t[side])),
    ...permissionChangesOf(r.launchPermissions, 'launch permission', (t, side) => describeLaunch(t[side])),
    ...permissionChangesOf(r.createVolumePermissions, 'create-volume permission', (t, side) => describeVolume(t[side])),
    ...permissionChangesOf(r.attachments, 'role policy attachment', describeAttachment(policies)),
  ];
}
