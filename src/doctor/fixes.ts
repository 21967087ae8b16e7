import { quote } from 'shell-quote';
import { authorize, isConditionKey, type KeyAccessInputs, SOURCE_LABEL, type TraceEntry } from '../evaluator';
import type { LoadedKeyAccess } from '../inputs/key-access';
import { CREATE_GRANT } from '../policy/actions';
import { ALLOW_ALL_KMS_IAM_POLICY, ALLOW_ALL_KMS_KEY_POLICY } from '../policy/allow-all';
import { accountRootArn, iamIdentityOf, parseKmsArn, type Partition, principalAccount } from '../policy/arns';
import { ENCRYPTION_CONTEXT_PREFIX, GRANT_IS_FOR_AWS_RESOURCE, isCallerKnownKey, VIA_SERVICE } from '../policy/conditions';
import { CONSUMER_SID, consumerIamPolicy, consumerIamPolicyName } from '../policy/consumer-policy';
import { policyDocument, PolicyDocument, PolicyStatement, statementId } from '../policy/document';
import { autoScalingGrant } from '../policy/grant';
import { consumerGrantStatement, ownerAutoScalingAttachmentStatement, ownerAutoScalingUseStatement } from '../policy/key-policy';
import type { LaunchStep } from '../launch/path';
import { stepPasses, type StepOutcome } from '../launch/evaluate';
import { Culprit, culprits } from './culprits';
import type { Grant } from '../policy/kms-api';

export type FixKind =
  | 'use-customer-managed-key'
  | 'add-key-policy-statement'
  | 'attach-iam-statement'
  | 'allow-in-scp'
  | 'narrow-deny'
  | 'create-grant'
  | 'reissue-grant'
  | 'pass-context'
  | 'unexplained';

/** What a fix changes, as the evaluator reads it; `prove.ts` applies it to re-prove the fix. */
export interface FixInputs {
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly grants: readonly Grant[];
  readonly scps: readonly PolicyDocument[];
}

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
  /** The account whose credentials `command` must run with. */
  readonly runIn?: string;
  /**
   * The change the fix prints, applied to the inputs. Every fix that has one is re-proven before
   * it is printed (`prove.ts`): the steps pass and no least-privilege probe is newly allowed.
   * Functions do not serialize, so JSON output leaves it out.
   */
  readonly apply?: (inputs: FixInputs) => FixInputs;
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
  /** Operations of the grant to create when the role has no usable grant (see `judgedGrant`). */
  readonly newGrantOperations: readonly string[];
  /** Grants for the role issued by another account than the consumer's; the launch path ignores them. */
  readonly misissued: readonly Grant[];
  /** Where `--fixed-key-policy` writes the key policy with the fixes applied; the put-key-policy command reads it. */
  readonly fixedKeyPolicyFile: string;
}

type ConditionMiss = Extract<Culprit, { kind: 'condition' }>;

// Stand-ins that allow everything, so that one policy layer at a time can be judged by the evaluator.

export function fixesFor(ctx: FixContext, outcome: StepOutcome): Fix[] {
  const { result, step } = outcome;
  if (stepPasses(outcome)) return [];
  if (outcome.dependsOn.length > 0) return [contextFix(outcome)];
  if (result.decision === 'ExplicitlyDenied') return result.trace.filter((t) => t.effect === 'Deny').map((t) => denyFix(ctx, step, t));
  return step.through === 'grant' ? [grantFix(ctx, outcome)] : policyFixes(ctx, outcome);
}

/**
 * The step's answer rests on a fact only the caller knows (e.g. aws:ResourceOrgID, in the request
 * only when the key's owner is in an organization). It is neither allowed nor denied: keyshare asks
 * for the fact and changes nothing.
 */
