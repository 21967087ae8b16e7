import { authorize } from '../evaluator';
import { parseCaller } from '../evaluator/caller';
import type { Grant, KeyAccessInputs, TraceEntry } from '../evaluator/types';
import { SOURCE_LABEL } from '../evaluator/decision';
import type { LoadedKeyAccess } from '../inputs/key-access';
import { CREATE_GRANT } from '../policy/actions';
import type { Partition } from '../policy/arns';
import { GRANT_IS_FOR_AWS_RESOURCE, PRINCIPAL_ARN } from '../policy/conditions';
import { CONSUMER_SID, consumerIamPolicy } from '../policy/consumer-policy';
import { policyDocument, PolicyDocument, PolicyStatement } from '../policy/document';
import { autoScalingGrant } from '../policy/grant';
import { consumerGrantStatement, ownerAutoScalingAttachmentStatement, ownerAutoScalingUseStatement } from '../policy/key-policy';
import type { LaunchStep } from '../policy/launch-path';
import type { StepOutcome } from '../launch/evaluate';
import { NearMiss, nearMisses, statementId } from './near-miss';

export type FixKind =
  | 'use-customer-managed-key'
  | 'remove-condition'
  | 'add-key-policy-statement'
  | 'attach-iam-statement'
  | 'allow-in-scp'
  | 'narrow-deny'
  | 'create-grant'
  | 'unexplained';

export interface Fix {
  /** The failing launch steps this fix repairs, first failing first. */
  readonly steps: readonly string[];
  readonly kind: FixKind;
  /** What blocks the step, naming the statement, grant or absent input. */
  readonly problem: string;
  /** What to do. */
  readonly action: string;
  /** The statement at fault, as the input has it. */
  readonly blocking?: PolicyStatement;
  /** The statement to add, attach or put in its place, exactly as keyshare emits it. */
  readonly statement?: PolicyStatement;
  readonly command?: string;
}

/** What doctor knows about the setup; every fix is built for exactly this key, account and role. */
export interface FixContext {
  readonly partition: Partition;
  readonly region: string;
  readonly keyArn: string;
  readonly consumer: string;
  readonly serviceLinkedRoleSuffix?: string;
  readonly serviceLinkedRole: string;
  readonly grantCreator: string;
  readonly loaded: LoadedKeyAccess;
  readonly files: { readonly iamPolicy: readonly string[]; readonly scp: readonly string[] };
}

type ConditionMiss = Extract<NearMiss, { kind: 'condition' }>;

// Stand-ins that allow everything, so that one policy layer at a time can be judged by the evaluator.
const ALLOW_ALL_KEY_POLICY = policyDocument([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }]);
const ALLOW_ALL_IAM = policyDocument([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]);

export function fixesFor(ctx: FixContext, outcome: StepOutcome): Fix[] {
  const { result, step } = outcome;
  if (result.decision === 'Allowed') return [];
  if (result.decision === 'ExplicitlyDenied') return result.trace.filter((t) => t.effect === 'Deny').map((t) => denyFix(ctx, step, t));
  return step.through === 'grant' ? [grantFix(ctx, outcome)] : policyFixes(ctx, outcome);
}

function allowedWith(outcome: StepOutcome, patch: Partial<KeyAccessInputs>): boolean {
  return authorize({ ...outcome.inputs, ...patch }, outcome.step.request).decision === 'Allowed';
}

/** Which layer is missing, each judged alone: the key policy, the creator's IAM policies, each SCP. */
function policyFixes(ctx: FixContext, outcome: StepOutcome): Fix[] {
  const byCreator = outcome.step.request.principal === ctx.grantCreator;
  // Only the grant creator has IAM policies here; the service-linked role's own policy has no KMS access.
  const identityOk = byCreator ? [ALLOW_ALL_IAM] : [];
  const fixes: Fix[] = [];
  if (!allowedWith(outcome, { identityPolicies: identityOk, scps: [] })) fixes.push(keyPolicyFix(ctx, outcome, identityOk));
  if (byCreator && !allowedWith(outcome, { keyPolicy: ALLOW_ALL_KEY_POLICY, scps: [] })) fixes.push(iamFix(ctx, outcome));
  if (byCreator) {
    ctx.loaded.scps.forEach((scp, i) => {
      if (!allowedWith(outcome, { keyPolicy: ALLOW_ALL_KEY_POLICY, identityPolicies: [ALLOW_ALL_IAM], scps: [scp] })) fixes.push(scpFix(ctx, outcome, i));
    });
  }
  return fixes.length > 0 ? fixes : [unexplainedFix(outcome)];
}

