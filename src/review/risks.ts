import { lintIamPolicy, lintKeyPolicy } from '../check/lints';
import { compileActions, matchAction } from '../evaluator';
import { conditionKeys, conditionValues, organizationsOf, rootDelegation } from '../policy/reading';
import { AUTOSCALING_GRANT_OPERATIONS, CREATE_GRANT, KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from '../policy/actions';
import { isAccountPrincipal, organizationIdOf, parseAutoScalingRoleArn, parseKmsArn, principalAccount } from '../policy/arns';
import { GRANTEE_PRINCIPAL, GRANT_IS_FOR_AWS_RESOURCE, PRINCIPAL_ACCOUNT_VARIABLE } from '../policy/conditions';
import { listOf, statementId, type PolicyDocument, type PolicyStatement } from '../policy/document';
import type { ResourceChange } from './plan';
import { attachedPolicy, type PolicyIndex } from './attachments';
import type { AttachmentSide, GrantSide, KeyPolicySide, KeySide, StackResources, Tracked } from './resources';
import { attribute } from './values';
import { ownerOf } from './keys';
import type { KeyReview, ReviewFinding } from './report';
import { finding as ruleFinding, RuleId, SEVERITY_ORDER } from '../policy/rules';
import { SID } from '../policy/key-policy';

interface Where {
  readonly stack?: string;
  readonly change?: ResourceChange;
  readonly address?: string;
  readonly statement?: string;
}

function finding(rule: RuleId, message: string, where: Where, fix?: string): ReviewFinding {
  return {
    ...ruleFinding(rule, message, { statement: where.statement, fix }),
    ...(where.stack && { stack: where.stack }),
    ...((where.address ?? where.change?.address) && { address: where.address ?? where.change!.address }),
  };
}

function why(c: ResourceChange): string {
  const parts = [
    c.actionReason && `reason: ${c.actionReason}`,
    c.replacePaths.length > 0 && `forced by ${c.replacePaths.map((p) => p.join('.')).join(', ')}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function keyLifecycle(k: Tracked<KeySide>): ReviewFinding[] {
  const c = k.change;
  const at = { stack: k.stack, change: c };
  const out: ReviewFinding[] = [];
  if (c.kind === 'delete') out.push(finding('key-deletion', `${c.address} is destroyed: KMS schedules the key for deletion${why(c)}`, at));
  if (c.kind === 'replace')
    out.push(finding('key-replacement', `${c.address} is replaced: a new key is created and the old one scheduled for deletion${why(c)}`, at));
  const b = k.before;
  const a = k.after;
  if (a?.deletionWindowDays !== undefined && b?.deletionWindowDays !== undefined && a.deletionWindowDays < b.deletionWindowDays) {
    out.push(
      finding('deletion-window-shortened', `${c.address}: deletion_window_in_days goes from ${b.deletionWindowDays} to ${a.deletionWindowDays}`, at),
    );
  }
  if (a?.enabled === false && b?.enabled !== false) out.push(finding('key-disabled', `${c.address}: is_enabled becomes false`, at));
  if (a?.rotation === false && b?.rotation !== false) {
    out.push(finding('rotation-disabled', `${c.address}: enable_key_rotation ${b ? 'goes from true to false' : 'is false on a new key'}`, at));
  }
  return out;
}

/** Accounts a statement's principal reaches beyond the owner; `*` for any account. */
function foreignReach(s: PolicyStatement, owner: string | undefined): string[] {
  if (s.Principal === '*') return ['*'];
  return listOf(s.Principal?.AWS).flatMap((p) => {
    if (p === '*') return ['*'];
    const account = principalAccount(p);
    return account && account !== owner ? [account] : [];
  });
}

/** Lower-case KMS action names that administer the key and neither read it nor use it. */
let ADMIN_ONLY: string[] | undefined;
function adminOnly(): string[] {
  if (!ADMIN_ONLY) {
    const admin = compileActions([...KEY_ADMIN_ACTIONS], false).covered;
    const use = compileActions([...KEY_USE_ACTIONS, CREATE_GRANT], false).covered;
    ADMIN_ONLY = [...admin].filter((a) => !use.has(a) && !/^(describe|get|list)/.test(a)).sort();
  }
  return ADMIN_ONLY;
}

function statementRisks(doc: PolicyDocument, owner: string | undefined, at: Where, linted: ReadonlySet<string>): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  doc.Statement.forEach((s, i) => {
    if (s.Effect !== 'Allow' || s.NotAction !== undefined) return;
    const foreign = foreignReach(s, owner);
    if (foreign.length === 0) return;
    const id = statementId(s, i);
    const actions = compileActions(listOf(s.Action), false);
    const admin = adminOnly().filter((a) => matchAction(actions, a));
    if (admin.length > 0 && !linted.has(`kms-star-to-another-account:${id}`)) {
      out.push(
        finding(
          'administration-to-another-account',
          `${id} gives ${foreign.join(', ')} ${admin.length} administrative action(s): ${admin.slice(0, 5).join(', ')}${admin.length > 5 ? ', …' : ''}`,
          { ...at, statement: id },
        ),
      );
    }
    const keys = conditionKeys(s);
    if (
      matchAction(actions, 'creategrant') &&
      !keys.includes(GRANTEE_PRINCIPAL.toLowerCase()) &&
      !keys.includes(GRANT_IS_FOR_AWS_RESOURCE.toLowerCase())
    ) {
      out.push(
        finding(
          'create-grant-unscoped',
          `${id} lets ${foreign.join(', ')} call CreateGrant for any grantee: it can give the key to any principal of any account`,
          { ...at, statement: id },
        ),
      );
    }
  });
  return out;
}

function policyRisks(t: Tracked<KeySide> | Tracked<KeyPolicySide>, key: Tracked<KeySide> | undefined): ReviewFinding[] {
  const c = t.change;
  const after = t.after?.policy;
  if (c.kind === 'no-op' || after?.state !== 'known') return [];
  const before = t.before?.policy?.state === 'known' ? t.before.policy.doc : undefined;
  const owner = ownerOf([key?.after?.arn ?? key?.before?.arn], [after.doc], { account: t.account })?.account;
  const at = { stack: t.stack, change: c };
  const out: ReviewFinding[] = [];
  const linted = new Set<string>();
  for (const lint of lintKeyPolicy(after.doc, owner ?? '')) {
    linted.add(`${lint.rule}:${lint.statement ?? ''}`);
    let rule: RuleId = lint.rule;
    if (rule === 'root-delegation-missing' && before && rootDelegation(before)) rule = 'root-delegation-removed';
    out.push(finding(rule, lint.message, { ...at, statement: lint.statement }));
  }
  return [...out, ...statementRisks(after.doc, owner, at, linted)];
}

/** Sids (or positions) of the statements that allow kms:CreateGrant. */
function createGrantStatements(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s, i) =>
    s.Effect === 'Allow' && s.NotAction === undefined && matchAction(compileActions(listOf(s.Action), false), 'creategrant')
      ? [statementId(s, i)]
      : [],
  );
}

/** Managed policies over IAM's size quota, and attachments that give a CreateGrant policy to one more role. */
function iamRisks(r: StackResources, policies: PolicyIndex): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  for (const p of r.iamPolicies) {
    const after = p.after?.policy;
    if (p.change.type !== 'aws_iam_policy' || p.change.kind === 'no-op' || after?.state !== 'known') continue;
    for (const f of lintIamPolicy(after.doc, p.change.address)) out.push({ ...f, stack: p.stack, address: p.change.address });
  }
  // A pair counts by the role and the policy it names; one that held before (a replacement, a move) widens nothing.
  const policyKey = (a: Tracked<AttachmentSide>, side: 'before' | 'after') => {
    const policy = attachedPolicy(a, side, policies);
    return policy ? `${policy.stack}|${policy.change.address}` : a[side]?.policyArn;
  };
  const pairKey = (a: Tracked<AttachmentSide>, side: 'before' | 'after') => `${a.account ?? a.stack}|${a[side]?.role}|${policyKey(a, side)}`;
  const heldBefore = new Set(r.attachments.flatMap((a) => (a.before?.role !== undefined ? [pairKey(a, 'before')] : [])));
  for (const a of r.attachments) {
    if (!a.after || a.change.kind === 'no-op' || (a.after.role !== undefined && heldBefore.has(pairKey(a, 'after')))) continue;
    const policy = attachedPolicy(a, 'after', policies);
    const doc = policy?.after?.policy?.state === 'known' ? policy.after.policy.doc : undefined;
    const sids = doc ? createGrantStatements(doc) : [];
    if (sids.length === 0) continue;
    const role = a.after.role ?? '(known after apply)';
    out.push(
      finding(
        'create-grant-policy-attached',
        `${a.change.address} attaches ${policy!.after?.name ?? policy!.change.address} to role ${role}${a.account ? ` of account ${a.account}` : ''}: its ${sids.join(', ')} allow${sids.length === 1 ? 's' : ''} kms:CreateGrant, so that role may now create grants on the key as far as the key policy lets its account`,
        { stack: a.stack, change: a.change, statement: sids.join(', ') },
      ),
    );
  }
  return out;
}

/** Key deletion, replacement and weakening, and what each key policy the change writes lets other accounts do. */
function keyRisks(r: StackResources): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  for (const k of r.keys) {
    out.push(...keyLifecycle(k));
    out.push(...policyRisks(k, k));
  }
  for (const p of r.keyPolicies) {
    // The provider's delete (kms/key_policy.go) writes KMS's default key policy back: consumers are cut off.
    if (p.change.kind === 'delete')
      out.push(
        finding(
          'key-policy-destroyed',
          `${p.change.address} is destroyed: the provider puts back KMS's default key policy on ${p.before?.keyId ?? 'the key'}, which names only the owner account`,
          { stack: p.stack, change: p.change },
        ),
      );
    out.push(...policyRisks(p, undefined));
  }
  return out;
}

