import { parseArn } from '../policy/arns';
import type { PolicyDocument } from '../policy/document';
import { ACCOUNT_ID, OU_ID, RESOURCE_CONTROL_POLICY, ROOT_ID } from '../policy/formats';
import { withoutInstanceKeys } from './attachments';
import { referencedResources, type StackPlan } from './plan-set';
import type { OrganizationsAttachmentSide, OrganizationsNodeSide, OrganizationsPolicySide, StackResources, Tracked } from './resources';
import type { Side } from './values';

/**
 * The resource control policies the plans create or change, and where the plans attach them. RCPs
 * bound "the maximum available permissions for resources in your organization", attached to the root,
 * an OU or an account; and "RCPs don't affect resources in the management account. They only affect
 * resources in the member accounts within your organization." (Organizations User Guide, "Resource
 * control policies (RCPs)", https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
 * The evaluator's RCP layer applies the other exemptions (service-linked roles, kms:RetireGrant).
 */
export interface RcpBounds {
  /** The RCPs the plans attach where they bound the key's account, one document each. */
  readonly rcps: readonly PolicyDocument[];
  /** The key's account is the organization's management account, whose resources RCPs do not affect. */
  readonly keyInManagementAccount: boolean;
  /** RCPs bounding the key whose content the plans do not give: the side is not decided. */
  readonly opaque: readonly string[];
  /** What the plans do not say and review takes to hold, one sentence each. */
  readonly notes: readonly string[];
}

export interface RcpIndex {
  readonly policies: readonly Tracked<OrganizationsPolicySide>[];
  readonly attachments: readonly Tracked<OrganizationsAttachmentSide>[];
  readonly tree: readonly Tracked<OrganizationsNodeSide>[];
  readonly plans: ReadonlyMap<string, StackPlan>;
  /**
   * The management account: an aws_organizations_organization's master_account_id, or the account of
   * an Organizations policy ARN, since Organizations ARNs "contain the 12-digit
   * management account number" (EC2 User Guide, "Get the ARN of an organization or organizational unit",
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/get-org-ou-ARN.html; the Service Authorization
   * Reference gives every Organizations ARN, policies' too, the same account field).
   */
  readonly managementAccount?: string;
}

export function rcpIndex(r: StackResources, plans: ReadonlyMap<string, StackPlan>): RcpIndex {
  const arns = r.organizationsPolicies.flatMap((p) => [p.before?.arn, p.after?.arn]).map((a) => (a ? parseArn(a)?.account : undefined));
  // aws_organizations_organization's master_account_id names it too.
  const named = r.organizationsTree.flatMap((n) => [n.after?.managementAccount, n.before?.managementAccount]);
  const managementAccount = [...named, ...arns].find((a) => a !== undefined && ACCOUNT_ID.test(a));
  return {
    policies: r.organizationsPolicies,
    attachments: r.organizationsAttachments,
    tree: r.organizationsTree,
    plans,
    ...(managementAccount && { managementAccount }),
  };
}

/**
 * The roots and OUs `account` is in on one side, from the accounts and OUs the plans hold
 * (`parent_id`), nearest first; undefined when the plans do not place the account.
 */
function pathOf(index: RcpIndex, account: string, side: Side): string[] | undefined {
  const parents = new Map(index.tree.flatMap((n) => (n[side]?.id && n[side]?.parentId ? [[n[side]!.id!, n[side]!.parentId!] as const] : [])));
  if (!parents.has(account)) return undefined;
  const path: string[] = [];
  for (let at = parents.get(account); at !== undefined && !path.includes(at); at = parents.get(at)) path.push(at);
  return path;
}

/** The policy an attachment names on one side: by its ID, or, unknown until apply, by the plan configuration's reference. */
function attachedPolicy(a: Tracked<OrganizationsAttachmentSide>, side: Side, index: RcpIndex): Tracked<OrganizationsPolicySide> | undefined {
  const id = a[side]?.policyId;
  if (id !== undefined) return index.policies.find((p) => p[side]?.id === id);
  if (side === 'before') return undefined;
  const refs = referencedResources(index.plans.get(a.stack)?.plan.configuration, a.change.address, 'policy_id');
  return index.policies.find((p) => p.stack === a.stack && refs.includes(withoutInstanceKeys(p.change.address)));
}

/**
 * Whether a target (root, OU or account ID) bounds `account`: an OU when the plans place the account
 * under it (`path`, from the accounts and OUs they hold); an OU they do not place it by, or an unknown
 * target, is taken to, and said.
 */
function bounds(target: string | undefined, account: string, path: readonly string[] | undefined, address: string, notes: string[]): boolean {
  if (target !== undefined && ROOT_ID.test(target)) return true;
  if (target !== undefined && ACCOUNT_ID.test(target)) return target === account;
  if (target !== undefined && OU_ID.test(target) && path?.some((p) => ROOT_ID.test(p))) return path.includes(target);
  notes.push(
    target !== undefined && OU_ID.test(target)
      ? `${address} attaches an RCP to OU ${target}: the plans do not say whether account ${account} is in it, so it is taken to be`
      : `${address} attaches an RCP to a target known only after apply: it is taken to bound account ${account}`,
  );
  return true;
}

/** The RCPs that bound a key of `account` on one side of the change. */
export function rcpsBounding(index: RcpIndex, account: string, side: Side): RcpBounds {
  const notes: string[] = [];
  const rcps: PolicyDocument[] = [];
  const opaque: string[] = [];
  const attached = new Set<Tracked<OrganizationsPolicySide>>();
  const path = pathOf(index, account, side);
  for (const a of index.attachments) {
    const s = a[side];
    if (!s) continue;
    const policy = attachedPolicy(a, side, index);
    if (policy) attached.add(policy);
    const p = policy?.[side];
    if (!p) {
      // Another policy of the organization: its type and content are not in the plans.
      if (s.targetId === account || (s.targetId !== undefined && !ACCOUNT_ID.test(s.targetId)))
        notes.push(`${a.change.address} attaches ${s.policyId ?? 'a policy'}, which the plans do not hold: if it is an RCP, it is not decided`);
      continue;
    }
    if (p.type !== RESOURCE_CONTROL_POLICY || !bounds(s.targetId, account, path, a.change.address, notes)) continue;
    if (p.policy?.state === 'known') rcps.push(p.policy.doc);
    else
      opaque.push(
        `the RCP ${policy!.change.address} ${side} the change is ${p.policy?.state === 'sensitive' ? 'sensitive' : 'known only after apply'}`,
      );
  }
  for (const p of index.policies) {
    if (p[side]?.type === RESOURCE_CONTROL_POLICY && !attached.has(p) && p.change.kind !== 'no-op')
      notes.push(`the RCP ${p.change.address} changes, and the plans do not attach it: where it is attached is not known, so it is not decided`);
  }
  const keyInManagementAccount = index.managementAccount === account;
  if (rcps.length > 0 && keyInManagementAccount)
    notes.push(`account ${account} is the organization's management account: the RCPs the plans attach do not affect its key`);
  if (rcps.length > 0 && index.managementAccount === undefined)
    notes.push(
      `account ${account} is taken to be a member account: RCPs do not affect the management account's resources, and the plans do not name it`,
    );
  return { rcps: keyInManagementAccount ? [] : rcps, keyInManagementAccount, opaque, notes };
}
