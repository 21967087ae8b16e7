import {
  keyArn as keyArnOf,
  parseAutoScalingRoleArn,
  parseKmsArn,
  parseRoleArn,
  partitionOf,
  PLACEHOLDER_KEY_ID,
  roleArn,
  type Partition,
} from '../policy/arns';
import type { PolicyDocument } from '../policy/document';
import { rootDelegation } from '../policy/reading';
import { accessDiff, consumersNamed, KeySnapshot, launchPathOn, LaunchPathOutcome, PrincipalAccess, PathState, RolePolicies } from './access';
import { attachedPolicy, heldPolicies, HeldPolicies, policyIndex, PolicyIndex } from './attachments';
import { keyDiagram } from './diagram';
import type { ChangeKind, ResourceChange } from './plan';
import { providerRegion, providerRole, StackPlan } from './plan-set';
import { diffPolicies, StatementDiff } from './policy-diff';
import {
  AttachmentSide,
  collectResources,
  emptyResources,
  GrantSide,
  IamPolicySide,
  KeyPolicySide,
  KeySide,
  PolicyState,
  StackResources,
  Tracked,
} from './resources';
import { findRisks, Finding } from './risks';
import { failsAt, FailOn } from '../policy/rules';
import { changedAttributes, AttributeChange, Side } from './values';
import type { Grant } from '../policy/kms-api';

export const COUNTED = ['create', 'update', 'delete', 'replace', 'import', 'move', 'no-op'] as const;
export type Counts = Record<(typeof COUNTED)[number], number>;

export interface StackSummary {
  readonly stack: string;
  readonly account?: string;
  readonly file: string;
  readonly formatVersion: string;
  readonly counts: Counts;
}

export interface ChangeEntry {
  readonly stack: string;
  readonly account?: string;
  readonly address: string;
  readonly previousAddress?: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly moved: boolean;
  readonly importing?: string;
  readonly actionReason?: string;
  /** Each path as Terraform would write it: `triggers_replace`, `tags["Name"]`, `rule[0]`. */
  readonly replacePaths: readonly string[];
  readonly attributes: readonly AttributeChange[];
}

export interface PolicyChange {
  readonly stack: string;
  readonly account?: string;
  readonly address: string;
  readonly subject: 'key policy' | 'IAM policy';
  readonly change: 'created' | 'deleted' | 'changed';
  /** Set when a side cannot be diffed: its value is unknown until apply, or sensitive. */
  readonly opaque?: string;
  readonly bytesBefore?: number;
  readonly bytesAfter?: number;
  readonly statements: readonly StatementDiff[];
}

export type PermissionKind = 'grant' | 'launch permission' | 'create-volume permission' | 'role policy attachment';

export interface PermissionChange {
  readonly kind: PermissionKind;
  readonly stack: string;
  readonly account?: string;
  readonly address: string;
  readonly change: 'added' | 'removed' | 'replaced' | 'changed';
  readonly before?: string;
  readonly after?: string;
}

export interface ConsumerLaunch extends LaunchPathOutcome {
  /** `broken`: it held (or is new) and now fails; `removed`: the change stops naming the consumer. */
  readonly status: 'holds' | 'broken' | 'fixed' | 'still failing' | 'removed' | 'unknown';
}

export interface KeyReview {
  readonly key: string;
  readonly stack: string;
  readonly address: string;
  readonly keyArnAssumed: boolean;
  readonly access: readonly PrincipalAccess[];
  readonly launch: readonly ConsumerLaunch[];
  readonly diagram?: string;
  readonly notes: readonly string[];
}

export interface ReviewReport {
  readonly stacks: readonly StackSummary[];
  readonly totals: Counts;
  /** Deletions and replacements, first in every rendering. */
  readonly destructive: readonly ChangeEntry[];
  readonly changes: readonly ChangeEntry[];
  readonly policies: readonly PolicyChange[];
  readonly permissions: readonly PermissionChange[];
  readonly keys: readonly KeyReview[];
  readonly findings: readonly Finding[];
  readonly assumptions: readonly string[];
}