/** Accounts other than `owner` a key policy names: as principals, or by their Auto Scaling role in a grantee condition. */
function accountsNamed(doc: PolicyDocument, owner: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const s of doc.Statement) {
    if (s.Effect !== 'Allow' || !s.Principal || s.Principal === '*') continue;
    for (const p of listOf(s.Principal.AWS)) {
      const account = principalAccount(p);
      if (account) out.add(account);
    }
  }
  for (const v of conditionValues(doc, GRANTEE_PRINCIPAL)) {
    const role = parseAutoScalingRoleArn(v);
    if (role) out.add(role.account);
  }
  if (owner) out.delete(owner);
  return out;
}

/**
 * An account the key policy stops naming while its grant is not destroyed in these plans: the
 * grant keeps giving its Auto Scaling role the key, and once the owner's change is applied the
 * account can no longer read the key to refresh or destroy its own stack. Its stack's destroy
 * must come first (and be in the plans under review); only the owner can revoke the grant after.
 */
function droppedAccountRisks(r: StackResources): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const grantAccount = (g: Tracked<GrantSide>) => parseAutoScalingRoleArn((g.before ?? g.after)?.grant?.GranteePrincipal ?? '')?.account;
  for (const t of [...r.keys, ...r.keyPolicies]) {
    const before = t.before?.policy?.state === 'known' ? t.before.policy.doc : undefined;
    const after = t.after?.policy?.state === 'known' ? t.after.policy.doc : undefined;
    if (!before || !after || t.change.kind === 'no-op') continue;
    const owner = t.account;
    const still = accountsNamed(after, owner);
    for (const account of [...accountsNamed(before, owner)].filter((a) => !still.has(a)).sort()) {
      const grants = r.grants.filter((g) => grantAccount(g) === account);
      if (grants.length > 0 && grants.every((g) => !g.after && g.change.kind !== 'forget')) continue;
      const held = grants.filter((g) => g.after || g.change.kind === 'forget').map((g) => `${g.stack} ${g.change.address}`);
      // Kept for its teardown only: this is `synth --forget`, safe once its tombstone's apply destroyed the grant.
      const forgotten = !accountsNamed(withoutTeardown(before), owner).has(account);
      out.push(
        finding(
          'consumer-dropped-with-live-grant',
          `${t.change.address} stops naming account ${account}, but ${held.length > 0 ? `its grant stays (${held.join(', ')})` : 'no plan here destroys its grant'}: ${forgotten ? `it drops ${SID.consumerTeardown}, so apply it only once the tombstone of ${account} has destroyed its stack (its state is empty)` : 'destroy its stack before this change is applied'}`,
          { stack: t.stack, change: t.change },
        ),
      );
    }
  }
  return out;
}

