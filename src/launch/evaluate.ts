import { authorizeKnowing, type KeyAccessInputs, type Verdict } from '../evaluator';
import type { Grant } from '../policy/kms-api';
import { AUTOSCALING_GRANT_OPERATIONS, KNOWLEDGE_CENTER_GRANT_OPERATIONS } from '../policy/actions';
import { autoScalingRoleArn, principalAccount } from '../policy/arns';
import { grantsNaming } from '../policy/grant';
import { isCallerKnownKey } from '../policy/conditions';
import { type PolicyDocument, statementId } from '../policy/document';
import { granteeNamesPrincipalAccount, principalAccountGranteeAssumption } from '../policy/key-policy';
import { LaunchPathTarget, LaunchStep, launchPath } from './path';

export interface StepOutcome extends Verdict {
  readonly step: LaunchStep;
  /** What the step was decided against. */
  readonly inputs: KeyAccessInputs;
}

/** Allowed, and not resting on a fact the caller did not give. */
export function stepPasses(o: Pick<StepOutcome, 'result' | 'dependsOn'>): boolean {
  return o.dependsOn.length === 0 && o.result.decision === 'Allowed';
}

function forKey(grant: Grant, keyArn: string): boolean {
  return grant.KeyId === keyArn || keyArn.endsWith(`:key/${grant.KeyId}`);
}

/** The grants on the key whose grantee is the target's Auto Scaling role. */
export function grantsForRole(target: LaunchPathTarget, grants: readonly Grant[]): Grant[] {
  const role = autoScalingRoleArn(target.partition, target.account, target.serviceLinkedRoleSuffix).toLowerCase();
  return grantsNaming(grants, target.account)
    .map((g) => g.grant)
    .filter((g) => forKey(g, target.keyArn) && g.GranteePrincipal.toLowerCase() === role);
}

/**
 * Grants for a consumer's Auto Scaling role issued by another account (`IssuingAccount`, as
 * `aws kms list-grants` prints it), typically the key owner's. The grant must be created from the
 * account that owns the Auto Scaling group, not the key's account (AWS re:Post Knowledge Center,
 * "kms-launch-ec2-instance", https://repost.aws/knowledge-center/kms-launch-ec2-instance; EC2 Auto
 * Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes", Example 2,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html),
 * so the launch path does not count them.
 */
export function misissuedGrants(target: LaunchPathTarget, grants: readonly Grant[]): Grant[] {
  if (target.sameAccount) return [];
  return grantsForRole(target, grants).filter((g) => {
    const issuer = principalAccount(g.IssuingAccount ?? '');
    return issuer !== undefined && issuer !== target.account;
  });
}

/** Which operations the grant creator's CreateGrant carries, and where they come from. */
export interface JudgedGrant {
  readonly operations: readonly string[];
  /** `grant`: the user's grant for the role (its ID in `grantId`); `assumed`: none was given. */
  readonly source: 'grant' | 'assumed';
  readonly grantId?: string;
}

/**
 * The CreateGrant request the user's grant implies: the operations of their grant for the Auto
 * Scaling role when one is given. Without one, the grant keyshare would have them create: the Auto
 * Scaling guide's eight operations when the policies allow creating it, else the Knowledge
 * Center's five when they allow that (the fewest AWS documents as sufficient), else the eight.
 */
export function judgedGrant(target: LaunchPathTarget, available: KeyAccessInputs): JudgedGrant {
  const misissued = new Set(misissuedGrants(target, available.grants ?? []));
  const own = grantsForRole(target, available.grants ?? []).find((g) => !misissued.has(g));
  if (own) return { operations: own.Operations, source: 'grant', grantId: own.GrantId ?? own.Name };
  const creatable = [AUTOSCALING_GRANT_OPERATIONS, KNOWLEDGE_CENTER_GRANT_OPERATIONS].find((operations) => {
    const step = launchPath({ ...target, grantOperations: operations }).find((s) => s.id === 'create-grant');
    return step !== undefined && stepPasses(decide(target, available, step, []));
  });
  return { operations: creatable ?? AUTOSCALING_GRANT_OPERATIONS, source: 'assumed' };
}

function decide(target: LaunchPathTarget, available: KeyAccessInputs, step: LaunchStep, excluded: readonly Grant[]): StepOutcome {
  const byCreator = step.request.principal === target.grantCreator;
  const inputs: KeyAccessInputs = {
    ...available,
    identityPolicies: byCreator ? (available.identityPolicies ?? []) : [],
    // The role's own steps may go through its grant, in the key's account too.
    // The list itself when nothing is excluded: the evaluator indexes grants once per list.
    grants: byCreator ? [] : excluded.length === 0 ? available.grants : (available.grants ?? []).filter((g) => !excluded.includes(g)),
    scps: byCreator ? (available.scps ?? []) : [],
    // RCPs bound the key, whoever calls (the evaluator exempts the service-linked role); the boundary is the creator's.
    permissionsBoundary: byCreator ? available.permissionsBoundary : undefined,
  };
  return { step, inputs, ...authorizeKnowing(inputs, step.request, isCallerKnownKey) };
}

/**
 * Decides every step of one consumer's launch path. IAM policies and SCPs belong to the grant
 * creator, so only its own steps see them (SCPs never restrict service-linked roles); grants are
 * what the service-linked role's steps may go through. A step whose answer rests on a fact the
 * caller did not give (organization membership, ...) is unknown: `dependsOn` names it. `check`
 * (on what keyshare emits) and `doctor` (on what a user pastes) both decide the path here.
 */
export function evaluateLaunchPath(target: LaunchPathTarget, available: KeyAccessInputs): StepOutcome[] {
  const excluded = misissuedGrants(target, available.grants ?? []);
  return launchPath(target).map((step) => decide(target, available, step, excluded));
}

/**
 * Steps allowed through a key policy statement whose kms:GranteePrincipal holds
 * `${aws:PrincipalAccount}`: allowed only if KMS resolves the variable there, which no KMS page shows.
 * `doctor` and `review` print the assumption for the statements such steps went through.
 */
export function assumedThrough(keyPolicy: PolicyDocument, steps: readonly StepOutcome[]): { assumptions: string[]; assumedSteps: string[] } {
  const undocumented = new Set(
    keyPolicy.Statement.map((st, i) => (granteeNamesPrincipalAccount(st) ? statementId(st, i) : undefined)).filter((id) => id !== undefined),
  );
  const assumedSteps: string[] = [];
  const sids = new Set<string>();
  for (const s of steps) {
    if (!stepPasses(s)) continue;
    const used = s.result.trace.filter((t) => t.source === 'key-policy' && t.effect === 'Allow' && undocumented.has(t.id)).map((t) => t.id);
    if (used.length === 0) continue;
    assumedSteps.push(s.step.id);
    for (const id of used) sids.add(id);
  }
  return { assumptions: [...sids].map(principalAccountGranteeAssumption), assumedSteps };
}
