import type { KeyAccessInputs } from '../evaluator';
import { keyArnNamed, parseKmsArn, partitionOf, placeholderKeyArn, type Partition } from '../policy/arns';
import { PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS } from '../policy/conditions';
import type { PolicyDocument } from '../policy/document';
import { grantsNaming } from '../policy/grant';
import type { ContextValue, Grant } from '../policy/kms-api';
import { organizationsOf, rootDelegation } from '../policy/reading';
import { type KeyOrigin, keyTypeOf, type KeyType } from '../policy/key-spec';
import type { StackPlan } from './plan-set';
import { providerRegion } from './plan-set';
import type { GrantSide, KeyPolicySide, KeySide, PolicyState, StackResources, Tracked } from './resources';
import type { Side } from './values';

/**
 * The keys a change touches, each with where its policy lives and the grants on it, and what KMS
 * weighs for a key on each side of the change (its snapshot).
 */
export interface KeyModel {
  readonly stack: string;
  readonly account?: string;
  readonly address: string;
  readonly key?: Tracked<KeySide>;
  /** Where the policy lives: the key's `policy`, or an `aws_kms_key_policy`. */
  readonly policySource: Tracked<KeySide> | Tracked<KeyPolicySide>;
  readonly grants: Tracked<GrantSide>[];
  readonly region?: string;
}

/** What KMS weighs for one key on one side of the change, when the key policy is known. */
export interface KeySnapshot {
  readonly keyArn: string;
  readonly partition: Partition;
  readonly region: string;
  readonly owner: string;
  readonly policy: PolicyDocument;
  readonly grants: readonly Grant[];
  /** The key's type, when the plan creates or holds the key: it decides which operations the key allows. */
  readonly keyType?: KeyType;
  /** The key's origin, when the plan creates or holds the key (an aws_kms_key): it decides whether it takes imported material. */
  readonly keyOrigin?: KeyOrigin;
  /** The RCPs the plans attach where they bound the key's account (`review/rcps.ts`). */
  readonly rcps?: readonly PolicyDocument[];
  /** The key's account is the organization's management account, whose resources RCPs do not affect. */
  readonly keyInManagementAccount?: boolean;
}

export interface KeyOwner {
  readonly account: string;
  readonly partition: Partition;
}

export function policyOn(t: Tracked<KeySide> | Tracked<KeyPolicySide>, side: Side): PolicyState | undefined {
  return t[side]?.policy;
}

/** What names a key model: its key's ARN and ID, or the key ID an `aws_kms_key_policy` of an existing key gives. */
function keyIds(m: KeyModel): string[] {
  const t = m.key;
  const ids = t ? [t.before?.arn, t.before?.keyId, t.after?.arn, t.after?.keyId] : [m.policySource.before?.keyId, m.policySource.after?.keyId];
  return ids.filter((x): x is string => x !== undefined);
}

/** The key ARN a side names, when it is a full key ARN. */
export function keyArnOn(m: KeyModel, side: Side): string | undefined {
  const named = m.key ? m.key[side]?.arn : (m.policySource as Tracked<KeyPolicySide>)[side]?.keyId;
  // aws_kms_key_policy stores the bare key ID: its key is in the stack's account and region.
  return named === undefined ? undefined : keyArnNamed(named, m.region, m.account);
}

function namesKey(ref: string | undefined, ids: readonly string[]): boolean {
  return ref !== undefined && ids.some((id) => id === ref || ref.endsWith(`:key/${id}`) || id.endsWith(`:key/${ref}`));
}

export function buildKeys(stacks: readonly StackPlan[], r: StackResources): KeyModel[] {
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

/**
 * The key's owner account: the account of the first key ARN given, else of the first policy's root
 * delegation, else the stack's account (in the partition of its region, when known).
 */
export function ownerOf(
  keyArns: readonly (string | undefined)[],
  policies: readonly (PolicyDocument | undefined)[],
  stack: { readonly account?: string; readonly region?: string },
): KeyOwner | undefined {
  for (const arn of keyArns) {
    const parts = arn ? parseKmsArn(arn) : undefined;
    if (parts) return { account: parts.account, partition: parts.partition };
  }
  for (const p of policies) {
    const root = p && rootDelegation(p);
    if (root) return { account: root.account, partition: root.partition };
  }
  return stack.account ? { account: stack.account, partition: stack.region ? partitionOf(stack.region) : 'aws' } : undefined;
}

/** The key policy on each side, where it is known. */
export function knownPolicies(model: KeyModel): (PolicyDocument | undefined)[] {
  return (['before', 'after'] as const).map((s) => {
    const p = policyOn(model.policySource, s);
    return p?.state === 'known' ? p.doc : undefined;
  });
}

export function snapshotOn(model: KeyModel, side: Side, owner: KeyOwner | undefined): { snapshot?: KeySnapshot; assumed: boolean } {
  const policy = policyOn(model.policySource, side);
  if (!policy || policy.state !== 'known' || !owner) return { assumed: false };
  // A replaced key gets a new ARN at apply; the old one stands in for it until then.
  const own = keyArnOn(model, side);
  const known = own ?? keyArnOn(model, 'after') ?? keyArnOn(model, 'before');
  const region = (known && parseKmsArn(known)?.region) ?? model.region ?? 'us-east-1';
  const keyArn = known ?? placeholderKeyArn(owner.partition, region, owner.account);
  const grants: Grant[] = model.grants.flatMap((g) => {
    const grant = g[side]?.grant;
    return grant ? [{ ...grant, KeyId: keyArn, GrantId: g.change.address }] : [];
  });
  const key = model.key?.[side] ?? model.key?.after ?? model.key?.before;
  const keyType = key && keyTypeOf(key.keySpec, key.keyUsage);
  const keyOrigin = key?.origin;
  return {
    snapshot: {
      keyArn,
      partition: owner.partition,
      region,
      owner: owner.account,
      policy: policy.doc,
      grants,
      ...(keyType && { keyType }),
      ...(keyOrigin && { keyOrigin }),
    },
    assumed: !own,
  };
}

/** The grants on the key that can decide a request from `account` (`grantsNaming`). */
export function grantsOf(snapshot: KeySnapshot, account: string): readonly Grant[] {
  return grantsNaming(snapshot.grants, account).map((g) => g.grant);
}

/** What bounds every request on the key besides its policy and grants: the RCPs of its account. */
export function keyBounds(snapshot: KeySnapshot): Pick<KeyAccessInputs, 'rcps' | 'keyInManagementAccount'> {
  return { rcps: snapshot.rcps ?? [], keyInManagementAccount: snapshot.keyInManagementAccount ?? false };
}

/**
 * Named accounts are taken to be members of the organization the key policy names, or else an RCP
 * bounding the key names, as launch paths take consumers to be.
 */
export function membership(snapshot: KeySnapshot): Record<string, ContextValue> {
  const org = [snapshot.policy, ...(snapshot.rcps ?? [])].flatMap((p) => organizationsOf(p))[0];
  return org ? { [PRINCIPAL_ORG_ID]: org.id, ...(org.paths.length > 0 && { [PRINCIPAL_ORG_PATHS]: [org.paths[0]] }) } : {};
}
