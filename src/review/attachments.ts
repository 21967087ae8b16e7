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
}

const withoutInstanceKeys = (address: string) => address.replace(/\[[^\]]*\]/g, '');

/**
 * The managed policy an attachment names on one side: by its ARN when known (the policy's own ARN,
 * or its account and name), else, for a policy created in the same plan, by the reference the
 * plan's configuration records for `policy_arn`.
 */
export function attachedPolicy(
  a: Tracked<AttachmentSide>,
  side: Side,
  r: StackResources,
  plans: ReadonlyMap<string, StackPlan>,
): Tracked<IamPolicySide> | undefined {
  const managed = r.iamPolicies.filter((p) => p.change.type === 'aws_iam_policy');
  const arn = a[side]?.policyArn;
  if (arn !== undefined) {
    const byArn = managed.find((p) => p[side]?.arn === arn || p.before?.arn === arn || p.after?.arn === arn);
    if (byArn) return byArn;
    const parsed = parseIamPolicyArn(arn);
    return parsed
      ? managed.find((p) => (p.account !== undefined ? p.account === parsed.account : p.stack === a.stack) && p[side]?.name === parsed.name)
      : undefined;
  }
  if (side === 'before') return undefined;
  const configuration = plans.get(a.stack)?.plan.configuration;
  const refs = referencedResources(configuration, a.change.address, 'policy_arn');
  return managed.find((p) => p.stack === a.stack && refs.includes(withoutInstanceKeys(p.change.address)));
}

function holder(out: Map<string, Map<string, HeldPolicies>>, account: string, role: string): HeldPolicies {
  let roles = out.get(account);
  if (!roles) out.set(account, (roles = new Map()));
  let held = roles.get(role);
  if (!held) roles.set(role, (held = { before: [], after: [], opaque: { before: false, after: false } }));
  return held;
}

/** Per account, per role name: what the plans attach to it. Stacks whose account is not pinned are left out. */
export function heldPolicies(r: StackResources, plans: ReadonlyMap<string, StackPlan>): Map<string, Map<string, HeldPolicies>> {
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
      if (a[side]) hold(a.account, a[side]!.role, side, attachedPolicy(a, side, r, plans)?.[side]);
    }
    for (const p of r.iamPolicies) if (p.change.type === 'aws_iam_role_policy' && p[side]) hold(p.account, p[side]!.role, side, p[side]);
  }
  return out;
}