/** A key policy without the statement that keeps removed consumers for their tombstone's teardown. */
function withoutTeardown(doc: PolicyDocument): PolicyDocument {
  return { ...doc, Statement: doc.Statement.filter((st) => st.Sid !== SID.consumerTeardown) };
}

/** Sharing: AMIs and snapshots shared with anyone, outside the organization, or with an account the key policies do not admit. */
function sharingRisks(r: StackResources, keys: readonly KeyReview[]): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const afterPolicies = [...r.keys, ...r.keyPolicies].flatMap((t) => (t.after?.policy?.state === 'known' ? [t.after.policy.doc] : []));
  const orgs = new Set(afterPolicies.flatMap((p) => organizationsOf(p).map((o) => o.id)));
  const users = new Set(keys.flatMap((k) => k.access.filter((a) => a.who.kind === 'account' && a.after.length > 0).map((a) => a.who.id)));
  for (const p of afterPolicies) {
    for (const s of p.Statement)
      if (s.Principal && s.Principal !== '*')
        listOf(s.Principal.AWS)
          .filter(isAccountPrincipal)
          .forEach((a) => users.add(principalAccount(a)!));
  }
  const owners = new Set(r.keys.flatMap((k) => [k.account, parseKmsArn(k.after?.arn ?? '')?.account].filter((x): x is string => !!x)));
  const nonConsumer = (account: string | undefined) =>
    account !== undefined && orgs.size === 0 && afterPolicies.length > 0 && !users.has(account) && !owners.has(account);
  for (const l of r.launchPermissions) {
    const a = l.after;
    if (!a || l.change.kind === 'no-op') continue;
    const at = { stack: l.stack, change: l.change };
    if (a.group === 'all')
      out.push(
        finding('ami-public', `${l.change.address} gives launch permission on ${a.imageId ?? 'the AMI'} to group "all": anyone may launch it`, at),
      );
    const org = organizationIdOf(a.organizationArn ?? a.organizationalUnitArn ?? '');
    if (org && orgs.size > 0 && !orgs.has(org)) {
      out.push(
        finding(
          'ami-shared-outside-organization',
          `${l.change.address} shares ${a.imageId ?? 'the AMI'} with ${org}, while the key policy names ${[...orgs].join(', ')}`,
          at,
        ),
      );
    }
    if (nonConsumer(a.accountId))
      out.push(
        finding(
          'shared-with-non-consumer',
          `${l.change.address} shares ${a.imageId ?? 'the AMI'} with ${a.accountId}, which the key policy does not let use the key`,
          at,
        ),
      );
  }
  for (const v of r.createVolumePermissions) {
    if (!v.after || v.change.kind === 'no-op' || !nonConsumer(v.after.accountId)) continue;
    out.push(
      finding(
        'shared-with-non-consumer',
        `${v.change.address} lets ${v.after.accountId} create volumes from ${v.after.snapshotId ?? 'the snapshot'}, which the key policy does not let use the key`,
        { stack: v.stack, change: v.change },
      ),
    );
  }
  return out;
}

