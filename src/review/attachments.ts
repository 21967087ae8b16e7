import { parseIamPolicyArn } from '../policy/arns';
import type { PolicyDocument } from '../policy/document';
import { referencedResources, StackPlan } from './plan-set';
import type { AttachmentSide, IamPolicySide, StackResources, Tracked } from './resources';
import type { Side } from './values';

/**
 * Which IAM policies each role holds on each side of the change, as far as the plans show:
 * managed policies through `aws_iam_role_policy_attachment`, inline ones through
 * `aws_iam_role_policy`. A role's policies that no plan touches are not known here.
 */
export interface HeldPolicies {
  readonly before: PolicyDocument[];
  readonly after: PolicyDocument[];
  /** A side holds a policy whose document the plans do not give (not in them, unknown or sensitive). */
  readonly opaque: { before: boolean; after: boolean };
  /** The role's permissions boundary on each side (`aws_iam_role.permissions_boundary`), when the plans give its document. */
  readonly boundary: { before?: PolicyDocument; after?: PolicyDocument };
}

export const withoutInstanceKeys = (address: string) => address.replace(/\[[^\]]*\]/g, '');

/** The managed policies of the plans, indexed the ways an attachment names one. */
export interface PolicyIndex {
  readonly byArn: Map<string, Tracked<IamPolicySide>>;
  /** `account|name`, or `stack|name` where the stack's account is not pinned. */
  readonly byName: Map<string, Tracked<IamPolicySide>[]>;
  /** `stack|address` without instance keys. */
  readonly byAddress: Map<string, Tracked<IamPolicySide>>;
  readonly plans: ReadonlyMap<string, StackPlan>;
}

export function policyIndex(r: StackResources, plans: ReadonlyMap<string, StackPlan>): PolicyIndex {
  const index: PolicyIndex = { byArn: new Map(), byName: new Map(), byAddress: new Map(), plans };
  for (const p of r.iamPolicies) {
    if (p.change.type !== 'aws_iam_policy') continue;
    index.byAddress.set(`${p.stack}|${withoutInstanceKeys(p.change.address)}`, p);
    for (const side of [p.before, p.after]) {
      if (side?.arn !== undefined) index.byArn.set(side.arn, p);
      if (side?.name === undefined) continue;
      const key = `${p.account ?? p.stack}|${side.name}`;
      const list = index.byName.get(key) ?? [];
      if (!list.includes(p)) index.byName.set(key, [...list, p]);
    }
  }
  return index;
}

/**
 * The managed policy an attachment names on one side: by its ARN when known (the policy's own ARN,
 * or its account and name), else, for a policy created in the same plan, by the reference the
 * plan's configuration records for `policy_arn`.
 */
export function attachedPolicy(a: Tracked<AttachmentSide>, side: Side, index: PolicyIndex): Tracked<IamPolicySide> | undefined {
  return namedPolicy(a, a[side]?.policyArn, side, index, 'policy_arn');
}

/** The managed policy `arn` names, or, unknown until apply, the one the plan's configuration references in `attribute`. */
function namedPolicy(
  a: Tracked<unknown>,
  arn: string | undefined,
  side: Side,
  index: PolicyIndex,
  attribute: string,
): Tracked<IamPolicySide> | undefined {
  if (arn !== undefined) {
    const byArn = index.byArn.get(arn);
    if (byArn) return byArn;
    const parsed = parseIamPolicyArn(arn);
    const named = parsed && (index.byName.get(`${parsed.account}|${parsed.name}`) ?? index.byName.get(`${a.stack}|${parsed.name}`));
    return named?.find((p) => p[side]?.name === parsed!.name);
  }
  if (side === 'before') return undefined;
  const configuration = index.plans.get(a.stack)?.plan.configuration;
  for (const ref of referencedResources(configuration, a.change.address, attribute)) {
    const p = index.byAddress.get(`${a.stack}|${ref}`);
    if (p) return p;
  }
  return undefined;
}

function holder(out: Map<string, Map<string, HeldPolicies>>, account: string, role: string): HeldPolicies {
  let roles = out.get(account);
  if (!roles) out.set(account, (roles = new Map()));
  let held = roles.get(role);
  if (!held) roles.set(role, (held = { before: [], after: [], opaque: { before: false, after: false }, boundary: {} }));
  return held;
}

/** Per account, per role name: what the plans attach to it. Stacks whose account is not pinned are left out. */
export function heldPolicies(r: StackResources, index: PolicyIndex): Map<string, Map<string, HeldPolicies>> {
  const out = new Map<string, Map<string, HeldPolicies>>();
  const hold = (account: string | undefined, role: string | undefined, side: Side, policy: IamPolicySide | undefined) => {
    if (account === undefined || role === undefined) return;
    const held = holder(out, account, role);
    const state = policy?.policy;
    if (state?.state === 'known') held[side].push(state.doc);
    else held.opaque[side] = true;
  };
  for (const side of ['before', 'after'] as const) {
    for (const a of r.attachments) {
      if (a[side]) hold(a.account, a[side]!.role, side, attachedPolicy(a, side, index)?.[side]);
    }
    for (const p of r.iamPolicies) if (p.change.type === 'aws_iam_role_policy' && p[side]) hold(p.account, p[side]!.role, side, p[side]);
    // A boundary limits what the role's IAM policies give: "the entity can perform only the actions that
    // are allowed by both its identity-based policies and its permissions boundaries" (IAM User Guide,
    // "Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
    // Only roles the plans attach policies to are decided with their policies, so only theirs are read.
    for (const role of r.roles) {
      const s = role[side];
      const held = role.account !== undefined && s?.name !== undefined ? out.get(role.account)?.get(s.name) : undefined;
      if (!held || (s!.boundaryArn === undefined && !s!.boundaryUnknown)) continue;
      const doc = namedPolicy(role, s!.boundaryArn, side, index, 'permissions_boundary')?.[side]?.policy;
      // A boundary whose document the plans do not give leaves the role's IAM policies undecided.
      if (doc?.state === 'known') held.boundary[side] = doc.doc;
      else held.opaque[side] = true;
    }
  }
  return out;
}
