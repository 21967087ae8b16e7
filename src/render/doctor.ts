import { deployWorks, Diagnosis, FIXED_KEY_POLICY_FILE, launchWorks } from '../doctor/diagnose';
import type { Fix } from '../doctor/fixes';
import { stepPasses, type StepOutcome } from '../launch/evaluate';
import { verdictDecision, verdictText } from '../templates/authorization';
import { isConditionKey } from '../evaluator';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';

function firstFailing(d: Diagnosis): string | undefined {
  return d.steps.find((s) => !stepPasses(s))?.step.id;
}

/** PASS, FAIL, UNKNOWN for a step whose answer rests on a fact not given, ASSUME for one allowed under an assumption. */
function mark(s: StepOutcome, d: Diagnosis): 'PASS' | 'FAIL' | 'UNKNOWN' | 'ASSUME' {
  if (s.dependsOn.length > 0) return 'UNKNOWN';
  if (!stepPasses(s)) return 'FAIL';
  return d.assumedSteps.includes(s.step.id) ? 'ASSUME' : 'PASS';
}

function verdict(d: Diagnosis): string {
  if (launchWorks(d)) {
    const assumed = d.assumedSteps.length > 0 ? `, ${d.assumedSteps.join(', ')} assuming what is listed under "assuming"` : '';
    return `the launch works: every step of account ${d.consumer}'s launch path is allowed${assumed}`;
  }
  const failing = d.steps.filter((s) => !stepPasses(s));
  if (failing.length > 0 && failing.every((s) => s.dependsOn.length > 0)) {
    const keys = [...new Set(failing.flatMap((s) => s.dependsOn))];
    const flags = keys.filter(isConditionKey);
    return `the launch depends on ${keys.join(', ')}${flags.length > 0 ? `: pass ${flags.map((k) => `--context ${k}=…`).join(' ')}` : ''}`;
  }
  const first = failing.find((s) => s.dependsOn.length === 0)?.step.id ?? firstFailing(d);
  return `the launch fails${first ? `: first failing step ${first}` : ''}${d.awsManaged && !d.sameAccount ? '; the key is AWS managed and cannot be shared' : ''}`;
}

/** What the text and markdown templates show: one row per step, fixes with absent parts as null. */
function doctorView(d: Diagnosis) {
  const step = (s: StepOutcome) => ({
    id: s.step.id,
    title: s.step.title,
    mark: mark(s, d),
    unknown: s.dependsOn.length > 0,
    decisionText: verdictText(s, true),
    result: s.result,
  });
  return {
    consumer: d.consumer,
    keyArn: d.keyArn,
    serviceLinkedRole: d.serviceLinkedRole,
    sameAccount: d.sameAccount,
    inputs: d.inputs,
    notes: d.notes,
    assumptions: d.assumptions,
    awsManaged: d.awsManaged ?? null,
    works: launchWorks(d),
    verdict: verdict(d),
    steps: d.steps.map(step),
    failing: d.steps.filter((s) => !stepPasses(s)).map(step),
    fixes: d.fixes.map((f: Fix) => ({
      steps: f.steps,
      problem: f.problem,
      action: f.action,
      blocking: f.blocking ?? null,
      statement: f.statement ?? null,
      statementLabel: f.kind === 'narrow-deny' ? 'after the change' : 'to use',
      command: f.command ?? null,
      runIn: f.runIn ?? null,
    })),
    fixedKeyPolicy: d.fixedKeyPolicy
      ? { file: d.fixedKeyPolicy.file ?? null, default: FIXED_KEY_POLICY_FILE, flag: `--fixed-key-policy ${FIXED_KEY_POLICY_FILE}` }
      : null,
    deploy: d.deploy ? deployView(d) : null,
  };
}

/** The deploy path: each call once (the first phase that makes it), failures with the evaluator's reasons. */
function deployView(d: Diagnosis) {
  const seen = new Set<string>();
  const calls = d.deploy!.steps.filter((s) => !seen.has(s.step.permission) && seen.add(s.step.permission));
  const missing = calls.filter((s) => !stepPasses(s)).map((s) => s.step.permission);
  return {
    role: d.deploy!.role,
    works: deployWorks(d),
    verdict: deployWorks(d)
      ? `Terraform can create, refresh and destroy the consumer's stack: every KMS call its AWS provider makes on the key is allowed for ${d.deploy!.role}`
      : `Terraform fails in the consumer's stack: ${d.deploy!.role} cannot call ${missing.join(', ')} on the key (the key policy and its IAM policy must both allow each)`,
    steps: calls.map((s) => ({
      id: s.step.id,
      title: s.step.title,
      mark: stepPasses(s) ? 'PASS' : 'FAIL',
      decisionText: verdictText(s, true),
      result: s.result,
    })),
  };
}

/** The machine shape; `decision` values are the evaluator's stable ones. */
function doctorJson(d: Diagnosis): string {
  const out = {
    works: launchWorks(d),
    consumer: d.consumer,
    keyArn: d.keyArn,
    sameAccount: d.sameAccount,
    serviceLinkedRole: d.serviceLinkedRole,
    grantCreator: d.grantCreator,
    grantCreatorAssumed: d.grantCreatorAssumed,
    awsManagedKey: d.awsManaged ?? null,
    firstFailingStep: firstFailing(d) ?? null,
    steps: d.steps.map(({ step, result, dependsOn }) => ({
      id: step.id,
      title: step.title,
      through: step.through,
      principal: step.request.principal,
      action: step.request.action,
      decision: verdictDecision({ result, dependsOn }),
      dependsOn,
      trace: result.trace,
      missing: result.missing,
    })),
    fixes: d.fixes,
    fixedKeyPolicy: d.fixedKeyPolicy ?? null,
    inputs: d.inputs,
    notes: d.notes,
    assumptions: d.assumptions,
    assumedSteps: d.assumedSteps,
    deploy: d.deploy
      ? {
          role: d.deploy.role,
          works: deployWorks(d),
          steps: d.deploy.steps.map(({ step, result, dependsOn }) => ({
            id: step.id,
            permission: step.permission,
            decision: verdictDecision({ result, dependsOn }),
            missing: result.missing,
          })),
        }
      : null,
  };
  return json(out);
}

export const doctorRenderers: Renderers<Diagnosis> = {
  text: (d) => renderTemplate('doctor.txt', doctorView(d)),
  markdown: (d) => renderTemplate('doctor.md', doctorView(d)),
  json: doctorJson,
};
