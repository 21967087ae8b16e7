import { CheckedStep, CheckReport, FailedProbe, ProbeOutcome, passed } from '../check/check';
import { stepPasses } from '../launch/evaluate';
import { json, Renderers } from './format';
import { renderTemplate } from './templates';

/** A step resting on a fact not given is Unknown, whatever it would be without the fact. */
function decisionOf(s: CheckedStep): string {
  return s.dependsOn.length > 0 ? 'Unknown' : s.result.decision;
}

function stepDecisionText(s: CheckedStep): string {
  return s.dependsOn.length > 0 ? `Unknown: depends on ${s.dependsOn.join(', ')}` : s.result.decision;
}

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
        decision: decisionOf(s),
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

/** What the text and markdown templates show: failures first-class, counts precomputed. */
function checkView(report: CheckReport) {
  const pathFailures = report.consumers.flatMap((c) =>
    c.steps
      .filter((s) => !stepPasses(s))
      .map((s) => ({ account: c.account, id: s.step.id, title: s.step.title, decision: stepDecisionText(s), result: s.result })),
  );
  const probeFailures = report.probes.filter((p: ProbeOutcome): p is FailedProbe => !p.ok);
  return {
    proven: passed(report),
    consumers: report.consumers.map((c) => {
      const allowed = c.steps.filter(stepPasses).length;
      return { account: c.account, sameAccount: c.sameAccount, allowed, total: c.steps.length, ok: allowed === c.steps.length };
    }),
    steps: report.consumers.flatMap((c) => c.steps.map((s) => ({ account: c.account, title: s.step.title, result: s.result }))),
    pathFailures,
    probesOk: report.probes.length - probeFailures.length,
    probesTotal: report.probes.length,
    probeFailures: probeFailures.map((p) => ({ id: p.probe.id, title: p.probe.title, expect: p.probe.expect, result: p.result })),
    failures: [
      ...pathFailures.map((f) => ({ title: f.title, result: f.result })),
      ...probeFailures.map((p) => ({ title: `${p.probe.title} (expected ${p.probe.expect})`, result: p.result })),
    ],
    findings: report.findings,
    assumptions: report.assumptions,
  };
}

export const checkRenderers: Renderers<CheckReport> = {
  text: (report) => renderTemplate('check.txt', checkView(report)),
  markdown: (report) => renderTemplate('check.md', checkView(report)),
  json: (report) => json(checkJson(report)),
};