/**
 * Grants: an Auto Scaling role that loses its grant and gets none back. `forget` (a removed block
 * with destroy = false) only drops the grant from state; the grant itself stays.
 */
function grantRisks(r: StackResources): ReviewFinding[] {
  const grantedAfter = new Set(r.grants.flatMap((g) => (g.after?.grant ? [g.after.grant.GranteePrincipal] : [])));
  return r.grants.flatMap((g) => {
    const grantee = g.before?.grant?.GranteePrincipal;
    const role = grantee ? parseAutoScalingRoleArn(grantee) : undefined;
    if (!role || g.after || g.change.kind === 'forget' || grantedAfter.has(grantee!)) return [];
    return [
      finding(
        'autoscaling-grant-removed',
        `${g.change.address} retires the grant of ${grantee}: Auto Scaling groups in ${role.account} can no longer launch from the AMI`,
        { stack: g.stack, change: g.change },
      ),
    ];
  });
}

/** The attributes of `t`'s object after the change that the plan shows only as "known after apply". */
function unknownAfter(t: Tracked<unknown>, names: readonly string[]): string[] {
  if (!t.after || t.change.kind === 'no-op') return [];
  return names.filter((n) => attribute(t.change, 'after', n).state === 'unknown');
}

/**
 * What review cannot read is a finding, never a pass: a key policy, grant, IAM policy, launch
 * permission or key setting that stays unknown until apply (a `random_id` in a Sid is enough),
 * named with the attributes it could not decide.
 */
