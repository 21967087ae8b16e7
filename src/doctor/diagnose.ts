import { type KeyAccessInputs, parseCaller } from '../evaluator';
import { keyAccessInputs, KeyAccessFlags, LoadedKeyAccess } from '../inputs/key-access';
import { keyPolicyOwner } from '../inputs/key-arn';
import { autoScalingRoleArn, parseKmsArn, roleArn } from '../policy/arns';
import { assumedThrough, evaluateLaunchPath, judgedGrant, JudgedGrant, misissuedGrants, type StepOutcome, stepPasses } from '../launch/evaluate';
import { callerFacts, LaunchPathTarget, STAND_IN_GRANT_CREATOR_ROLE } from '../launch/path';
import { Fix, FixContext, FixInputs, fixesFor, mergeFixes } from './fixes';
import { proveFixes, ProofScope } from './prove';
import type { ContextEntry } from '../policy/kms-api';
import { GRANT_OPERATIONS } from '../policy/conditions';
import type { PolicyDocument } from '../policy/document';
import { proveDeployPath, type DeployStep } from '../check/deploy';
import { SHARED_KEY_TYPES } from '../policy/deploy-path';
import { issuedAutoScalingGrant } from '../policy/grant';

export interface DoctorTarget {
  readonly consumer: string;
  readonly serviceLinkedRoleSuffix?: string;
  readonly grantCreator?: string;
  /** Context the caller knows and keyshare cannot (organization membership); the steps' own keys win. */
  readonly context?: Readonly<Record<string, ContextEntry>>;
  /**
   * Terraform's role in the consumer account (`--deploy-role`), which creates the grant in keyshare's
   * consumer stack: it is the grant creator, and its deploy path (every KMS call the AWS provider makes
   * on the key for that stack) is decided too.
   */
  readonly deployRole?: string;
  /** Where the key policy with the fixes applied is to be written (`--fixed-key-policy`); named in the put-key-policy command. */
  readonly fixedKeyPolicyFile?: string;
}

/** The file name the put-key-policy command reads when `--fixed-key-policy` was not given. */
export const FIXED_KEY_POLICY_FILE = 'fixed-key-policy.json';

export interface Diagnosis {
  readonly keyArn: string;
  readonly consumer: string;
  readonly sameAccount: boolean;
  readonly serviceLinkedRole: string;
  readonly grantCreator: string;
  /** True when `--grant-creator` was not given and a stand-in role is used. */
  readonly grantCreatorAssumed: boolean;
  /** Why the key is AWS managed, when it is. */
  readonly awsManaged?: string;
  readonly steps: readonly StepOutcome[];
  /** First the fix for the first failing step. */
  readonly fixes: readonly Fix[];
  /** What was given, and how absent inputs were counted. */
  readonly inputs: readonly string[];
  readonly notes: readonly string[];
  /** What steps that pass rest on beyond the AWS pages, as `check` and `synth` print it; `assumedSteps` names them. */
  readonly assumptions: readonly string[];
  readonly assumedSteps: readonly string[];
  /**
   * The key policy with every proven key-policy fix applied, as put-key-policy takes it, and the
   * file `--fixed-key-policy` names for it; absent when the key policy needs no fix.
   */
  readonly fixedKeyPolicy?: { readonly document: PolicyDocument; readonly file?: string };
  /**
   * With `--deploy-role` across accounts: each KMS call Terraform's AWS provider makes on the key for
   * the consumer's stack (src/policy/deploy-path.ts), decided for that role on the same inputs.
   */
  readonly deploy?: { readonly role: string; readonly steps: readonly DeployStep[] };
}

/** Whether Terraform can create, refresh and destroy the consumer's stack: true when not asked. */
export function deployWorks(d: Diagnosis): boolean {
  return !d.deploy || d.deploy.steps.every(stepPasses);
}

export { STAND_IN_GRANT_CREATOR_ROLE as GRANT_CREATOR_ROLE } from '../launch/path';

export function launchWorks(d: Diagnosis): boolean {
  return d.fixes.length === 0 && d.steps.every(stepPasses);
}

function awsManagedReason(loaded: LoadedKeyAccess): string | undefined {
  if (loaded.keyArn.awsManagedAlias) return `it is named by ${loaded.keyArn.awsManagedAlias}, an alias/aws/ alias`;
  if (keyPolicyOwner(loaded.keyPolicy)?.from === 'aws-managed')
    return 'its key policy has the AWS-managed shape: any principal of one account, only through one service';
  return undefined;
}

/**
 * Walks the launch path (src/launch/path.ts) for one consumer: the grant creator's
 * CreateGrant against the key policy, its IAM policies and the SCPs; the service-linked role's use
 * and EC2's child grant against the grants (SCPs never restrict service-linked roles).
 */
