import { type AuthorizationResult, authorize, authorizeDecision, type Decision, type KeyAccessInputs, type Verdict } from '../evaluator';
import { evaluateLaunchPath, stepPasses } from '../launch/evaluate';
import { autoScalingRoleArn, placeholderKeyArn, roleArn } from '../policy/arns';
import { PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS } from '../policy/conditions';
import { consumerIamPolicy } from '../policy/consumer-policy';
import { autoScalingGrant, issuedAutoScalingGrant } from '../policy/grant';
import { anyAutoScalingRolePattern, DEFAULT_ORGANIZATION_GRANTEE, keyPolicy, principalAccountGranteeAssumption, SID } from '../policy/key-policy';
import { STAND_IN_GRANT_CREATOR_ROLE, type LaunchStep } from '../launch/path';
import type { PolicyDocument } from '../policy/document';
import { Consumer, Rollout } from '../model/rollout';
import { lintIamPolicy, lintKeyPolicy } from './lints';
import { Finding, passes, RULES, Severity } from '../policy/rules';
import { consumerProbes, ownerProbes, Probe, ProbeScope, strangerProbes } from './probes';
import type { ContextValue } from '../policy/kms-api';
import {
  ANY_CONSUMER_STACK_TYPES,
  consumerStackTypes,
  deployPermissions,
  ownerStackTypes,
  TEARDOWN_PHASES,
  teardownTypes,
} from '../policy/deploy-path';
import { policyDocument } from '../policy/document';
import { type DeployProof, proveDeployPath } from './deploy';

/**
 * A launch step as check reports it: its ID, title and verdict. The request and what it was
 * decided against are not kept: no output shows them, and held for 3,000 consumers they made every
 * young-generation GC copy tens of megabytes.
 */
export interface CheckedStep extends Verdict {
  readonly step: Pick<LaunchStep, 'id' | 'title'>;
}

export interface ConsumerProof {
  readonly account: string;
  readonly sameAccount: boolean;
  readonly grantCreator: string;
  readonly steps: readonly CheckedStep[];
}

/**
 * A probe's decision. Only a failing probe carries its trace and explanation (`result`): only
 * failures are shown, and building them for the thousands that pass costs a third of `check`.
 */
export type ProbeOutcome = PassedProbe | FailedProbe;

/** A passed probe keeps what is shown of it, not its request (see CheckedStep). */
export interface PassedProbe {
  readonly probe: Pick<Probe, 'id' | 'title' | 'expect'>;
  readonly decision: Decision;
  readonly ok: true;
}

export interface FailedProbe {
  readonly probe: Probe;
  readonly decision: Decision;
  readonly ok: false;
  readonly result: AuthorizationResult;
}

export interface CheckReport {
  readonly keyArn: string;
  /** True when the key does not exist yet and a stand-in key ID is used. */
  readonly keyArnAssumed: boolean;
  readonly consumers: readonly ConsumerProof[];
  /** Every stack's deploy path for its deploy role: the KMS calls Terraform's AWS provider makes. */
  readonly deploy: readonly DeployProof[];
  readonly probes: readonly ProbeOutcome[];
  readonly findings: readonly Finding[];
  /** Assumptions the proof rests on, said in the report. */
  readonly assumptions: readonly string[];
}

/**
 * The severity of everything check found, through the registry (src/policy/rules.ts): a failing
 * launch step is `launch-path-broken`, a probe decided otherwise than intended `least-privilege`,
 * and each lint its own rule.
 */
export function severities(report: CheckReport): Severity[] {
  return [
    ...report.consumers.flatMap(proofSeverities),
    ...report.deploy.flatMap(deploySeverities),
    ...report.probes.flatMap(probeSeverities),
    ...report.findings.map((f) => f.severity),
  ];
}

function deploySeverities(d: DeployProof): Severity[] {
  return d.steps.filter((s) => !stepPasses(s)).map(() => RULES['deploy-path-broken'].severity);
}

function proofSeverities(c: ConsumerProof): Severity[] {
  return c.steps.filter((s) => !stepPasses(s)).map(() => RULES['launch-path-broken'].severity);
}

function probeSeverities(p: ProbeOutcome): Severity[] {
  return p.ok ? [] : [RULES['least-privilege'].severity];
}

/** Proven: nothing check found fails the run (warnings such as policy-size-near-limit do not). */
export function passed(report: CheckReport): boolean {
  return passes(severities(report));
}

/**
 * Proves the rollout keyshare would emit: every consumer's launch path is allowed by the key
 * policy, the consumer IAM policy and the grant keyshare creates, and nothing beyond it is
 * (least-privilege probes); then lints the key policy. `policy` is the rollout's own unless a
 * caller wants to prove another against the same rollout.
 */
export function checkRollout(rollout: Rollout, policy: PolicyDocument = keyPolicy(rollout)): CheckReport {
  const consumers: ConsumerProof[] = [];
  const deploy: DeployProof[] = [];
  const probes: ProbeOutcome[] = [];
  const rest = proveEach(rollout, policy, { consumer: (c) => consumers.push(c), deploy: (d) => deploy.push(d), probe: (p) => probes.push(p) });
  return { ...rest, consumers, deploy, probes };
}

