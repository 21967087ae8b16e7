import { proveDeployPath } from '../check/deploy';
import type { Verdict } from '../evaluator';
import { ALLOW_ALL_KMS_IAM_POLICY } from '../policy/allow-all';
import { assumedThrough, evaluateLaunchPath, judgedGrant } from '../launch/evaluate';
import { STAND_IN_GRANT_CREATOR_ROLE } from '../launch/path';
import { parseAutoScalingRoleArn, parseRoleArn, roleArn } from '../policy/arns';
import { SHARED_KEY_TYPES } from '../policy/deploy-path';
import { issuedAutoScalingGrant } from '../policy/grant';
import { GRANTEE_PRINCIPAL, PRINCIPAL_ACCOUNT_VARIABLE } from '../policy/conditions';
import { listOf, type PolicyDocument } from '../policy/document';
import { conditionValues } from '../policy/reading';
import type { HeldPolicies } from './attachments';
import { grantsOf, keyBounds, type KeySnapshot, membership } from './keys';
import { providerRole, type StackPlan } from './plan-set';
import type { ConsumerLaunch, FailingStep, PathState } from './report';
import type { IamPolicySide, Tracked } from './resources';
import type { Side } from './values';

/** One consumer of the key: an account whose Auto Scaling groups launch from the AMI. */
export interface ReviewedConsumer {
  readonly account: string;
  readonly serviceLinkedRoleSuffix?: string;
  /** Who creates the grant: the role the consumer stack's provider assumes, or a stand-in. */
  readonly grantCreator?: string;
}

export interface ConsumerSide {
  /** The grant creator's IAM policies found in the plans; undefined: none in the plans. */
  readonly identityPolicies?: readonly PolicyDocument[];
  /** The grant creator's permissions boundary, when the plans give it with its IAM policies. */
  readonly permissionsBoundary?: PolicyDocument;
}

/** Stacks, IAM policies and what the plans attach to each role, by account, so each consumer finds its own without a scan. */
export interface AccountIndex {
  readonly stacks: Map<string, StackPlan[]>;
  readonly iamPolicies: Map<string, Tracked<IamPolicySide>[]>;
  readonly held: Map<string, Map<string, HeldPolicies>>;
}

