import { CheckedStep, CheckReport, FailedProbe, ProbeOutcome, passed } from '../check/check';
import { stepPasses } from '../launch/evaluate';
import { verdictDecision, verdictText } from '../templates/authorization';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';

/** Stable shape for machines: decisions are Allowed, ExplicitlyDenied, ImplicitlyDenied or Unknown (with dependsOn). */
export function checkJson(report: CheckReport) {
  return {
    proven: passed(report),
    keyArn: report.keyArn,
    keyArnAssumed: report.keyArnAssumed,
    assumptions: report.assumptions,
    consumers: report.consumers.map((c) => ({
      account: c.account,
      sameAccount: c.sameAccount,
      grantCreator: c.grantCreator,
      steps: c.steps.map((s) => ({
        id: s.step.id,
        title: s.step.title,
        decision: verdictDecision(s),
        dependsOn: s.dependsOn,
        trace: s.result.trace,
        missing: s.result.missing,
      })),
    })),
    leastPrivilege: report.probes.map((p) => ({
      id: p.probe.id,
      title: p.probe.title,
      expect: p.probe.expect,
      decision: p.decision,
      ok: p.ok,
    })),
    findings: report.findings,
  };
}

/** A step as the templates show it: Unknown (❔ in markdown) when it rests on a fact not given. */
function stepRow(s: CheckedStep) {
  return { title: s.step.title, unknown: s.dependsOn.length > 0, decisionText: verdictText(s, false), result: s.result };
}

/**
 * The markdown is a pull-request comment, which GitHub caps at 65,536 characters: a rollout of
 * thousands of consumers has tens of thousands of steps. Past this many rows the step table lists
 * only the consumers not proven, and the failure details stop at MARKDOWN_FAILURES; a line says
 * how many were left out and that `--format json` has them all.
 */
export const MARKDOWN_STEP_ROWS = 100;
export const MARKDOWN_FAILURES = 20;

/** What the text and markdown templates show: failures first-class, counts precomputed. */
function checkView(report: CheckReport) {
  const pathFailures = report.consumers.flatMap((c) =>
    c.steps.filter((s) => !stepPasses(s)).map((s) => ({ account: c.account, id: s.step.id, ...stepRow(s) })),
  );
  const probeFailures = report.probes.filter((p: ProbeOutcome): p is FailedProbe => !p.ok);
  return {
    proven: passed(report),
    consumers: report.consumers.map((c) => {
      const allowed = c.steps.filter(stepPasses).length;
      return { account: c.account, sameAccount: c.sameAccount, allowed, total: c.steps.length, ok: allowed === c.steps.length };
    }),
    ...markdownSteps(report),
    pathFailures,
    probesOk: report.probes.length - probeFailures.length,
    probesTotal: report.probes.length,
    probeFailures: probeFailures.map((p) => ({ id: p.probe.id, title: p.probe.title, expect: p.probe.expect, result: p.result })),
    ...boundedFailures([
      ...pathFailures.map(({ title, unknown, decisionText, result }) => ({ title, unknown, decisionText, result })),
      ...probeFailures.map((p) => ({
        title: `${p.probe.title} (expected ${p.probe.expect})`,
        unknown: false,
        decisionText: p.result.decision,
        result: p.result,
      })),
    ]),
    findings: report.findings,
    assumptions: report.assumptions,
  };
}

/** Every step while they fit; past MARKDOWN_STEP_ROWS, the steps of consumers not proven, up to that many. */
function markdownSteps(report: CheckReport) {
  const rows = (consumers: CheckReport['consumers']) => consumers.flatMap((c) => c.steps.map((s) => ({ account: c.account, ...stepRow(s) })));
  const total = report.consumers.reduce((n, c) => n + c.steps.length, 0);
  const unproven = report.consumers.filter((c) => !c.steps.every(stepPasses));
  const steps = (total <= MARKDOWN_STEP_ROWS ? rows(report.consumers) : rows(unproven)).slice(0, MARKDOWN_STEP_ROWS);
  return {
    steps,
    stepsNotListed: total > steps.length ? { steps: total - steps.length, proven: report.consumers.length - unproven.length } : null,
  };
}

function boundedFailures<T>(failures: readonly T[]) {
  return {
    failures: failures.slice(0, MARKDOWN_FAILURES),
    failuresNotListed: failures.length > MARKDOWN_FAILURES ? failures.length - MARKDOWN_FAILURES : null,
  };
}

export const checkRenderers: Renderers<CheckReport> = {
  text: (report) => renderTemplate('check.txt', checkView(report)),
  markdown: (report) => renderTemplate('check.md', checkView(report)),
  json: (report) => json(checkJson(report)),
};