/** checkRollout's verdict and counts, without its report. */
export interface CheckTally {
  readonly passed: boolean;
  readonly steps: number;
  /** Deploy-path calls proven, over every stack. */
  readonly deploySteps: number;
  readonly probes: number;
  readonly assumptions: readonly string[];
}

/**
 * What checkRollout decides, keeping only counts: each consumer's proof is garbage once counted,
 * where the full report holds about 8 KB per consumer (24 MB at 3,000) until it is rendered.
 */
export function tallyRollout(rollout: Rollout, policy: PolicyDocument = keyPolicy(rollout)): CheckTally {
  const found: Severity[] = [];
  let steps = 0;
  let deploySteps = 0;
  let probes = 0;
  const rest = proveEach(rollout, policy, {
    consumer: (c) => {
      steps += c.steps.length;
      found.push(...proofSeverities(c));
    },
    deploy: (d) => {
      deploySteps += d.steps.length;
      found.push(...deploySeverities(d));
    },
    probe: (p) => {
      probes += 1;
      found.push(...probeSeverities(p));
    },
  });
  found.push(...rest.findings.map((f) => f.severity));
  return { passed: passes(found), steps, deploySteps, probes, assumptions: rest.assumptions };
}

interface ProofVisitor {
  consumer(proof: ConsumerProof): void;
  deploy(proof: DeployProof): void;
  probe(outcome: ProbeOutcome): void;
}

/** Decides every launch step and probe, in report order, handing each to `visit` as it is decided. */
function proveEach(rollout: Rollout, policy: PolicyDocument, visit: ProofVisitor): Omit<CheckReport, 'consumers' | 'deploy' | 'probes'> {
  const { partition, owner, organization } = rollout;
  const keyArn = provenKeyArn(rollout);
  const scope: ProbeScope = { partition, keyArn, owner: owner.account };
  const membership: Record<string, ContextValue> = organization
    ? { [PRINCIPAL_ORG_ID]: organization.id, ...(organization.ouPaths.length > 0 && { [PRINCIPAL_ORG_PATHS]: [organization.ouPaths[0]] }) }
    : {};
  const accounts = new Set([owner.account, ...rollout.consumers.map((c) => c.account)]);
  const stranger = ['999999999999', '999999999998', '999999999997'].find((a) => !accounts.has(a))!;
  const probe = (p: Probe) => {
    const inputs: KeyAccessInputs = { keyArn, keyPolicy: policy, identityPolicies: p.identityPolicies };
    const decision = authorizeDecision(inputs, p.request);
    visit.probe(
      (decision === 'Allowed') === (p.expect === 'Allowed')
        ? { probe: { id: p.id, title: p.title, expect: p.expect }, decision, ok: true }
        : { probe: p, decision, ok: false, result: authorize(inputs, p.request) },
    );
  };

  [...ownerProbes(scope, rollout.key.administrators), ...strangerProbes(scope, stranger)].forEach(probe);
  // The owner's deploy role acts on its own key through root delegation and its IAM policy, which
  // holds the README's owner permissions (deployPermissions, the same model).
  const ownerTypes = ownerStackTypes(rollout);
  const ownerRole = owner.deployRoleArn ?? roleArn(partition, owner.account, STAND_IN_DEPLOY_ROLE);
  const ownerKms = deployPermissions(ownerTypes, undefined, 'kms');
  visit.deploy(
    proveDeployPath({
      stack: OWNER_STACK_NAME,
      account: owner.account,
      role: ownerRole,
      types: ownerTypes,
      partition,
      keyArn,
      keyPolicy: policy,
      identityPolicies: [policyDocument([{ Sid: 'OwnerDeployRole', Effect: 'Allow', Action: ownerKms, Resource: keyArn }])],
      grants: [],
    }),
  );
  // The consumer IAM policy differs between accounts only in the 12-digit account ID: its size is linted once per suffix.
  const iamLints = new Map<string, Finding[]>();
  const iamFindings: Finding[] = [];
  rollout.consumers.forEach((consumer, i) => {
    const grantCreator = grantCreatorOf(rollout, consumer);
    const ownRole = autoScalingRoleArn(partition, consumer.account, consumer.serviceLinkedRoleSuffix);
    const iamPolicy = consumerIamPolicy(partition, owner.region, consumer.account, keyArn, consumer.serviceLinkedRoleSuffix);
    if (!consumer.sameAccount) {
      const suffix = consumer.serviceLinkedRoleSuffix ?? '';
      if (!iamLints.has(suffix)) iamLints.set(suffix, lintIamPolicy(iamPolicy, 'the consumer IAM policy'));
      iamFindings.push(...iamLints.get(suffix)!.map((f) => ({ ...f, message: `account ${consumer.account}: ${f.message}` })));
    }
    const available: KeyAccessInputs = {
      keyArn,
      keyPolicy: policy,
      identityPolicies: [iamPolicy],
      grants: [autoScalingGrant(partition, keyArn, consumer.account, consumer.serviceLinkedRoleSuffix)],
    };
    const steps = evaluateLaunchPath(
      {
        partition,
        keyArn,
        region: owner.region,
        account: consumer.account,
        serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix,
        grantCreator,
        sameAccount: consumer.sameAccount,
        accountContext: membership,
      },
      available,
    );
    const verdicts = steps.map(({ step, result, dependsOn }) => ({ step: { id: step.id, title: step.title }, result, dependsOn }));
    visit.consumer({ account: consumer.account, sameAccount: consumer.sameAccount, grantCreator, steps: verdicts });
    if (!consumer.sameAccount) {
      // Its deploy role is the grant creator: it holds the consumer IAM policy (an assumption said
      // below), and the grant it created is its to retire (IssuingAccount).
      const grant = issuedAutoScalingGrant(partition, keyArn, consumer.account, consumer.serviceLinkedRoleSuffix);
      visit.deploy(
        proveDeployPath({
          stack: `consumer-${consumer.account}`,
          account: consumer.account,
          role: grantCreator,
          types: consumerStackTypes(rollout, consumer),
          partition,
          keyArn,
          keyPolicy: policy,
          identityPolicies: [iamPolicy],
          grants: [grant],
          serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix,
          accountContext: membership,
        }),
      );
    }
    if (!consumer.sameAccount) {
      const other = rollout.consumers[(i + 1) % rollout.consumers.length];
      const otherAccount = other.account === consumer.account || other.sameAccount ? stranger : other.account;
      consumerProbes(scope, grantCreator, consumer.account, ownRole, otherAccount, membership, organization?.grantee === 'any-account').forEach(
        probe,
      );
    }
  });

  // A removed consumer's tombstone refreshes and destroys what its stack created, with its deploy
  // role (the grant creator, holding the consumer IAM policy as above), under the key policy that
  // keeps the account for it: proven like a stack, in the teardown phases only.
  for (const leaving of rollout.leaving ?? []) {
    const grantCreator = leaving.deployRoleArn ?? roleArn(partition, leaving.account, STAND_IN_GRANT_CREATOR_ROLE);
    visit.deploy(
      proveDeployPath({
        stack: `consumer-${leaving.account}`,
        account: leaving.account,
        role: grantCreator,
        types: teardownTypes(ANY_CONSUMER_STACK_TYPES),
        phases: TEARDOWN_PHASES,
        partition,
        keyArn,
        keyPolicy: policy,
        identityPolicies: [consumerIamPolicy(partition, owner.region, leaving.account, keyArn)],
        grants: [issuedAutoScalingGrant(partition, keyArn, leaving.account)],
        accountContext: membership,
      }),
    );
  }

  return {
    keyArn,
    keyArnAssumed: rollout.key.arn === undefined,
    findings: [...lintKeyPolicy(policy, owner.account), ...iamFindings],
    assumptions: assumptionsOf(rollout, keyArn),
  };
}