/** Consumers the snapshots show: Auto Scaling roles named in grants, in grantee conditions or as principals. */
export function consumersNamed(snapshots: readonly KeySnapshot[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const add = (arn: string) => {
    const role = parseAutoScalingRoleArn(arn);
    if (role && !out.has(role.account)) out.set(role.account, role.suffix);
  };
  for (const s of snapshots) {
    for (const g of s.grants) add(g.GranteePrincipal);
    for (const v of conditionValues(s.policy, GRANTEE_PRINCIPAL)) if (!v.includes(PRINCIPAL_ACCOUNT_VARIABLE)) add(v);
    for (const st of s.policy.Statement) if (st.Principal && st.Principal !== '*') listOf(st.Principal.AWS).forEach(add);
  }
  return out;
}

/**
 * Decides a consumer's launch path on one side with `evaluateLaunchPath`, the function `check`
 * and `doctor` use. The grant creator's IAM policy, when not in the plans, is taken to allow
 * (it lives outside what the plans change); organization membership is assumed.
 */
export function launchPathOn(
  snapshot: KeySnapshot | undefined,
  consumer: ReviewedConsumer,
  side: ConsumerSide,
): { state: PathState; failing?: FailingStep; assumptions?: readonly string[] } {
  if (!snapshot) return { state: 'unknown' };
  const sameAccount = consumer.account === snapshot.owner;
  const grantCreator = consumer.grantCreator ?? roleArn(snapshot.partition, consumer.account, STAND_IN_GRANT_CREATOR_ROLE);
  const accountContext = membership(snapshot);
  const target = {
    partition: snapshot.partition,
    keyArn: snapshot.keyArn,
    region: snapshot.region,
    account: consumer.account,
    serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix,
    grantCreator,
    sameAccount,
    accountContext,
  };
  const inputs = {
    keyArn: snapshot.keyArn,
    keyPolicy: snapshot.policy,
    identityPolicies: side.identityPolicies ?? [ALLOW_ALL_KMS_IAM_POLICY],
    grants: grantsOf(snapshot, consumer.account),
    ...keyBounds(snapshot),
    ...(side.identityPolicies && side.permissionsBoundary && { permissionsBoundary: side.permissionsBoundary }),
  };
  // CreateGrant carries the operations of the grant the plan holds for the role, as doctor decides
  // it with --grants; without one, the grant keyshare would have them create (`judgedGrant`).
  const steps = evaluateLaunchPath({ ...target, grantOperations: judgedGrant(target, inputs).operations }, inputs);
  const path = pathOf(steps);
  // A path that holds only through `${aws:PrincipalAccount}` in kms:GranteePrincipal says so, as doctor does.
  return path.state === 'holds' ? { ...path, assumptions: assumedThrough(snapshot.policy, steps).assumptions } : path;
}

/** A path holds when every step is allowed; otherwise its first failing step, with the evaluator's reasons. */
function pathOf(steps: readonly (Verdict & { readonly step: { readonly id: string; readonly title: string } })[]): {
  state: PathState;
  failing?: FailingStep;
} {
  const failed = steps.find((s) => s.result.decision !== 'Allowed');
  if (!failed) return { state: 'holds' };
  return {
    state: 'fails',
    failing: {
      id: failed.step.id,
      title: failed.step.title,
      decision: failed.result.decision,
      reasons: [
        ...failed.result.trace.map((t) => `${t.effect} ${t.source} ${t.id}: ${t.detail}`),
        ...failed.result.missing.map((m) => `missing: ${m}`),
      ],
    },
  };
}

/**
 * Decides, on one side, the KMS calls Terraform's AWS provider makes on the shared key from a
 * cross-account consumer's stack, as its deploy role (the grant creator), with `proveDeployPath`,
 * the function `check` uses: a key policy that takes ListGrants away fails the grant's read.
 */
export function deployPathOn(
  snapshot: KeySnapshot | undefined,
  consumer: ReviewedConsumer,
  side: ConsumerSide,
): { state: PathState; failing?: FailingStep } {
  if (!snapshot) return { state: 'unknown' };
  const grantCreator = consumer.grantCreator ?? roleArn(snapshot.partition, consumer.account, STAND_IN_GRANT_CREATOR_ROLE);
  // The grant the stack creates is its own to retire (its IssuingAccount).
  const grant = issuedAutoScalingGrant(snapshot.partition, snapshot.keyArn, consumer.account, consumer.serviceLinkedRoleSuffix);
  const proof = proveDeployPath({
    stack: consumer.account,
    account: consumer.account,
    role: grantCreator,
    types: SHARED_KEY_TYPES,
    partition: snapshot.partition,
    keyArn: snapshot.keyArn,
    keyPolicy: snapshot.policy,
    identityPolicies: side.identityPolicies ?? [ALLOW_ALL_KMS_IAM_POLICY],
    grants: [grant],
    serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix,
    accountContext: membership(snapshot),
    // The role's boundary limits its calls as it limits its CreateGrant on the launch path.
    bounds: { ...keyBounds(snapshot), ...(side.identityPolicies && side.permissionsBoundary && { permissionsBoundary: side.permissionsBoundary }) },
  });
  return pathOf(proof.steps);
}

function launchStatus(before: PathState, after: PathState, presentAfter: boolean): ConsumerLaunch['status'] {
  if (!presentAfter) return 'removed';
  if (after === 'unknown') return 'unknown';
  if (after === 'holds') return before === 'fails' ? 'fixed' : 'holds';
  return before === 'fails' ? 'still failing' : 'broken';
}

/**
 * The grant creator's IAM policies on one side: those the plans attach to its role, when they
 * attach any and every one is readable; where the role is not known (no assume_role), every IAM
 * policy its account's stacks hold; otherwise undefined, and its IAM policy is taken to allow.
 */
function grantCreatorPolicies(index: AccountIndex, account: string, grantCreator: string | undefined, side: Side): ConsumerSide {
  const role = grantCreator ? parseRoleArn(grantCreator) : undefined;
  if (!role) {
    const docs = (index.iamPolicies.get(account) ?? []).flatMap((p) => (p[side]?.policy?.state === 'known' ? [p[side]!.policy!.doc] : []));
    return docs.length > 0 ? { identityPolicies: docs } : {};
  }
  const held = index.held.get(account)?.get(role.name);
  return held && !held.opaque[side] && held[side].length > 0 ? { identityPolicies: held[side], permissionsBoundary: held.boundary[side] } : {};
}

function deployPaths(
  before: KeySnapshot | undefined,
  after: KeySnapshot | undefined,
  consumer: ReviewedConsumer,
  identity: (side: Side) => ConsumerSide,
  inBefore: boolean,
  inAfter: boolean,
): { before: PathState; after: PathState; failing?: FailingStep } {
  const b = inBefore ? deployPathOn(before, consumer, identity('before')) : { state: 'absent' as const };
  const a = inAfter ? deployPathOn(after, consumer, identity('after')) : { state: 'absent' as const };
  return { before: b.state, after: inAfter ? a.state : after ? 'absent' : 'unknown', ...('failing' in a && a.failing && { failing: a.failing }) };
}

/**
 * Each consumer's launch path before and after the change, for the key of `stack`; and the
 * consumers' Auto Scaling role suffixes, by account, which the access diff decides CreateGrant with.
 */
export function launchPaths(
  stack: string,
  before: KeySnapshot | undefined,
  after: KeySnapshot | undefined,
  index: AccountIndex,
): { launch: ConsumerLaunch[]; suffixes: Map<string, string | undefined>; assumptions: Set<string> } {
  const consumersBefore = before ? consumersNamed([before]) : new Map<string, string | undefined>();
  const consumersAfter = after ? consumersNamed([after]) : new Map<string, string | undefined>();
  const suffixes = new Map([...consumersBefore, ...consumersAfter]);
  const assumptions = new Set<string>();
  const launch: ConsumerLaunch[] = [...suffixes.keys()].sort().map((account) => {
    // The consumer's own stack, not the owner's when the owner is a consumer too.
    const own = index.stacks.get(account)?.find((s) => s.stack !== stack) ?? index.stacks.get(account)?.[0];
    const consumer = { account, serviceLinkedRoleSuffix: suffixes.get(account), grantCreator: own && providerRole(own.plan.configuration) };
    const identity = (side: Side) => grantCreatorPolicies(index, account, consumer.grantCreator, side);
    const b = consumersBefore.has(account) ? launchPathOn(before, consumer, identity('before')) : { state: 'absent' as const };
    const a = consumersAfter.has(account) ? launchPathOn(after, consumer, identity('after')) : { state: 'absent' as const };
    if ('assumptions' in a) a.assumptions?.forEach((x) => assumptions.add(x));
    const afterState: PathState = consumersAfter.has(account) ? a.state : after ? 'absent' : 'unknown';
    const present = consumersAfter.has(account) || !after;
    // A cross-account consumer's stack also calls the key itself: its deploy path, beside its launch path.
    const crossAccount = account !== (after ?? before)?.owner;
    const deploy = crossAccount
      ? deployPaths(before, after, consumer, identity, consumersBefore.has(account), consumersAfter.has(account))
      : undefined;
    return {
      account,
      before: b.state,
      after: afterState,
      ...(a.state === 'fails' && 'failing' in a && { failing: a.failing }),
      status: launchStatus(b.state, afterState, present),
      ...(deploy && { deploy: { ...deploy, status: launchStatus(deploy.before, deploy.after, present) } }),
    };
  });
  return { launch, suffixes, assumptions };
}