/** The key policy statement keyshare emits for this step. */
function keyPolicyStatement(ctx: FixContext, step: LaunchStep): PolicyStatement {
  if (step.request.principal === ctx.grantCreator) return consumerGrantStatement(ctx.partition, ctx.consumer, ctx.serviceLinkedRoleSuffix);
  return step.request.action === CREATE_GRANT
    ? ownerAutoScalingAttachmentStatement(ctx.partition, ctx.consumer, ctx.serviceLinkedRoleSuffix)
    : ownerAutoScalingUseStatement(ctx.partition, ctx.consumer, ctx.serviceLinkedRoleSuffix);
}

function requestValue(outcome: StepOutcome, key: string): string {
  const value = outcome.step.request.context?.[key];
  return value === undefined ? 'not in the request' : JSON.stringify(value);
}

function closest(outcome: StepOutcome, where: string, misses: readonly NearMiss[]): string {
  const m = misses[0];
  if (!m) return '';
  if (m.kind === 'resource') return `; closest: ${where} statement ${m.id}, whose Resource ${JSON.stringify(m.resource)} does not name ${outcome.step.request.resource}`;
  // Organization membership and the like are facts about the account that only the caller knows.
  const hint = outcome.step.request.context?.[m.key] === undefined ? `; if it holds for this account, pass --context ${m.key}=<value>` : '';
  return `; closest: ${where} statement ${m.id}, whose condition ${m.operator} ${m.key} = ${JSON.stringify(m.expected)} does not match (request: ${requestValue(outcome, m.key)})${hint}`;
}

/** The classic bug's condition among the near misses. */
function grantIsForAwsResource<M extends NearMiss>(misses: readonly M[]): (M & ConditionMiss) | undefined {
  return misses.find((m): m is M & ConditionMiss => m.kind === 'condition' && m.key.toLowerCase() === GRANT_IS_FOR_AWS_RESOURCE.toLowerCase());
}

/**
 * The classic bug: a consumer CreateGrant statement conditioned on `kms:GrantIsForAWSResource`,
 * which is true only when an AWS service calls CreateGrant, never when the grant creator does.
 */
function grantIsForAwsResourceFix(outcome: StepOutcome, where: string, miss: ConditionMiss, statement: PolicyStatement): Fix {
  const { principal } = outcome.step.request;
  return {
    steps: [outcome.step.id],
    kind: 'remove-condition',
    problem: `${where} statement ${miss.id} allows kms:CreateGrant only when ${GRANT_IS_FOR_AWS_RESOURCE} is true, but ${principal} calls CreateGrant itself, so KMS sets it to false`,
    action: `remove "${miss.operator}": {"${GRANT_IS_FOR_AWS_RESOURCE}": …} from statement ${miss.id}, or replace the statement with keyshare's, which pins the grantee and operations instead`,
    blocking: miss.statement,
    statement,
  };
}

function keyPolicyFix(ctx: FixContext, outcome: StepOutcome, identityPolicies: readonly PolicyDocument[]): Fix {
  const { step } = outcome;
  const statement = keyPolicyStatement(ctx, step);
  const misses = nearMisses(ctx.loaded.keyPolicy, (keyPolicy) => allowedWith(outcome, { keyPolicy, identityPolicies, scps: [] }));
  const classic = grantIsForAwsResource(misses);
  if (classic) return grantIsForAwsResourceFix(outcome, 'key policy', classic, statement);
  return {
    steps: [step.id],
    kind: 'add-key-policy-statement',
    problem: `no key policy statement allows ${step.request.action} to ${step.request.principal}${closest(outcome, 'key policy', misses)}`,
    action: `add this statement to the key policy of ${ctx.keyArn} (run from the key's account: aws kms put-key-policy --key-id ${ctx.keyArn} --policy-name default --policy file://key-policy.json)`,
    ...(misses[0] && { blocking: misses[0].statement }),
    statement,
  };
}