/** The owner's deploy role when the config names none: Terraform then runs with the caller's credentials. */
const STAND_IN_DEPLOY_ROLE = 'deploy';
/** Stack names as src/stacks names them (that folder sits above check). */
const OWNER_STACK_NAME = 'owner';

function grantCreatorOf(rollout: Rollout, consumer: Consumer): string {
  return consumer.deployRoleArn ?? roleArn(rollout.partition, consumer.account, STAND_IN_GRANT_CREATOR_ROLE);
}

/** What proving `rollout` assumes, known before the proof runs (generate's README lists it while check proves). */
export function rolloutAssumptions(rollout: Rollout): string[] {
  return assumptionsOf(rollout, provenKeyArn(rollout));
}

/** The key the proof decides requests on: the configured one, or a stand-in for the key the owner stack will create. */
function provenKeyArn(rollout: Rollout): string {
  return rollout.key.arn ?? placeholderKeyArn(rollout.partition, rollout.owner.region, rollout.owner.account);
}

function assumptionsOf(rollout: Rollout, keyArn: string): string[] {
  const out = [
    rollout.key.arn ? `key: ${keyArn}` : `key: ${keyArn} stands in for the key the owner stack will create (its ID is random)`,
    'each grant creator holds the consumer IAM policy keyshare emits; each consumer holds the grant keyshare creates',
  ];
  if (rollout.consumers.some((c) => !c.sameAccount && !c.deployRoleArn)) {
    out.push(`consumers without deployRoleArn: the grant creator is the stand-in role ${STAND_IN_GRANT_CREATOR_ROLE} of that account`);
  }
  if (rollout.organization) {
    const org = rollout.organization;
    out.push(`every consumer is a member of ${org.id}${org.ouPaths.length > 0 ? `, under ${org.ouPaths[0]}` : ''}`);
    out.push(
      (org.grantee ?? DEFAULT_ORGANIZATION_GRANTEE) === 'own-account'
        ? principalAccountGranteeAssumption(SID.organizationGrant)
        : `organization.grantee is any-account: ${SID.organizationGrant} lets any member grant any account's Auto Scaling role (StringLike ${anyAutoScalingRolePattern(rollout.partition)}), the documented form's accepted trade-off`,
    );
  }
  return out;
}
