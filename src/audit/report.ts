import { diagnose } from '../doctor/diagnose';
import { stepPasses } from '../launch/evaluate';
import type { Consumer, Rollout } from '../model/rollout';
import { AUTOSCALING_GRANT_OPERATIONS } from '../policy/actions';
import { amiShareTargets } from '../policy/ami-share';
import {
  aliasName,
  autoScalingRoleArn,
  autoScalingRoleName,
  organizationalUnitIdOf,
  organizationIdOf,
  parseAutoScalingRoleArn,
  principalAccount,
} from '../policy/arns';
import { statementId, type PolicyDocument, type PolicyStatement } from '../policy/document';
import { AUTOSCALING_GRANT_NAME, grantsNaming } from '../policy/grant';
import type { Grant } from '../policy/kms-api';
import { keyPolicy } from '../policy/key-policy';
import { RULES, type Severity } from '../policy/rules';
import { liveDoctorInputs } from './live';
import type { AccountState, CallFailure, LaunchPermission, Snapshot } from './snapshot';

export type AccountStatus = 'proven' | 'broken' | 'unknown';

/** A call that could not be made, and the permission that would let audit make it. */
export interface Unknown {
  readonly action: string;
  readonly target: string;
  readonly error: string;
  readonly message: string;
  /** What to grant, or what to retry. */
  readonly needs: string;
}

export interface AuditStep {
  readonly id: string;
  readonly title: string;
  readonly status: 'pass' | 'fail' | 'unknown';
}

export interface AuditFix {
  readonly problem: string;
  readonly action: string;
  readonly command?: string;
}

export interface AccountAudit {
  readonly account: string;
  readonly status: AccountStatus;
  readonly sameAccount: boolean;
  readonly steps: readonly AuditStep[];
  /** The first failing step, when broken. */
  readonly failingStep?: AuditStep;
  readonly fix?: AuditFix;
  /** Why a step could not be decided: the calls that failed. */
  readonly unknowns: readonly Unknown[];
}

export type DriftKind =
  | 'key-policy-statement-missing'
  | 'key-policy-statement-changed'
  | 'key-policy-statement-extra'
  | 'alias-missing'
  | 'grant-missing'
  | 'grant-duplicate'
  | 'grant-differs'
  | 'grant-extra'
  | 'launch-permission-missing'
  | 'launch-permission-extra'
  | 'create-volume-permission-missing'
  | 'create-volume-permission-extra'
  | 'service-linked-role-missing';

export interface Drift {
  readonly kind: DriftKind;
  /** The account it concerns, when one. */
  readonly account?: string;
  /** The statement Sid, grant ID, AMI or snapshot. */
  readonly target: string;
  readonly detail: string;
}

/** What exists and matches what keyshare would create: `--emit-imports` adopts these. */
export interface Adoptable {
  readonly grants: readonly { readonly account: string; readonly keyArn: string; readonly grantId: string }[];
  readonly launchPermissions: readonly { readonly imageId: string; readonly permission: LaunchPermission }[];
}

export interface AuditReport {
  readonly keyArn?: string;
  readonly owner: string;
  readonly accounts: readonly AccountAudit[];
  readonly drift: readonly Drift[];
  readonly counts: Readonly<Record<AccountStatus, number>>;
  /** Owner and organization calls that failed. */
  readonly unknowns: readonly Unknown[];
  readonly adoptable: Adoptable;
}

/**
 * What would let the call succeed: for a denial, the IAM action on the target (for AssumeRole,
 * also the role's trust policy); for throttling or a timeout, a rerun with lower --concurrency.
 */
function unknownOf(f: CallFailure): Unknown {
  const needs = f.denied
    ? f.action.endsWith(':AssumeRole')
      ? `${f.action} on ${f.target} for the caller, and a trust policy on that role that allows the caller`
      : `${f.action} on ${f.target} for the role audit uses`
    : /Throttl|TooManyRequests|Timeout|RequestLimitExceeded/i.test(f.error)
      ? 'a rerun with a lower --concurrency (AWS throttled the call past every retry, or it timed out)'
      : 'a rerun (the call failed for a reason other than permissions)';
  return { action: f.action, target: f.target, error: f.error, message: f.message, needs };
}

/** EC2 User Guide, "Share an AMI with organizations or OUs": an organization or OU permission covers its accounts and those of its child OUs. */
const AMI_SHARING_PAGE = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs.html';