export function diagnose(loaded: LoadedKeyAccess, flags: KeyAccessFlags, target: DoctorTarget): Diagnosis {
  const keyArn = loaded.keyArn.arn;
  const key = parseKmsArn(keyArn);
  if (!key) throw new Error(`unparsable key ARN ${keyArn}`);
  const sameAccount = key.account === target.consumer;
  const grantCreator = target.deployRole ?? target.grantCreator ?? roleArn(key.partition, target.consumer, STAND_IN_GRANT_CREATOR_ROLE);
  const serviceLinkedRole = autoScalingRoleArn(key.partition, target.consumer, target.serviceLinkedRoleSuffix);
  const path: LaunchPathTarget = {
    partition: key.partition,
    keyArn,
    region: key.region,
    account: target.consumer,
    serviceLinkedRoleSuffix: target.serviceLinkedRoleSuffix,
    grantCreator,
    sameAccount,
    accountContext: target.context,
  };
  const available = keyAccessInputs(loaded, { identity: true, scps: true, grants: true });
  const run = (inputs: KeyAccessInputs) => {
    const judged = judgedGrant(path, inputs);
    return { judged, steps: evaluateLaunchPath({ ...path, grantOperations: judged.operations }, inputs) };
  };
  const { judged, steps } = run(available);
  const misissued = misissuedGrants(path, available.grants ?? []);

  const ctx: FixContext = {
    partition: key.partition,
    region: key.region,
    keyArn,
    consumer: target.consumer,
    serviceLinkedRoleSuffix: target.serviceLinkedRoleSuffix,
    serviceLinkedRole,
    grantCreator,
    loaded,
    files: { iamPolicy: flags.iamPolicy, scp: flags.scp },
    // A new grant is the one the policies let the creator make (judged without the role's grants).
    newGrantOperations: judgedGrant(path, { ...available, grants: [] }).operations,
    misissued,
    fixedKeyPolicyFile: target.fixedKeyPolicyFile ?? FIXED_KEY_POLICY_FILE,
  };
  const awsManaged = awsManagedReason(loaded);
  const base: FixInputs = {
    keyPolicy: available.keyPolicy,
    identityPolicies: available.identityPolicies ?? [],
    grants: available.grants ?? [],
    scps: available.scps ?? [],
  };
  const scope: ProofScope = {
    partition: key.partition,
    keyArn,
    owner: key.account,
    consumer: target.consumer,
    serviceLinkedRoleSuffix: target.serviceLinkedRoleSuffix,
    grantCreator,
    facts: callerFacts(target.context),
  };
  // An AWS-managed key's policy cannot be edited, so no statement or grant fix applies across accounts.
  const fixes =
    awsManaged && !sameAccount
      ? [managedKeyFix(loaded.keyArn.awsManagedAlias ?? keyArn, awsManaged, target.consumer, key.region, key.account)]
      : proveFixes(
          mergeFixes(steps.flatMap((s) => fixesFor(ctx, s))),
          scope,
          base,
          (inputs) => run({ ...available, ...inputs }).steps,
          steps.filter((s) => !stepPasses(s)),
        );

  const { assumptions, assumedSteps } = assumedThrough(loaded.keyPolicy, steps);
  const deploy =
    target.deployRole === undefined || sameAccount
      ? undefined
      : {
          role: target.deployRole,
          steps: proveDeployPath({
            stack: `consumer-${target.consumer}`,
            account: target.consumer,
            role: target.deployRole,
            types: SHARED_KEY_TYPES,
            partition: key.partition,
            keyArn,
            keyPolicy: available.keyPolicy,
            identityPolicies: available.identityPolicies ?? [],
            // The grant the stack creates is the deploy role's account's to retire, whichever grants were given.
            grants: [...(available.grants ?? []), issuedAutoScalingGrant(key.partition, keyArn, target.consumer, target.serviceLinkedRoleSuffix)],
            serviceLinkedRoleSuffix: target.serviceLinkedRoleSuffix,
            accountContext: callerFacts(target.context),
            bounds: {
              scps: available.scps,
              rcps: available.rcps,
              permissionsBoundary: available.permissionsBoundary,
              callerInManagementAccount: available.callerInManagementAccount,
              keyInManagementAccount: available.keyInManagementAccount,
            },
          }).steps,
        };
  const keyPolicyFixes = fixes.filter((f) => f.kind === 'add-key-policy-statement' && f.apply);
  const fixedKeyPolicy = keyPolicyFixes.reduce((inputs, f) => f.apply!(inputs), base).keyPolicy;
  return {
    keyArn,
    consumer: target.consumer,
    assumptions,
    assumedSteps,
    sameAccount,
    serviceLinkedRole,
    grantCreator,
    grantCreatorAssumed: target.grantCreator === undefined && target.deployRole === undefined,
    ...(deploy && { deploy }),
    ...(awsManaged && { awsManaged }),
    steps,
    fixes,
    inputs: [
      ...inputLines(loaded, flags, sameAccount, grantCreator, target.grantCreator === undefined && target.deployRole === undefined),
      ...(sameAccount ? [] : [grantOperationsLine(judged)]),
    ],
    notes: [...loaded.notes, ...creatorNotes(grantCreator, target.consumer, sameAccount), ...ignoredContextNotes(target.context)],
    ...(keyPolicyFixes.length > 0 && { fixedKeyPolicy: { document: fixedKeyPolicy, file: target.fixedKeyPolicyFile } }),
  };
}