/** `put-role-policy` for a role or its session, `put-user-policy` for a user. */
function attachCommand(principal: string, document: PolicyDocument): string | undefined {
  const m = /:(role|assumed-role|user)\/(.+)$/.exec(principal);
  if (!m) return undefined;
  const name = m[1] === 'assumed-role' ? m[2].split('/')[0] : m[2].split('/').pop();
  const kind = m[1] === 'user' ? 'user' : 'role';
  return `aws iam put-${kind}-policy --${kind}-name ${name} --policy-name keyshare-autoscaling-grant --policy-document '${JSON.stringify(document)}'`;
}

function iamFix(ctx: FixContext, outcome: StepOutcome): Fix {
  const { step } = outcome;
  const policy = consumerIamPolicy(ctx.partition, ctx.region, ctx.consumer, ctx.keyArn, ctx.serviceLinkedRoleSuffix);
  const statement = policy.Statement.find((s) => s.Sid === CONSUMER_SID.createGrant) as PolicyStatement;
  const docs = ctx.loaded.identityPolicies;
  const misses = docs.flatMap((doc, i) =>
    nearMisses(doc, (patched) => allowedWith(outcome, { keyPolicy: ALLOW_ALL_KEY_POLICY, identityPolicies: docs.map((d, j) => (j === i ? patched : d)), scps: [] })).map(
      (m) => ({ ...m, where: `IAM policy ${ctx.files.iamPolicy[i]}` }),
    ),
  );
  const classic = grantIsForAwsResource(misses);
  if (classic) return grantIsForAwsResourceFix(outcome, classic.where, classic, statement);
  const none = docs.length === 0 ? ' (no --iam-policy given: counted as none; pass its policies with --iam-policy if it has some)' : '';
  const command = attachCommand(step.request.principal, policyDocument([statement]));
  return {
    steps: [step.id],
    kind: 'attach-iam-statement',
    problem: `no IAM policy of ${step.request.principal} allows ${step.request.action} on ${ctx.keyArn}${none}; across accounts the caller's IAM policy must allow it as well as the key policy${misses[0] ? closest(outcome, misses[0].where, misses) : ''}`,
    action: `attach this statement to ${step.request.principal} in account ${ctx.consumer}`,
    ...(misses[0] && { blocking: misses[0].statement }),
    statement,
    ...(command !== undefined && { command }),
  };
}

function scpFix(ctx: FixContext, outcome: StepOutcome, index: number): Fix {
  const { step } = outcome;
  return {
    steps: [step.id],
    kind: 'allow-in-scp',
    problem: `SCP ${ctx.files.scp[index]} allows no ${step.request.action} for ${step.request.principal}: every SCP that bounds account ${ctx.consumer} must allow the action`,
    action: `add ${step.request.action} to an Allow statement of that SCP, e.g. the statement below (or attach FullAWSAccess beside it)`,
    statement: { Sid: 'AllowKmsCreateGrant', Effect: 'Allow', Action: step.request.action, Resource: '*' },
  };
}

/** The statement a trace entry names, and the file it came from. */
function locate(ctx: FixContext, entry: TraceEntry): { statement: PolicyStatement; file?: string } | undefined {
  const sources: { docs: readonly PolicyDocument[]; files: readonly (string | undefined)[] } | undefined =
    entry.source === 'key-policy'
      ? { docs: [ctx.loaded.keyPolicy], files: [undefined] }
      : entry.source === 'identity-policy'
        ? { docs: ctx.loaded.identityPolicies, files: ctx.files.iamPolicy }
        : entry.source === 'scp'
          ? { docs: ctx.loaded.scps, files: ctx.files.scp }
          : undefined;
  for (const [d, doc] of (sources?.docs ?? []).entries()) {
    const i = doc.Statement.findIndex((s, j) => statementId(s, j) === entry.id);
    if (i >= 0) return { statement: doc.Statement[i], file: sources?.files[d] };
  }
  return undefined;
}

/** An SCP Deny keeps working for everyone else when the one principal that needs the action is exempted. */
function exempting(statement: PolicyStatement, principalArn: string): PolicyStatement {
  const existing = statement.Condition?.ArnNotLike?.[PRINCIPAL_ARN];
  const values = [...(Array.isArray(existing) ? existing : typeof existing === 'string' ? [existing] : []), principalArn];
  return { ...statement, Condition: { ...statement.Condition, ArnNotLike: { ...statement.Condition?.ArnNotLike, [PRINCIPAL_ARN]: values.length === 1 ? values[0] : values } } };
}