function launchAllowed(perms: readonly LaunchPermission[], account: string, orgPath: string | undefined): boolean | undefined {
  if (perms.some((p) => p.userId === account || p.group === 'all')) return true;
  const viaOrg = perms.filter((p) => p.organizationArn || p.organizationalUnitArn);
  if (viaOrg.length === 0) return false;
  if (orgPath === undefined) return undefined;
  const segments = orgPath.split('/');
  return viaOrg.some((p) =>
    p.organizationArn
      ? organizationIdOf(p.organizationArn) === segments[0]
      : segments.includes(organizationalUnitIdOf(p.organizationalUnitArn!) ?? ''),
  );
}

function launchPermissionFix(imageId: string, account: string, region: string): AuditFix {
  return {
    problem: `AMI ${imageId} has no launch permission that covers account ${account} (${AMI_SHARING_PAGE})`,
    action: `share the AMI with the account (keyshare's owner stack does; or, in organization mode, with the organization or the account's OU)`,
    command: `aws ec2 modify-image-attribute --region ${region} --image-id ${imageId} --launch-permission "Add=[{UserId=${account}}]"`,
  };
}

function serviceLinkedRoleFix(account: string, suffix: string | undefined): AuditFix {
  return {
    problem: `account ${account} has no ${autoScalingRoleName(suffix)}: a grant names an existing role, and Auto Scaling launches through it (EC2 Auto Scaling User Guide, "Service-linked roles", https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html)`,
    action: 'create the service-linked role in that account (or set createServiceLinkedRole: true for it), then create its grant',
    command: `aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com${suffix ? ` --custom-suffix ${suffix}` : ''}`,
  };
}

/** Owns the grants an account's launch goes through: issued by that account, for its Auto Scaling role, with no constraint. */
function ownGrants(grants: readonly Grant[], partition: Rollout['partition'], consumer: Consumer): Grant[] {
  const role = autoScalingRoleArn(partition, consumer.account, consumer.serviceLinkedRoleSuffix).toLowerCase();
  return grantsNaming(grants, consumer.account)
    .map((p) => p.grant)
    .filter(
      (g) =>
        g.GranteePrincipal.toLowerCase() === role && principalAccount(g.IssuingAccount ?? consumer.account) === consumer.account && !g.Constraints,
    );
}

function sameOperations(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((op) => set.has(op));
}

/**
 * Decides the audit: each account's launch path on the live state, with doctor's diagnosis
 * (the evaluator and launch path `check` uses) after the AMI's launch permission and the
 * service-linked role, and the drift between the live state and what keyshare emits for `rollout`.
 * Pure: the snapshot is everything it reads.
 */
export function auditReport(snapshot: Snapshot, rollout: Rollout): AuditReport {
  const owner = snapshot.owner;
  const ownerUnknowns = [...snapshot.failures, ...owner.failures].map(unknownOf);
  const byAccount = new Map(snapshot.accounts.map((a) => [a.account, a]));
  const accounts = rollout.consumers.map((c) => auditAccount(snapshot, rollout, c, byAccount.get(c.account)));
  const counts = { proven: 0, broken: 0, unknown: 0 };
  for (const a of accounts) counts[a.status]++;
  return {
    ...(owner.keyArn && { keyArn: owner.keyArn }),
    owner: owner.account,
    accounts,
    drift: drift(snapshot, rollout),
    counts,
    unknowns: ownerUnknowns,
    adoptable: adoptable(snapshot, rollout),
  };
}