function undecidedRisks(r: StackResources): ReviewFinding[] {
  const out: ReviewFinding[] = [];
  const add = (rule: RuleId, t: Tracked<unknown>, names: readonly string[], what: string) => {
    const unknown = unknownAfter(t, names);
    if (unknown.length > 0) {
      out.push(
        finding(rule, `${t.change.address}: ${unknown.join(', ')} known only after apply, so ${what} cannot be decided`, {
          stack: t.stack,
          change: t.change,
        }),
      );
    }
  };
  for (const k of r.keys) {
    add('key-policy-undecided', k, ['policy'], 'who the key admits');
    add('key-setting-undecided', k, ['is_enabled', 'enable_key_rotation', 'deletion_window_in_days'], 'whether the key stays usable and recoverable');
  }
  for (const p of r.keyPolicies) add('key-policy-undecided', p, ['policy'], 'who the key admits');
  for (const g of r.grants)
    add('grant-undecided', g, ['grantee_principal', 'operations', 'constraints'], 'whom the grant gives the key to, and for what');
  for (const p of r.iamPolicies) add('iam-policy-undecided', p, ['policy'], 'what it allows');
  for (const l of r.launchPermissions) {
    add('launch-permission-undecided', l, ['account_id', 'group', 'organization_arn', 'organizational_unit_arn'], 'who may launch from the AMI');
  }
  for (const v of r.createVolumePermissions) add('launch-permission-undecided', v, ['account_id'], 'who may create volumes from the snapshot');
  return out;
}

/**
 * A grant bypasses the key policy (KMS developer guide, "Grants in AWS KMS"), so every grant the
 * change makes must be a launch grant: for the Auto Scaling service-linked role of a consumer the
 * key policies in the plans name (any member's, when they name an organization; the stack's own
 * account's, when the plans hold no key policy), with no operation beyond a launch's.
 */