function contextFix(outcome: StepOutcome): Fix {
  const unknowable = new Set((outcome.step.request.unknownEncryptionContext ?? []).map((k) => `${ENCRYPTION_CONTEXT_PREFIX}${k}`));
  const volume = outcome.dependsOn.filter((k) => unknowable.has(k));
  if (volume.length > 0) {
    return {
      steps: [outcome.step.id],
      kind: 'pass-context',
      problem: `${outcome.step.id} depends on ${volume.join(', ')}: EBS sends the ID of the volume the launch creates as encryption context (KMS developer guide, "How Amazon EBS uses AWS KMS"), and a policy matches it with a pattern; no one knows that ID before the launch, so the outcome is unknown`,
      action: `make the pattern match every volume the launch may create, or decide it for one volume with explain --requests (encryptionContext {"aws:ebs:id": "vol-…"})`,
    };
  }
  const undecided = outcome.dependsOn.filter((k) => !isConditionKey(k));
  if (undecided.length > 0) {
    return {
      steps: [outcome.step.id],
      kind: 'pass-context',
      problem: `${outcome.step.id} is unknown: it rests on ${undecided.join('; ')}, which the AWS page does not decide`,
      action:
        'keyshare proposes no change to a Deny: ask its owner whether the caller is meant to be exempt (the page recommends naming the session, its role and their account together when it is)',
    };
  }
  const keys = outcome.dependsOn;
  return {
    steps: [outcome.step.id],
    kind: 'pass-context',
    problem: `${outcome.step.id} depends on ${keys.join(', ')}: a policy tests ${keys.length > 1 ? 'them' : 'it'}, the request carries ${keys.length > 1 ? 'them' : 'it'} when ${keys.length > 1 ? 'they apply' : 'it applies'}, and no value was given, so the outcome is unknown`,
    action: `pass ${keys.map((k) => `--context ${k}=…`).join(' ')} with the value${keys.length > 1 ? 's' : ''} for this account and key (AWS global condition context keys)`,
  };
}

function allowedWith(outcome: StepOutcome, patch: Partial<KeyAccessInputs>): boolean {
  return authorize({ ...outcome.inputs, ...patch }, outcome.step.request).decision === 'Allowed';
}

function appendStatement(doc: PolicyDocument, statement: PolicyStatement): PolicyDocument {
  return { ...doc, Statement: [...doc.Statement, statement] };
}