function auditAccount(snapshot: Snapshot, rollout: Rollout, consumer: Consumer, state: AccountState | undefined): AccountAudit {
  const owner = snapshot.owner;
  const account = consumer.account;
  const steps: AuditStep[] = [];
  const unknowns: Unknown[] = [];
  let fix: AuditFix | undefined;
  const fail = (step: AuditStep, f: AuditFix) => {
    steps.push(step);
    fix ??= f;
  };
  const unknownBecause = (step: AuditStep, failures: readonly CallFailure[]) => {
    steps.push({ ...step, status: 'unknown' });
    unknowns.push(...failures.map(unknownOf));
  };
  const ownerFailure = (action: string) => owner.failures.filter((f) => f.action.endsWith(`:${action}`));

  if (state?.unreachable) unknowns.push(unknownOf(state.unreachable));

  if (!consumer.sameAccount) {
    for (const ami of rollout.amis) {
      const step = { id: `launch-permission:${ami.id}`, title: `account ${account} may launch from ${ami.id}`, status: 'pass' as const };
      const perms = owner.launchPermissions[ami.id];
      if (!perms) {
        unknownBecause(
          step,
          owner.failures.filter((f) => f.target === ami.id),
        );
        continue;
      }
      const allowed = launchAllowed(perms, account, state?.orgPath);
      if (allowed === true) steps.push(step);
      else if (allowed === false) fail({ ...step, status: 'fail' }, launchPermissionFix(ami.id, account, rollout.owner.region));
      else unknownBecause(step, state?.failures.filter((f) => f.action.endsWith(':ListParents')) ?? []);
    }
  }

  const slr = {
    id: 'service-linked-role',
    title: `${autoScalingRoleName(consumer.serviceLinkedRoleSuffix)} exists in account ${account}`,
    status: 'pass' as const,
  };
  if (state?.serviceLinkedRole === true) steps.push(slr);
  else if (state?.serviceLinkedRole === false) fail({ ...slr, status: 'fail' }, serviceLinkedRoleFix(account, consumer.serviceLinkedRoleSuffix));
  else unknownBecause(slr, state?.failures.filter((f) => f.action.endsWith(':GetRole')) ?? []);

  if (!owner.keyArn || !owner.keyPolicy) {
    unknownBecause({ id: 'key', title: `the key's policy can be read`, status: 'unknown' }, [
      ...ownerFailure('DescribeKey'),
      ...ownerFailure('GetKeyPolicy'),
    ]);
  } else {
    kmsSteps(snapshot, rollout, consumer, state, steps, unknowns, (f) => (fix ??= f));
  }

  const failingStep = steps.find((s) => s.status === 'fail');
  const status: AccountStatus = failingStep ? 'broken' : steps.some((s) => s.status === 'unknown') || state?.unreachable ? 'unknown' : 'proven';
  return {
    account,
    status,
    sameAccount: consumer.sameAccount,
    steps,
    ...(failingStep && { failingStep }),
    ...(failingStep && fix && { fix }),
    unknowns: dedupe(unknowns),
  };
}

