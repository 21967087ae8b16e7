import type { Format } from '../cli/format-option';
import { reasonLines } from '../format/authorization';
import { render } from '../templates/render';
import { CheckReport, passed } from './check';

export function formatCheck(report: CheckReport, format: Format): string {
  if (format === 'json') return JSON.stringify(checkJson(report), null, 2);
  return format === 'markdown' ? checkMarkdown(report) : checkText(report);
}

/** Stable shape for machines: decisions are Allowed, ExplicitlyDenied or ImplicitlyDenied. */
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
      steps: c.steps.map((s) => ({ id: s.step.id, title: s.step.title, decision: s.result.decision, trace: s.result.trace, missing: s.result.missing })),
    })),
    leastPrivilege: report.probes.map((p) => ({ id: p.probe.id, title: p.probe.title, expect: p.probe.expect, decision: p.result.decision, ok: p.ok })),
    findings: report.findings,
  };
}

function checkText(report: CheckReport): string {
  const lines: string[] = [];
  const pathFailures = report.consumers.flatMap((c) => c.steps.filter((s) => s.result.decision !== 'Allowed').map((s) => ({ c, s })));
  const probeFailures = report.probes.filter((p) => !p.ok);
  const ok = passed(report);
  lines.push(ok ? `keyshare check: proven for ${report.consumers.length} consumers` : 'keyshare check: NOT proven');
  for (const c of report.consumers) {
    const failed = c.steps.filter((s) => s.result.decision !== 'Allowed').length;
    lines.push(`  ${failed === 0 ? 'ok  ' : 'FAIL'} ${c.account}${c.sameAccount ? ' (owner account)' : ''}: ${c.steps.length - failed}/${c.steps.length} launch steps allowed`);
  }
  for (const { c, s } of pathFailures) {
    lines.push(`  FAIL ${c.account} ${s.step.id}: ${s.step.title}: ${s.result.decision}`);
    for (const r of reasonLines(s.result)) lines.push(`       ${r}`);
  }
  lines.push(`  ${probeFailures.length === 0 ? 'ok  ' : 'FAIL'} least privilege: ${report.probes.length - probeFailures.length}/${report.probes.length} probes as intended`);
  for (const p of probeFailures) {
    lines.push(`  FAIL ${p.probe.id}: ${p.probe.title}: expected ${p.probe.expect}, got ${p.result.decision}`);
    for (const r of reasonLines(p.result)) lines.push(`       ${r}`);
  }
  for (const f of report.findings) lines.push(`  ${f.level === 'error' ? 'ERROR' : 'warn '} ${f.rule}: ${f.message}. Fix: ${f.fix}`);
  lines.push('  assuming:', ...report.assumptions.map((a) => `    - ${a}`));
  return lines.join('\n');
}

function checkMarkdown(report: CheckReport): string {
  const probeFailures = report.probes.filter((p) => !p.ok);
  return render('check.md', {
    proven: passed(report),
    steps: report.consumers.flatMap((c) => c.steps.map((s) => ({ account: c.account, title: s.step.title, result: s.result }))),
    probesOk: report.probes.length - probeFailures.length,
    probesTotal: report.probes.length,
    failures: [
      ...report.consumers.flatMap((c) => c.steps.filter((s) => s.result.decision !== 'Allowed').map((s) => ({ title: s.step.title, result: s.result }))),
      ...probeFailures.map((p) => ({ title: `${p.probe.title} (expected ${p.probe.expect})`, result: p.result })),
    ],
    findings: report.findings,
    assumptions: report.assumptions,
  });
}