function grantScopeRisks(r: StackResources): ReviewFinding[] {
  const policies = [...r.keys, ...r.keyPolicies].flatMap((t) => (t.after?.policy?.state === 'known' ? [t.after.policy.doc] : []));
  const organization = policies.some((p) => organizationsOf(p).length > 0);
  const named = new Set<string>();
  for (const p of policies) {
    for (const v of conditionValues(p, GRANTEE_PRINCIPAL)) if (!v.includes(PRINCIPAL_ACCOUNT_VARIABLE)) named.add(v);
    for (const s of p.Statement) if (s.Principal && s.Principal !== '*') listOf(s.Principal.AWS).forEach((a) => named.add(a));
  }
  const consumers = new Set([...named].flatMap((arn) => parseAutoScalingRoleArn(arn)?.account ?? []));
  const launchOps = new Set<string>(AUTOSCALING_GRANT_OPERATIONS);
  return r.grants.flatMap((g) => {
    const grant = g.after?.grant;
    if (!grant || g.change.kind === 'no-op') return [];
    const role = parseAutoScalingRoleArn(grant.GranteePrincipal);
    const extra = grant.Operations.filter((o) => !launchOps.has(o));
    const consumer = role !== undefined && (organization || consumers.has(role.account) || (policies.length === 0 && role.account === g.account));
    if (consumer && extra.length === 0) return [];
    const problems = [
      !role && `its grantee ${grant.GranteePrincipal} is not an Auto Scaling service-linked role`,
      role && !consumer && `its grantee is the Auto Scaling role of ${role.account}, which no key policy in the plans names as a consumer`,
      extra.length > 0 && `it allows ${extra.join(', ')}, beyond what a launch needs`,
    ].filter(Boolean);
    return [finding('grant-not-for-launch', `${g.change.address} grants the key: ${problems.join('; ')}`, { stack: g.stack, change: g.change })];
  });
}

interface PathChange {
  readonly before: string;
  readonly failing?: KeyReview['launch'][number]['failing'];
  readonly status: string;
}

/** Why a path that fails after the change is a finding, and its failing step with the evaluator's reasons. */
function pathProblem(p: PathChange): string | undefined {
  if (p.status !== 'broken' && p.status !== 'still failing') return undefined;
  const step = p.failing
    ? `: step ${p.failing.id} (${p.failing.title}) is ${p.failing.decision}${p.failing.reasons.length ? `; ${p.failing.reasons.join('; ')}` : ''}`
    : '';
  const when =
    p.status === 'still failing'
      ? 'still fails after this change'
      : p.before === 'absent'
        ? 'fails for this new consumer'
        : 'held before and fails after this change';
  return `${when}${step}`;
}

/**
 * Launch paths the change breaks, or leaves failing; and deploy paths: a cross-account consumer's
 * stack whose provider can no longer call the key fails its next plan, apply or destroy.
 */
function pathRisks(keys: readonly KeyReview[]): ReviewFinding[] {
  return keys.flatMap((k) =>
    k.launch.flatMap((l) => {
      const at = { stack: k.stack, address: k.address };
      const launch = pathProblem(l);
      const deploy = l.deploy && pathProblem(l.deploy);
      return [
        ...(launch ? [finding('launch-path-broken', `account ${l.account}: the launch path ${launch}`, at)] : []),
        ...(deploy
          ? [finding('deploy-path-broken', `account ${l.account}: the deploy path of its stack (Terraform's calls on the key) ${deploy}`, at)]
          : []),
      ];
    }),
  );
}

/** Every detector's findings, most severe first (the registry's order); within a severity, in the detectors' order. */
export function findRisks(r: StackResources, keys: readonly KeyReview[], policies: PolicyIndex): ReviewFinding[] {
  const out = [
    ...undecidedRisks(r),
    ...iamRisks(r, policies),
    ...keyRisks(r),
    ...droppedAccountRisks(r),
    ...sharingRisks(r, keys),
    ...grantScopeRisks(r),
    ...grantRisks(r),
    ...pathRisks(keys),
  ];
  return out.sort((x, y) => SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity));
}