/** Which CreateGrant the create-grant step judged, and why those operations. */
function grantOperationsLine(judged: JudgedGrant): string {
  const ops = judged.operations.join(' ');
  return judged.source === 'grant'
    ? `${GRANT_OPERATIONS} of create-grant: ${ops}, from grant ${judged.grantId ?? '(no id)'} for the Auto Scaling role`
    : `${GRANT_OPERATIONS} of create-grant: ${ops}, assumed: the grant keyshare would have you create (no grant for the Auto Scaling role given); pass --grants to judge yours`;
}

/** --context keys a launch step's own request fixes are not taken from the caller. */
function ignoredContextNotes(context: DoctorTarget['context']): string[] {
  const ignored = Object.keys(context ?? {}).filter((k) => !(k in callerFacts(context)));
  return ignored.map(
    (k) =>
      `--context ${k} is ignored: each launch step's request fixes ${k} itself (a CreateGrant that Terraform or the CLI sends directly carries no kms:ViaService; EC2's calls carry ec2.<region>.amazonaws.com)`,
  );
}

/** The launch path has the consumer account grant to its own role; a creator elsewhere is usually a mix-up. */
function creatorNotes(grantCreator: string, consumer: string, sameAccount: boolean): string[] {
  const account = parseCaller(grantCreator).account;
  return !sameAccount && account !== consumer ? [`the grant creator is in account ${account}, not in the consumer account ${consumer}`] : [];
}

/** `owner`: the key's account, where an AWS managed key and the AMI encrypted under it live. */
function managedKeyFix(keyArn: string, reason: string, consumer: string, region: string, owner: string): Fix {
  return {
    steps: [],
    kind: 'use-customer-managed-key',
    problem: `${keyArn} is an AWS managed key (${reason}): its key policy cannot be changed, so account ${consumer} can never be allowed to use it`,
    action: `create a customer managed key (keyshare synth emits one with the key policy this launch needs), then copy the AMI so that its snapshots are encrypted under it`,
    command: `aws ec2 copy-image --source-image-id <ami-id> --source-region ${region} --region ${region} --name <name> --encrypted --kms-key-id <new key ARN>`,
    runIn: owner,
  };
}

function inputLines(loaded: LoadedKeyAccess, flags: KeyAccessFlags, sameAccount: boolean, creator: string, assumed: boolean): string[] {
  const lines = [`key policy: ${flags.keyPolicy}`];
  if (sameAccount) {
    lines.push('same account: the service-linked role needs only the key policy, so IAM policies, grants and SCPs are not used');
    return lines;
  }
  lines.push(
    assumed
      ? `grant creator: ${creator}, a stand-in for the principal that runs create-grant in the consumer account; pass --grant-creator ARN to name yours`
      : `grant creator: ${creator}`,
  );
  lines.push(
    flags.iamPolicy.length > 0
      ? `IAM policies (taken as the grant creator's): ${flags.iamPolicy.join(', ')}`
      : 'IAM policies: none given, counted as none: the grant creator has no IAM permission',
  );
  lines.push(
    loaded.grants !== undefined
      ? `grants: ${flags.grants} (${loaded.grants.length})`
      : `grants: none given, counted as none; if you have created the grant, pass \`aws kms list-grants --key-id ${loaded.keyArn.arn} --output json\` output with --grants`,
  );
  lines.push(flags.scp.length > 0 ? `SCPs (bounding the grant creator's account): ${flags.scp.join(', ')}` : 'SCPs: none given, counted as none');
  lines.push(
    (flags.rcp ?? []).length > 0
      ? `RCPs (bounding the key's account${flags.keyInManagementAccount ? ', which is the management account: RCPs do not affect its resources' : ''}): ${flags.rcp!.join(', ')}`
      : 'RCPs: none given, counted as none',
  );
  lines.push(
    flags.permissionsBoundary !== undefined
      ? `permissions boundary (the grant creator's): ${flags.permissionsBoundary}`
      : 'permissions boundary: none given, counted as none (the grant creator has no boundary)',
  );
  return lines;
}