function dedupe(unknowns: readonly Unknown[]): Unknown[] {
  const seen = new Set<string>();
  return unknowns.filter((u) => {
    const key = `${u.action} ${u.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The KMS launch path, decided by doctor on the live documents; a failing step whose inputs could not be read is unknown. */
function kmsSteps(
  snapshot: Snapshot,
  rollout: Rollout,
  consumer: Consumer,
  state: AccountState | undefined,
  steps: AuditStep[],
  unknowns: Unknown[],
  setFix: (f: AuditFix) => void,
): void {
  const owner = snapshot.owner;
  const live = liveDoctorInputs(snapshot, rollout, consumer, state)!;
  const d = diagnose(live.loaded, live.flags, live.target);
  const missingFor = (through: 'policies' | 'grant', id: string): CallFailure[] => {
    if (consumer.sameAccount) return [];
    if (through === 'grant') return owner.grants ? [] : owner.failures.filter((f) => f.action.endsWith(':ListGrants'));
    if (id !== 'create-grant') return [];
    const mine = state?.failures ?? [];
    return [
      ...(state?.identityPolicies ? [] : mine.filter((f) => f.action.startsWith('iam:') && !f.action.endsWith(':GetRole'))),
      ...(state?.scps ? [] : mine.filter((f) => f.action.startsWith('organizations:'))),
      ...(state?.unreachable ? [state.unreachable] : []),
    ];
  };
  let fixed = false;
  for (const s of d.steps) {
    const step = { id: s.step.id, title: s.step.title };
    if (stepPasses(s)) {
      steps.push({ ...step, status: 'pass' });
      continue;
    }
    const missing = missingFor(s.step.through, s.step.id);
    const noCreator = s.step.id === 'create-grant' && !state?.grantCreator;
    if (missing.length > 0 || noCreator || s.dependsOn.length > 0) {
      steps.push({ ...step, status: 'unknown' });
      unknowns.push(...missing.map(unknownOf));
      if (noCreator)
        unknowns.push({
          action: 'config',
          target: `consumers[${consumer.account}].deployRoleArn`,
          error: 'NoGrantCreator',
          message: 'no grant creator is known for this account',
          needs: 'deployRoleArn for the account (or consumerDeployRoleArn), so audit reads the IAM policies of the role that creates the grant',
        });
      continue;
    }
    steps.push({ ...step, status: 'fail' });
    const f = d.fixes.find((x) => x.steps.includes(s.step.id));
    if (!fixed && f) {
      setFix({ problem: f.problem, action: f.action, ...(f.command && { command: f.command }) });
      fixed = true;
    }
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function keyPolicyDrift(live: PolicyDocument, expected: PolicyDocument): Drift[] {
  const out: Drift[] = [];
  const liveBySid = new Map(live.Statement.map((s, i) => [statementId(s, i), s]));
  const liveCanon = new Set(live.Statement.map(canonical));
  const expectedCanon = new Set(expected.Statement.map(canonical));
  expected.Statement.forEach((s: PolicyStatement, i) => {
    if (liveCanon.has(canonical(s))) return;
    const sid = statementId(s, i);
    out.push(
      liveBySid.has(sid)
        ? { kind: 'key-policy-statement-changed', target: sid, detail: `statement ${sid} differs from the one keyshare emits` }
        : { kind: 'key-policy-statement-missing', target: sid, detail: `statement ${sid} is not in the key policy` },
    );
  });
  const expectedSids = new Set(expected.Statement.map(statementId));
  live.Statement.forEach((s, i) => {
    const sid = statementId(s, i);
    if (!expectedCanon.has(canonical(s)) && !expectedSids.has(sid))
      out.push({ kind: 'key-policy-statement-extra', target: sid, detail: `statement ${sid} is not one keyshare emits` });
  });
  return out;
}

function drift(snapshot: Snapshot, rollout: Rollout): Drift[] {
  const owner = snapshot.owner;
  const out: Drift[] = [];
  if (owner.keyPolicy) out.push(...keyPolicyDrift(owner.keyPolicy, keyPolicy(rollout)));
  if (owner.aliases && !rollout.key.arn && !owner.aliases.includes(aliasName(rollout.key.alias)))
    out.push({ kind: 'alias-missing', target: aliasName(rollout.key.alias), detail: `the key has no alias ${aliasName(rollout.key.alias)}` });

  const cross = rollout.consumers.filter((c) => !c.sameAccount);
  if (owner.grants) {
    const claimed = new Set<Grant>();
    for (const consumer of cross) {
      const own = ownGrants(owner.grants, rollout.partition, consumer);
      own.forEach((g) => claimed.add(g));
      const role = autoScalingRoleArn(rollout.partition, consumer.account, consumer.serviceLinkedRoleSuffix);
      if (own.length === 0)
        out.push({ kind: 'grant-missing', account: consumer.account, target: role, detail: `no grant issued by ${consumer.account} for ${role}` });
      if (own.length > 1)
        out.push({
          kind: 'grant-duplicate',
          account: consumer.account,
          target: own.map((g) => g.GrantId ?? '').join(' '),
          detail: `${own.length} grants for ${role}`,
        });
      for (const g of own.filter((x) => !sameOperations(x.Operations, AUTOSCALING_GRANT_OPERATIONS)))
        out.push({
          kind: 'grant-differs',
          account: consumer.account,
          target: g.GrantId ?? '',
          detail: `operations ${g.Operations.join(' ')}; keyshare grants ${AUTOSCALING_GRANT_OPERATIONS.join(' ')}`,
        });
    }
    for (const g of owner.grants) {
      if (claimed.has(g) || (g.Constraints && parseAutoScalingRoleArn(g.GranteePrincipal))) continue;
      out.push({
        kind: 'grant-extra',
        ...(g.IssuingAccount && principalAccount(g.IssuingAccount) && { account: principalAccount(g.IssuingAccount) }),
        target: g.GrantId ?? '',
        detail: `grant for ${g.GranteePrincipal}, issued by ${g.IssuingAccount ?? 'an unknown account'}, is not one keyshare creates`,
      });
    }
  }

  const targets = amiShareTargets(rollout);
  for (const ami of rollout.amis) {
    const perms = owner.launchPermissions[ami.id];
    if (!perms) continue;
    const expected: LaunchPermission[] = [
      ...targets.accounts.map((userId) => ({ userId })),
      ...(targets.organizationArn ? [{ organizationArn: targets.organizationArn }] : []),
      ...targets.organizationalUnitArns.map((organizationalUnitArn) => ({ organizationalUnitArn })),
    ];
    const key = (p: LaunchPermission) => p.userId ?? p.group ?? p.organizationArn ?? p.organizationalUnitArn ?? '';
    const live = new Set(perms.map(key));
    const want = new Set(expected.map(key));
    for (const p of expected.filter((x) => !live.has(key(x))))
      out.push({
        kind: 'launch-permission-missing',
        ...(p.userId && { account: p.userId }),
        target: ami.id,
        detail: `no launch permission for ${key(p)}`,
      });
    for (const p of perms.filter((x) => !want.has(key(x))))
      out.push({
        kind: 'launch-permission-extra',
        ...(p.userId && { account: p.userId }),
        target: ami.id,
        detail: p.group === 'all' ? 'the AMI is public (group all)' : `launch permission for ${key(p)} is not in the config`,
      });
  }
  for (const id of rollout.amis.flatMap((a) => a.snapshotIds)) {
    const perms = owner.createVolumePermissions[id];
    if (!perms) continue;
    for (const account of targets.snapshotAccounts.filter((a) => !perms.includes(a)))
      out.push({ kind: 'create-volume-permission-missing', account, target: id, detail: `no create-volume permission for ${account}` });
    for (const who of perms.filter((a) => !targets.snapshotAccounts.includes(a)))
      out.push({
        kind: 'create-volume-permission-extra',
        ...(who !== 'all' && { account: who }),
        target: id,
        detail: who === 'all' ? 'the snapshot is public (group all)' : `create-volume permission for ${who} is not in the config`,
      });
  }
  for (const state of snapshot.accounts) {
    const consumer = rollout.consumers.find((c) => c.account === state.account);
    if (state.serviceLinkedRole === false && consumer)
      out.push({
        kind: 'service-linked-role-missing',
        account: state.account,
        target: autoScalingRoleName(consumer.serviceLinkedRoleSuffix),
        detail: consumer.createServiceLinkedRole ? 'keyshare creates it on the next deploy' : 'create it, or set createServiceLinkedRole: true',
      });
  }
  return out.sort((a, b) => cmp(a.account ?? '', b.account ?? '') || cmp(a.kind, b.kind) || cmp(a.target, b.target) || cmp(a.detail, b.detail));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Grants and launch permissions keyshare would create that already exist as it would create them:
 * a grant named as keyshare names it, for the account's own role, issued by that account, with the
 * same operations and no constraint (every argument of aws_kms_grant forces a new grant, so anything
 * else would be replaced, not adopted); a launch permission for the same AMI and target.
 */
function adoptable(snapshot: Snapshot, rollout: Rollout): Adoptable {
  const owner = snapshot.owner;
  const grants = owner.keyArn
    ? rollout.consumers
        .filter((c) => !c.sameAccount)
        .flatMap((c) => {
          const g = ownGrants(owner.grants ?? [], rollout.partition, c).find(
            (x) =>
              x.Name === AUTOSCALING_GRANT_NAME && !x.RetiringPrincipal && sameOperations(x.Operations, AUTOSCALING_GRANT_OPERATIONS) && x.GrantId,
          );
          return g ? [{ account: c.account, keyArn: owner.keyArn!, grantId: g.GrantId! }] : [];
        })
    : [];
  const targets = amiShareTargets(rollout);
  const launchPermissions = rollout.amis.flatMap((ami) =>
    (owner.launchPermissions[ami.id] ?? [])
      .filter(
        (p) =>
          (p.userId && targets.accounts.includes(p.userId)) ||
          (p.organizationArn && p.organizationArn === targets.organizationArn) ||
          (p.organizationalUnitArn && targets.organizationalUnitArns.includes(p.organizationalUnitArn)),
      )
      .map((permission) => ({ imageId: ami.id, permission })),
  );
  return { grants, launchPermissions };
}

/** Each finding's severity through the rule registry: a broken account, a drift, a read that failed. */
export function auditSeverities(report: AuditReport): Severity[] {
  return [
    ...report.accounts.flatMap((a) =>
      a.status === 'broken' ? [RULES['launch-path-broken'].severity] : a.status === 'unknown' ? [RULES['live-unknown'].severity] : [],
    ),
    ...report.drift.map(() => RULES['live-drift'].severity),
    ...report.unknowns.map(() => RULES['live-unknown'].severity),
  ];
}