function denyFix(ctx: FixContext, step: LaunchStep, entry: TraceEntry): Fix {
  const { principal, action } = step.request;
  const found = locate(ctx, entry);
  const where = `${SOURCE_LABEL[entry.source]}${found?.file ? ` ${found.file}` : ''}`;
  const problem = `${where} statement ${entry.id} explicitly denies ${action} to ${principal} (${entry.detail}); an explicit Deny overrides every Allow`;
  if (entry.source === 'scp' && found) {
    const principalArn = parseCaller(principal).principalArn;
    return {
      steps: [step.id],
      kind: 'narrow-deny',
      problem,
      action: `exempt ${principalArn} from that statement (it becomes the statement below), or move account ${ctx.consumer} out of the SCP's reach`,
      blocking: found.statement,
      statement: exempting(found.statement, principalArn),
    };
  }
  return {
    steps: [step.id],
    kind: 'narrow-deny',
    problem,
    action: `remove that Deny statement from the ${SOURCE_LABEL[entry.source]}, or narrow it (Action, Principal or Condition) so that it no longer matches ${principal}`,
    ...(found && { blocking: found.statement }),
  };
}

/** The `aws kms create-grant` command for keyshare's grant, run from the consumer account. */
function createGrantCommand(grant: Grant, region: string): string {
  return [
    'aws kms create-grant',
    `--key-id ${grant.KeyId}`,
    `--grantee-principal ${grant.GranteePrincipal}`,
    `--operations ${grant.Operations.join(' ')}`,
    ...(grant.Name ? [`--name ${grant.Name}`] : []),
    `--region ${region}`,
  ].join(' ');
}

function grantFix(ctx: FixContext, outcome: StepOutcome): Fix {
  const { step, result } = outcome;
  const role = ctx.serviceLinkedRole;
  const given = ctx.loaded.grants;
  const existing = (given ?? []).filter((g) => g.GranteePrincipal === role);
  const ids = existing.map((g) => g.GrantId ?? g.Name ?? '(no id)');
  const problem =
    given === undefined
      ? `no grants given: counted as none, so ${role} has no grant; if you have created the grant, pass \`aws kms list-grants --key-id ${ctx.keyArn} --output json\` output with --grants`
      : existing.length === 0
        ? `none of the ${given.length} grants given names ${role} as grantee`
        : `grant ${ids.join(', ')} for ${role} does not allow ${step.request.action} here: ${result.missing.join('; ') || 'no grant operation matches'}`;
  const retire = existing.length > 0 ? `; grants cannot be changed, so then retire the old one: aws kms retire-grant --key-id ${ctx.keyArn} --grant-id ${ids[0]} --region ${ctx.region}` : '';
  return {
    steps: [step.id],
    kind: 'create-grant',
    problem,
    action: `create the grant from account ${ctx.consumer} (as ${ctx.grantCreator} or another principal allowed kms:CreateGrant)${retire}`,
    command: createGrantCommand(autoScalingGrant(ctx.partition, ctx.keyArn, ctx.consumer, ctx.serviceLinkedRoleSuffix), ctx.region),
  };
}

function unexplainedFix(outcome: StepOutcome): Fix {
  return {
    steps: [outcome.step.id],
    kind: 'unexplained',
    problem: outcome.result.missing.join('; ') || `${outcome.step.request.action} is denied`,
    action: 'no single statement, grant or SCP explains the denial on its own: see the trace of this step',
  };
}

/** One fix for several steps that need the same change; the first step's wording names it. */
export function mergeFixes(fixes: readonly Fix[]): Fix[] {
  const merged = new Map<string, Fix>();
  for (const fix of fixes) {
    const key = JSON.stringify([fix.kind, fix.blocking, fix.statement, fix.command, fix.kind === 'unexplained' ? fix.problem : '']);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, steps: [...seen.steps, ...fix.steps.filter((s) => !seen.steps.includes(s))] } : fix);
  }
  return [...merged.values()];
}