function emptyCounts(): Counts {
  return { create: 0, update: 0, delete: 0, replace: 0, import: 0, move: 0, 'no-op': 0 };
}

function count(counts: Counts, c: ResourceChange): void {
  if (c.importing !== undefined) counts.import++;
  if (c.moved) counts.move++;
  if (c.kind === 'create' || c.kind === 'update' || c.kind === 'delete' || c.kind === 'replace') counts[c.kind]++;
  else if (c.kind === 'forget') counts.delete++;
  else if (c.kind === 'no-op' && !c.moved && c.importing === undefined) counts['no-op']++;
}

function pathText(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`))
    .join('');
}

function entry(stack: StackPlan, c: ResourceChange): ChangeEntry {
  return {
    stack: stack.stack,
    account: stack.account,
    address: c.deposed ? `${c.address} (deposed ${c.deposed})` : c.address,
    previousAddress: c.previousAddress,
    type: c.type,
    kind: c.kind,
    moved: c.moved,
    importing: c.importing,
    actionReason: c.actionReason,
    replacePaths: c.replacePaths.map(pathText),
    attributes: changedAttributes(c),
  };
}

const isChange = (c: ResourceChange) => c.kind !== 'no-op' || c.moved || c.importing !== undefined;

// ---- keys and what hangs on them -------------------------------------------------------------

interface KeyModel {
  readonly stack: string;
  readonly account?: string;
  readonly address: string;
  readonly key?: Tracked<KeySide>;
  /** Where the policy lives: the key's `policy`, or an `aws_kms_key_policy`. */
  readonly policySource: Tracked<KeySide> | Tracked<KeyPolicySide>;
  readonly grants: Tracked<GrantSide>[];
  readonly region?: string;
}

function policyOn(t: Tracked<KeySide> | Tracked<KeyPolicySide>, side: Side): PolicyState | undefined {
  return t[side]?.policy;
}

/** What names a key model: its key's ARN and ID, or the key ID an `aws_kms_key_policy` of an existing key gives. */
function keyIds(m: KeyModel): string[] {
  const t = m.key;
  const ids = t ? [t.before?.arn, t.before?.keyId, t.after?.arn, t.after?.keyId] : [m.policySource.before?.keyId, m.policySource.after?.keyId];
  return ids.filter((x): x is string => x !== undefined);
}

/** The key ARN a side names, when it is a full key ARN. */
function keyArnOn(m: KeyModel, side: Side): string | undefined {
  const named = m.key ? m.key[side]?.arn : (m.policySource as Tracked<KeyPolicySide>)[side]?.keyId;
  return named && parseKmsArn(named)?.resource.startsWith('key/') ? named : undefined;
}

function namesKey(ref: string | undefined, ids: readonly string[]): boolean {
  return ref !== undefined && ids.some((id) => id === ref || ref.endsWith(`:key/${id}`) || id.endsWith(`:key/${ref}`));
}

function buildKeys(stacks: readonly StackPlan[], r: StackResources): KeyModel[] {
  const region = new Map(stacks.map((s) => [s.stack, providerRegion(s.plan.configuration)]));
  const models: KeyModel[] = r.keys.map((k) => ({
    stack: k.stack,
    account: k.account,
    address: k.change.address,
    key: k,
    policySource: k,
    grants: [],
    region: region.get(k.stack),
  }));
  for (const p of r.keyPolicies) {
    const ref = p.after?.keyId ?? p.before?.keyId;
    const sameStack = models.filter((m) => m.stack === p.stack);
    const owner = models.find((m) => m.key && namesKey(ref, keyIds(m))) ?? (sameStack.length === 1 ? sameStack[0] : undefined);
    if (owner) Object.assign(owner, { policySource: p });
    else models.push({ stack: p.stack, account: p.account, address: p.change.address, policySource: p, grants: [], region: region.get(p.stack) });
  }
  for (const g of r.grants) {
    const ref = g.after?.keyId ?? g.before?.keyId;
    const target = models.find((m) => namesKey(ref, keyIds(m))) ?? (models.length === 1 ? models[0] : undefined);
    target?.grants.push(g);
  }
  return models;
}

function ownerOf(model: KeyModel, policies: readonly (PolicyDocument | undefined)[]): { account: string; partition: Partition } | undefined {
  for (const arn of [keyArnOn(model, 'after'), keyArnOn(model, 'before')]) {
    const parts = arn ? parseKmsArn(arn) : undefined;
    if (parts) return { account: parts.account, partition: parts.partition };
  }
  for (const p of policies) {
    const root = p && rootDelegation(p);
    if (root) return { account: root.account, partition: root.partition };
  }
  return model.account ? { account: model.account, partition: model.region ? partitionOf(model.region) : 'aws' } : undefined;
}

function snapshotOn(
  model: KeyModel,
  side: Side,
  owner: { account: string; partition: Partition } | undefined,
): { snapshot?: KeySnapshot; assumed: boolean } {
  const policy = policyOn(model.policySource, side);
  if (!policy || policy.state !== 'known' || !owner) return { assumed: false };
  // A replaced key gets a new ARN at apply; the old one stands in for it until then.
  const own = keyArnOn(model, side);
  const known = own ?? keyArnOn(model, 'after') ?? keyArnOn(model, 'before');
  const region = (known && parseKmsArn(known)?.region) ?? model.region ?? 'us-east-1';
  const keyArn = known ?? keyArnOf(owner.partition, region, owner.account, PLACEHOLDER_KEY_ID);
  const grants: Grant[] = model.grants.flatMap((g) => {
    const grant = g[side]?.grant;
    return grant ? [{ ...grant, KeyId: keyArn, GrantId: g.change.address }] : [];
  });
  return { snapshot: { keyArn, partition: owner.partition, region, owner: owner.account, policy: policy.doc, grants }, assumed: !own };
}

function launchStatus(before: PathState, after: PathState, presentAfter: boolean): ConsumerLaunch['status'] {
  if (!presentAfter) return 'removed';
  if (after === 'unknown') return 'unknown';
  if (after === 'holds') return before === 'fails' ? 'fixed' : 'holds';
  return before === 'fails' ? 'still failing' : 'broken';
}

/** Stacks, IAM policies and what the plans attach to each role, by account, so each consumer finds its own without a scan. */
interface AccountIndex {
  readonly stacks: Map<string, StackPlan[]>;
  readonly iamPolicies: Map<string, Tracked<IamPolicySide>[]>;
  readonly held: Map<string, Map<string, HeldPolicies>>;
}

/**
 * The grant creator's IAM policies on one side: those the plans attach to its role, when they
 * attach any and every one is readable; where the role is not known (no assume_role), every IAM
 * policy its account's stacks hold; otherwise undefined, and its IAM policy is taken to allow.
 */
function grantCreatorPolicies(index: AccountIndex, account: string, grantCreator: string | undefined, side: Side): PolicyDocument[] | undefined {
  const role = grantCreator ? parseRoleArn(grantCreator) : undefined;
  if (!role) {
    const docs = (index.iamPolicies.get(account) ?? []).flatMap((p) => (p[side]?.policy?.state === 'known' ? [p[side]!.policy!.doc] : []));
    return docs.length > 0 ? docs : undefined;
  }
  const held = index.held.get(account)?.get(role.name);
  return held && !held.opaque[side] && held[side].length > 0 ? held[side] : undefined;
}

/** Roles of the key's accounts that the plans attach IAM policies to, by role ARN. */
function attachedRoles(index: AccountIndex, accounts: Iterable<string>, partition: Partition): Map<string, RolePolicies> {
  const out = new Map<string, RolePolicies>();
  for (const account of accounts) {
    for (const [name, held] of index.held.get(account) ?? []) {
      out.set(roleArn(partition, account, name), { label: `role ${name} of account ${account} (its IAM policies in the plans)`, ...held });
    }
  }
  return out;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

function reviewKey(model: KeyModel, index: AccountIndex): KeyReview {
  const policies = (['before', 'after'] as const).map((s) => {
    const p = policyOn(model.policySource, s);
    return p?.state === 'known' ? p.doc : undefined;
  });
  const owner = ownerOf(model, policies);
  const before = snapshotOn(model, 'before', owner);
  const after = snapshotOn(model, 'after', owner);
  const notes: string[] = [];
  for (const side of ['before', 'after'] as const) {
    const p = policyOn(model.policySource, side);
    if (p?.state === 'unknown') notes.push(`the key policy ${side} the change is known only after apply: access ${side} it is not decided`);
    if (p?.state === 'sensitive') notes.push(`the key policy ${side} the change is sensitive: it is neither shown nor decided`);
  }
  if (!owner) notes.push('the owner account could not be read (no key ARN, no root delegation, no provider account)');
  const consumersBefore = before.snapshot ? consumersNamed([before.snapshot]) : new Map<string, string | undefined>();
  const consumersAfter = after.snapshot ? consumersNamed([after.snapshot]) : new Map<string, string | undefined>();
  const suffixes = new Map([...consumersBefore, ...consumersAfter]);
  const launch: ConsumerLaunch[] = [...suffixes.keys()].sort().map((account) => {
    // The consumer's own stack, not the owner's when the owner is a consumer too.
    const stack = index.stacks.get(account)?.find((s) => s.stack !== model.stack) ?? index.stacks.get(account)?.[0];
    const consumer = { account, serviceLinkedRoleSuffix: suffixes.get(account), grantCreator: stack && providerRole(stack.plan.configuration) };
    const identity = (side: Side) => ({ identityPolicies: grantCreatorPolicies(index, account, consumer.grantCreator, side) });
    const b = consumersBefore.has(account) ? launchPathOn(before.snapshot, consumer, identity('before')) : { state: 'absent' as const };
    const a = consumersAfter.has(account) ? launchPathOn(after.snapshot, consumer, identity('after')) : { state: 'absent' as const };
    const afterState: PathState = consumersAfter.has(account) ? a.state : after.snapshot ? 'absent' : 'unknown';
    return {
      account,
      before: b.state,
      after: afterState,
      ...(a.state === 'fails' && 'failing' in a && { failing: a.failing }),
      status: launchStatus(b.state, afterState, consumersAfter.has(account) || !after.snapshot),
    };
  });
  const keyLabel = keyArnOn(model, 'after') ?? keyArnOn(model, 'before') ?? `${model.stack}: ${model.address}`;
  if (before.assumed || after.assumed)
    notes.push(`the key ARN is not known yet; ${after.snapshot?.keyArn ?? before.snapshot?.keyArn} stands in for it`);
  const partition = owner?.partition ?? 'aws';
  const access = accessDiff(
    before.snapshot,
    after.snapshot,
    suffixes,
    attachedRoles(index, new Set([...suffixes.keys(), ...(owner ? [owner.account] : [])]), partition),
  );
  const diagram = keyDiagram(keyLabel, access);
  return {
    key: keyLabel,
    stack: model.stack,
    address: model.address,
    keyArnAssumed: before.assumed || after.assumed,
    access,
    launch,
    ...(diagram && { diagram }),
    notes,
  };
}

// ---- policy and permission diffs --------------------------------------------------------------

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

function permissionChanges<T>(
  list: readonly Tracked<T>[],
  kind: PermissionKind,
  describe: (t: T | undefined) => string | undefined,
): PermissionChange[] {
  return list.flatMap((t) => {
    const c = t.change;
    if (c.kind === 'no-op' || c.kind === 'read') return [];
    const before = describe(t.before);
    const after = describe(t.after);
    const change =
      c.kind === 'create' ? 'added' : c.kind === 'delete' || c.kind === 'forget' ? 'removed' : c.kind === 'replace' ? 'replaced' : 'changed';
    if (change === 'changed' && before === after) return [];
    return [{ kind, stack: t.stack, account: t.account, address: c.address, change, ...(before && { before }), ...(after && { after }) }];
  });
}

function attachmentChanges(r: StackResources, policies: PolicyIndex): PermissionChange[] {
  const describe = (a: Tracked<AttachmentSide>, side: Side): string | undefined => {
    const s = a[side];
    if (!s) return undefined;
    const policy = attachedPolicy(a, side, policies);
    const name = policy?.[side]?.name ?? policy?.after?.name;
    const what = s.policyArn ?? (policy ? `${policy.change.address} (ARN known after apply)` : '(known after apply)');
    return `role ${s.role ?? '(known after apply)'} ⇄ ${name && s.policyArn ? `${name} (${s.policyArn})` : what}`;
  };
  return r.attachments.flatMap((a) => {
    const c = a.change;
    if (c.kind === 'no-op' || c.kind === 'read') return [];
    const before = describe(a, 'before');
    const after = describe(a, 'after');
    const change =
      c.kind === 'create' ? 'added' : c.kind === 'delete' || c.kind === 'forget' ? 'removed' : c.kind === 'replace' ? 'replaced' : 'changed';
    if (change === 'changed' && before === after) return [];
    const kind: PermissionKind = 'role policy attachment';
    return [{ kind, stack: a.stack, account: a.account, address: c.address, change, ...(before && { before }), ...(after && { after }) }];
  });
}

// ---- the review ----------------------------------------------------------------------------------

export function reviewPlans(stacks: readonly StackPlan[]): ReviewReport {
  const summaries: StackSummary[] = [];
  const totals = emptyCounts();
  const changes: ChangeEntry[] = [];
  const resources = emptyResources();
  for (const s of stacks) {
    const counts = emptyCounts();
    for (const c of s.plan.changes) {
      if (c.mode !== 'managed') continue;
      count(counts, c);
      count(totals, c);
      if (isChange(c)) changes.push(entry(s, c));
    }
    summaries.push({ stack: s.stack, account: s.account, file: s.plan.file, formatVersion: s.plan.formatVersion, counts });
    collectResources(s, resources);
  }
  const managed = policyIndex(resources, new Map(stacks.map((s) => [s.stack, s])));
  const index: AccountIndex = {
    stacks: groupBy(stacks, (s) => s.account),
    iamPolicies: groupBy(resources.iamPolicies, (p) => p.account),
    held: heldPolicies(resources, managed),
  };
  const keys = buildKeys(stacks, resources).map((m) => reviewKey(m, index));
  const policies = [
    ...resources.keys.map((k) => policyChange(k, 'key policy')),
    ...resources.keyPolicies.map((k) => policyChange(k, 'key policy')),
    ...resources.iamPolicies.map((p) => policyChange(p, 'IAM policy')),
  ].filter((p): p is PolicyChange => p !== undefined);
  const permissions = [
    ...permissionChanges(resources.grants, 'grant', describeGrant),
    ...permissionChanges(resources.launchPermissions, 'launch permission', describeLaunch),
    ...permissionChanges(resources.createVolumePermissions, 'create-volume permission', describeVolume),
    ...attachmentChanges(resources, managed),
  ];
  const destructive = changes.filter((c) => c.kind === 'delete' || c.kind === 'replace' || c.kind === 'forget');
  return {
    stacks: summaries,
    totals,
    destructive,
    changes: [...destructive, ...changes.filter((c) => !destructive.includes(c))],
    policies,
    permissions,
    keys,
    findings: findRisks(resources, keys, managed),
    assumptions: [
      'access is what the key policy and grants allow, for a principal whose own IAM policy allows it; IAM policies, SCPs and VPC endpoint policies may narrow it further',
      'a role the plans attach IAM policies to (aws_iam_role_policy_attachment, aws_iam_role_policy) is decided with those policies alone: its other IAM policies are not in the plans',
      "a launch path's grant creator (the role its stack's provider assumes) holds the IAM policies the plans attach to that role; where they attach none, or one the plans do not show, its IAM policy is taken to allow CreateGrant on the key; where the stack names no role, it holds every IAM policy its account's stacks change",
      'where the key policy names an organization, every consumer is taken to be a member (under the first OU path it names)',
    ],
  };
}

/** The run fails when a finding is at least as severe as `--fail-on`. */
export function failing(report: ReviewReport, failOn: FailOn): boolean {
  return report.findings.some((f) => failsAt(f.severity, failOn));
}