/** Which layer is missing, each judged alone: the key policy, the creator's IAM policies, each SCP. */
function policyFixes(ctx: FixContext, outcome: StepOutcome): Fix[] {
  const byCreator = outcome.step.request.principal === ctx.grantCreator;
  // Only the grant creator has IAM policies here; the service-linked role's own policy has no KMS access.
  const identityOk = byCreator ? [ALLOW_ALL_KMS_IAM_POLICY] : [];
  const fixes: Fix[] = [];
  if (!allowedWith(outcome, { identityPolicies: identityOk, scps: [] })) fixes.push(keyPolicyFix(ctx, outcome, identityOk));
  if (byCreator && !allowedWith(outcome, { keyPolicy: ALLOW_ALL_KMS_KEY_POLICY, scps: [] })) fixes.push(iamFix(ctx, outcome));
  if (byCreator) {
    ctx.loaded.scps.forEach((scp, i) => {
      const scpAlone = { keyPolicy: ALLOW_ALL_KMS_KEY_POLICY, identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY], scps: [scp] };
      if (!allowedWith(outcome, scpAlone)) fixes.push(scpFix(ctx, outcome, i));
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

/**
 * Only a fact the request really may carry is worth a `--context` hint. Any other key the step's
 * own request fixes: kms:ViaService, say, is never in a CreateGrant that Terraform or the CLI sends
 * directly (KMS developer guide, "AWS KMS condition keys", kms:ViaService,
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service),
 * so passing it would turn a real failure into a false "works".
 */
function keyHint(outcome: StepOutcome, key: string): string {
  if (outcome.step.request.context?.[key] !== undefined) return '';
  if (isCallerKnownKey(key)) return `; if it holds for this account, pass --context ${key}=<value>`;
  if (key.toLowerCase() === VIA_SERVICE.toLowerCase())
    return `; this request is sent directly, not through an AWS service, so it never carries ${key}`;
  return `; this request never carries ${key}`;
}

function closest(outcome: StepOutcome, where: string, misses: readonly Culprit[]): string {
  const m = misses[0];
  if (!m) return '';
  if (m.kind === 'resource')
    return `; closest: ${where} statement ${m.id}, whose Resource ${JSON.stringify(m.resource)} does not name ${outcome.step.request.resource}`;
  return `; closest: ${where} statement ${m.id}, whose condition ${m.operator} ${m.key} = ${JSON.stringify(m.expected)} does not match (request: ${requestValue(outcome, m.key)})${keyHint(outcome, m.key)}`;
}

/** The classic bug's condition among the near misses. */
function grantIsForAwsResource<M extends Culprit>(misses: readonly M[]): (M & ConditionMiss) | undefined {
  return misses.find((m): m is M & ConditionMiss => m.kind === 'condition' && m.key.toLowerCase() === GRANT_IS_FOR_AWS_RESOURCE.toLowerCase());
}

/**
 * The classic bug: a consumer CreateGrant statement conditioned on `kms:GrantIsForAWSResource`,
 * which is true only when an AWS service calls CreateGrant, never when the grant creator does.
 * Removing the condition would let the account grant any principal; keyshare's statement, added
 * beside it, pins the grantee to the account's own Auto Scaling role and the operations instead.
 */
function grantIsForAwsResourceProblem(outcome: StepOutcome, where: string, miss: ConditionMiss): string {
  const { principal } = outcome.step.request;
  return `${where} statement ${miss.id} allows kms:CreateGrant only when ${GRANT_IS_FOR_AWS_RESOURCE} is true, but ${principal} calls CreateGrant itself, so KMS sets it to false`;
}

const GRANT_IS_FOR_AWS_RESOURCE_ACTION = `do not just remove the ${GRANT_IS_FOR_AWS_RESOURCE} condition (the account could then grant any principal): add keyshare's statement below, which pins the grantee to the Auto Scaling role and the grant operations`;

function keyPolicyFix(ctx: FixContext, outcome: StepOutcome, identityPolicies: readonly PolicyDocument[]): Fix {
  const { step } = outcome;
  const statement = keyPolicyStatement(ctx, step);
  const misses = culprits(ctx.loaded.keyPolicy, (keyPolicy) => allowedWith(outcome, { keyPolicy, identityPolicies, scps: [] }));
  const classic = grantIsForAwsResource(misses);
  // put-key-policy takes the bare policy document (KMS API reference, PutKeyPolicy, "Policy"), not
  // the {"Policy": …, "PolicyName": …} wrapper get-key-policy prints: --fixed-key-policy writes it.
  const file = quote([ctx.fixedKeyPolicyFile]);
  const written = `then put the key policy with it added: the command below reads ${file}, which doctor --fixed-key-policy ${file} writes`;
  return {
    steps: [step.id],
    kind: 'add-key-policy-statement',
    problem: classic
      ? grantIsForAwsResourceProblem(outcome, 'key policy', classic)
      : `no key policy statement allows ${step.request.action} to ${step.request.principal}${closest(outcome, 'key policy', misses)}`,
    action: classic ? `${GRANT_IS_FOR_AWS_RESOURCE_ACTION} (${written})` : `add this statement to the key policy of ${ctx.keyArn} (${written})`,
    ...(misses[0] && { blocking: (classic ?? misses[0]).statement }),
    statement,
    command: `aws kms put-key-policy --key-id ${ctx.keyArn} --policy-name default --policy file://${file} --region ${ctx.region}`,
    runIn: parseKmsArn(ctx.keyArn)?.account,
    apply: (inputs) => ({ ...inputs, keyPolicy: appendStatement(inputs.keyPolicy, statement) }),
  };
}

/** `put-role-policy` for a role or its session, `put-user-policy` for a user. */
function attachCommand(principal: string, document: PolicyDocument): string | undefined {
  const identity = iamIdentityOf(principal);
  if (!identity) return undefined;
  const { kind, name } = identity;
  return `aws iam put-${kind}-policy --${kind}-name ${name} --policy-name ${consumerIamPolicyName()} --policy-document '${JSON.stringify(document)}'`;
}

function iamFix(ctx: FixContext, outcome: StepOutcome): Fix {
  const { step } = outcome;
  const policy = consumerIamPolicy(ctx.partition, ctx.region, ctx.consumer, ctx.keyArn, ctx.serviceLinkedRoleSuffix);
  const statement = policy.Statement.find((s) => s.Sid === CONSUMER_SID.createGrant) as PolicyStatement;
  const docs = ctx.loaded.identityPolicies;
  const misses = docs.flatMap((doc, i) => {
    const withPatched = (patched: PolicyDocument) => docs.map((d, j) => (j === i ? patched : d));
    const decides = (patched: PolicyDocument) =>
      allowedWith(outcome, { keyPolicy: ALLOW_ALL_KMS_KEY_POLICY, identityPolicies: withPatched(patched), scps: [] });
    return culprits(doc, decides).map((m) => ({ ...m, where: `IAM policy ${ctx.files.iamPolicy[i]}` }));
  });
  const classic = grantIsForAwsResource(misses);
  const none = docs.length === 0 ? ' (no --iam-policy given: counted as none; pass its policies with --iam-policy if it has some)' : '';
  const document = policyDocument([statement]);
  const command = attachCommand(step.request.principal, document);
  return {
    steps: [step.id],
    kind: 'attach-iam-statement',
    problem: classic
      ? grantIsForAwsResourceProblem(outcome, classic.where, classic)
      : `no IAM policy of ${step.request.principal} allows ${step.request.action} on ${ctx.keyArn}${none}; across accounts the caller's IAM policy must allow it as well as the key policy${misses[0] ? closest(outcome, misses[0].where, misses) : ''}`,
    action: classic
      ? `${GRANT_IS_FOR_AWS_RESOURCE_ACTION}, attached to ${step.request.principal}`
      : `attach this statement to ${step.request.principal} in account ${ctx.consumer}`,
    ...(misses[0] && { blocking: (classic ?? misses[0]).statement }),
    statement,
    ...(command !== undefined && { command, runIn: principalAccount(step.request.principal) }),
    apply: (inputs) => ({ ...inputs, identityPolicies: [...inputs.identityPolicies, document] }),
  };
}

/**
 * SCPs may carry Resource and Condition in Allow statements (AWS Organizations User Guide, "SCP
 * syntax", https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html),
 * so the allow is scoped exactly like keyshare's IAM statement: this key, the Auto Scaling role, the
 * grant operations. An unscoped allow would lift the bound for every grant of every key.
 */
function scpFix(ctx: FixContext, outcome: StepOutcome, index: number): Fix {
  const { step } = outcome;
  const policy = consumerIamPolicy(ctx.partition, ctx.region, ctx.consumer, ctx.keyArn, ctx.serviceLinkedRoleSuffix);
  const statement = policy.Statement.find((s) => s.Sid === CONSUMER_SID.createGrant) as PolicyStatement;
  return {
    steps: [step.id],
    kind: 'allow-in-scp',
    problem: `SCP ${ctx.files.scp[index]} allows no ${step.request.action} for ${step.request.principal}: every SCP that bounds account ${ctx.consumer} must allow the action`,
    action: `add the statement below to that SCP: it allows ${step.request.action} on this key only for the Auto Scaling role's grant`,
    statement,
    apply: (inputs) => ({ ...inputs, scps: inputs.scps.map((scp, i) => (i === index ? appendStatement(scp, statement) : scp)) }),
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

/**
 * An explicit Deny that holds whatever the caller's facts: keyshare names it and prints no change.
 * A Deny is someone's guardrail (an SCP is the organization's); exempting a principal from it, or
 * removing it, widens access in ways no launch-path proof can bound.
 */
function denyFix(ctx: FixContext, step: LaunchStep, entry: TraceEntry): Fix {
  const { principal, action } = step.request;
  const found = locate(ctx, entry);
  const where = `${SOURCE_LABEL[entry.source]}${found?.file ? ` ${found.file}` : ''}`;
  return {
    steps: [step.id],
    kind: 'narrow-deny',
    problem: `${where} statement ${entry.id} explicitly denies ${action} to ${principal} (${entry.detail}); an explicit Deny overrides every Allow`,
    action:
      entry.source === 'scp'
        ? `this is the organization's guardrail: ask its owners whether ${action} on ${ctx.keyArn} by ${principal} is meant to be denied; keyshare proposes no exemption from a Deny`
        : `ask the owner of that ${SOURCE_LABEL[entry.source]} whether the Deny is meant to match ${principal}'s ${action}; keyshare proposes no change to a Deny`,
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

function retireCommand(ctx: FixContext, grant: Grant): string {
  return `aws kms retire-grant --key-id ${ctx.keyArn} --grant-id ${grant.GrantId ?? grant.Name ?? '(no id)'} --region ${ctx.region}`;
}

function grantFix(ctx: FixContext, outcome: StepOutcome): Fix {
  const { step, result } = outcome;
  const role = ctx.serviceLinkedRole;
  const given = ctx.loaded.grants;
  const existing = (given ?? []).filter((g) => g.GranteePrincipal.toLowerCase() === role.toLowerCase() && !ctx.misissued.includes(g));
  const ids = existing.map((g) => g.GrantId ?? g.Name ?? '(no id)');
  const keyshareGrant = autoScalingGrant(ctx.partition, ctx.keyArn, ctx.consumer, ctx.serviceLinkedRoleSuffix);
  const grant: Grant = { ...keyshareGrant, Operations: [...ctx.newGrantOperations] };
  const issued: Grant = { ...grant, IssuingAccount: accountRootArn(ctx.partition, ctx.consumer) };
  const command = createGrantCommand(grant, ctx.region);
  const replacing = [...existing, ...ctx.misissued];
  const apply = (inputs: FixInputs): FixInputs => ({ ...inputs, grants: [...inputs.grants.filter((g) => !replacing.includes(g)), issued] });
  const misissued = ctx.misissued[0];
  if (existing.length === 0 && misissued) {
    const issuer = principalAccount(misissued.IssuingAccount ?? '');
    return {
      steps: [step.id],
      kind: 'reissue-grant',
      problem: `grant ${misissued.GrantId ?? misissued.Name ?? '(no id)'} for ${role} was issued by account ${issuer} (IssuingAccount), not by ${ctx.consumer}: the grant must be created from the account that owns the Auto Scaling group, not the key's account (Knowledge Center "kms-launch-ec2-instance"; EC2 Auto Scaling guide, Example 2)`,
      action: `create the grant from account ${ctx.consumer} (as ${ctx.grantCreator} or another principal allowed kms:CreateGrant), then retire the old one from account ${issuer}, which issued it: ${retireCommand(ctx, misissued)}`,
      command,
      runIn: ctx.consumer,
      apply,
    };
  }
  const problem =
    given === undefined
      ? `no grants given: counted as none, so ${role} has no grant; if you have created the grant, pass \`aws kms list-grants --key-id ${ctx.keyArn} --output json\` output with --grants`
      : existing.length === 0
        ? `none of the ${given.length} grants given names ${role} as grantee`
        : `grant ${ids.join(', ')} for ${role} does not allow ${step.request.action} here: ${result.missing.join('; ') || 'no grant operation matches'}`;
  // A grant cannot be changed; the account that created it may retire it ("Retiring and revoking grants").
  const retire = existing.length > 0 ? `; grants cannot be changed, so then retire the old one: ${retireCommand(ctx, existing[0])}` : '';
  return {
    steps: [step.id],
    kind: 'create-grant',
    problem,
    action: `create the grant from account ${ctx.consumer} (as ${ctx.grantCreator} or another principal allowed kms:CreateGrant)${retire}`,
    command,
    runIn: ctx.consumer,
    apply,
  };
}

export function unexplainedFix(outcome: Pick<StepOutcome, 'step' | 'result'>, why?: string): Fix {
  return {
    steps: [outcome.step.id],
    kind: 'unexplained',
    problem: outcome.result.missing.join('; ') || `${outcome.step.request.action} is ${outcome.result.decision === 'Allowed' ? 'allowed' : 'denied'}`,
    action: why ?? 'no single statement, grant or SCP explains the denial on its own: see the trace of this step',
  };
}

/** One fix for several steps that need the same change; the first step's wording names it. */
export function mergeFixes(fixes: readonly Fix[]): Fix[] {
  const merged = new Map<string, Fix>();
  for (const fix of fixes) {
    const key = JSON.stringify([
      fix.kind,
      fix.blocking,
      fix.statement,
      fix.command,
      fix.kind === 'unexplained' || fix.kind === 'pass-context' ? fix.problem : '',
    ]);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, steps: [...seen.steps, ...fix.steps.filter((s) => !seen.steps.includes(s))] } : fix);
  }
  return [...merged.values()];
}
