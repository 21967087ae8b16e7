import { CheckedStep, CheckReport, FailedProbe, ProbeOutcome, passed } from '../check/check';
import { stepPasses } from '../launch/evaluate';
import { verdictDecision, verdictText } from '../templates/authorization';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';
import { trusted } from '../templates/escape';
import { counted, thousands } from '../templates/helpers';
import { failsAt } from '../policy/rules';
import { SEVERITY_MARK } from './severity';
import { alikeNote, groupAlike } from './alike';

/** One decided step; a launch step keeps its trace, a deploy-path step has only what is missing. */
function stepJson(s: CheckReport['consumers'][number]['steps'][number], withTrace: boolean) {
  return {
    id: s.step.id,
    title: s.step.title,
    decision: verdictDecision(s),
    dependsOn: s.dependsOn,
    ...(withTrace && { trace: s.result.trace }),
    missing: s.result.missing,
  };
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
      steps: c.steps.map((s) => stepJson(s, true)),
    })),
    deploy: report.deploy.map((d) => ({
      stack: d.stack,
      account: d.account,
      role: d.role,
      steps: d.steps.map((s) => stepJson(s, false)),
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
const MARKDOWN_FAILURES = 20;

/**
 * Why a rollout is not proven, in a few words each: what failed and how much, for the heading,
 * synth's refusal and the first line of the text report.
 */
function notProvenBecause(report: CheckReport, pathFailures: number, deployFailures: number, probeFailures: number): string[] {
  const failingConsumers = report.consumers.filter((c) => !c.steps.every(stepPasses)).length;
  const failingStacks = report.deploy.filter((d) => !d.steps.every(stepPasses)).length;
  const failing = report.findings.filter((f) => failsAt(f.severity));
  const rules = [...new Set(failing.map((f) => f.rule))];
  return [
    ...(pathFailures > 0
      ? [`${counted(pathFailures, 'launch step')} not allowed in ${thousands(failingConsumers)} of ${counted(report.consumers.length, 'consumer')}`]
      : []),
    ...(deployFailures > 0
      ? [`${counted(deployFailures, 'deploy-path call')} not allowed in ${thousands(failingStacks)} of ${counted(report.deploy.length, 'stack')}`]
      : []),
    ...(probeFailures > 0 ? [`${counted(probeFailures, 'least-privilege probe')} not as intended`] : []),
    ...(failing.length > 0
      ? [`${counted(failing.length, 'finding')} that ${failing.length === 1 ? 'fails' : 'fail'} the check (${rules.join(', ')})`]
      : []),
  ];
}

/** What the text and markdown templates show: failures first, then what is proven, counts precomputed. */
function checkView(report: CheckReport) {
  const pathFailures = report.consumers.flatMap((c) =>
    c.steps.filter((s) => !stepPasses(s)).map((s) => ({ account: c.account, id: s.step.id, ...stepRow(s) })),
  );
  const probeFailures = report.probes.filter((p: ProbeOutcome): p is FailedProbe => !p.ok);
  const deployFailures = report.deploy.flatMap((d) =>
    d.steps.filter((s) => !stepPasses(s)).map((s) => ({ account: d.account, id: s.step.id, ...stepRow(s) })),
  );
  const deployTotal = report.deploy.reduce((n, d) => n + d.steps.length, 0);
  const steps = report.consumers.reduce((n, c) => n + c.steps.length, 0);
  const consumersProven = report.consumers.filter((c) => c.steps.every(stepPasses)).length;
  return {
    deployOk: deployTotal - deployFailures.length,
    deployTotal,
    deployStacks: report.deploy.length,
    deployFailures,
    proven: passed(report),
    why: notProvenBecause(report, pathFailures.length, deployFailures.length, probeFailures.length).join('; '),
    consumersProven,
    consumersTotal: report.consumers.length,
    stepsAllowed: steps - pathFailures.length,
    stepsTotal: steps,
    ...markdownSteps(report),
    pathFailures,
    probesOk: report.probes.length - probeFailures.length,
    probesTotal: report.probes.length,
    probeFailures: probeFailures.map((p) => ({ id: p.probe.id, title: p.probe.title, expect: p.probe.expect, result: p.result })),
    ...boundedFailures([
      ...[...pathFailures, ...deployFailures].map(({ title, unknown, decisionText, result }) => ({ title, unknown, decisionText, result })),
      ...probeFailures.map((p) => ({
        title: `${p.probe.title} (expected ${p.probe.expect})`,
        unknown: false,
        decisionText: p.result.decision,
        result: p.result,
      })),
    ]),
    findings: report.findings,
    // The comment's view: findings alike but for their account are one ("300 alike, one per account"),
    // each stacked as review's risks are, its fix under it (a table put the fix off-screen).
    findingGroups: groupAlike(
      report.findings,
      () => undefined,
      (f) => f,
    ).map((g) => ({
      ...g.first,
      mark: SEVERITY_MARK[g.first.severity],
      alike: alikeNote(g, false),
    })),
    assumptions: report.assumptions,
  };
}

/**
 * Every step while they fit; past MARKDOWN_STEP_ROWS, the steps of consumers not proven, up to that
 * many, and a line that says what the table leaves out (nothing is said of rows never promised).
 */
function markdownSteps(report: CheckReport) {
  const rows = (consumers: CheckReport['consumers']) => consumers.flatMap((c) => c.steps.map((s) => ({ account: c.account, ...stepRow(s) })));
  const total = report.consumers.reduce((n, c) => n + c.steps.length, 0);
  const unproven = report.consumers.filter((c) => !c.steps.every(stepPasses));
  const proven = report.consumers.length - unproven.length;
  const all = total <= MARKDOWN_STEP_ROWS;
  const listed = all ? rows(report.consumers) : rows(unproven);
  const steps = listed.slice(0, MARKDOWN_STEP_ROWS);
  const json = '`keyshare check --format json` lists every step.';
  let stepsNote: string | null = null;
  if (!all && steps.length === 0) {
    stepsNote = `All ${counted(total, 'launch step')} of ${counted(proven, 'consumer')} are allowed; ${json}`;
  } else if (!all) {
    const cut = listed.length - steps.length;
    stepsNote = [
      `The table lists the steps of the ${counted(unproven.length, 'consumer')} not proven${cut > 0 ? ` (the first ${thousands(steps.length)}; ${thousands(cut)} more are not listed)` : ''}`,
      proven > 0 ? `; ${counted(proven, 'other consumer')} ${proven === 1 ? 'has' : 'have'} every step allowed` : '',
      `. ${json}`,
    ].join('');
  }
  // Program text, counts and the command only.
  return { steps, stepsNote: stepsNote === null ? null : trusted(stepsNote) };
}

/**
 * The failures the comment details: those alike but for their account as one, its first shown
 * ("300 alike, one per account: …"), up to MARKDOWN_FAILURES entries; how many are left out.
 */
function boundedFailures<T extends object>(failures: readonly T[]) {
  const groups = groupAlike(
    failures,
    () => undefined,
    (f) => f,
  );
  const shown = groups.slice(0, MARKDOWN_FAILURES);
  const listed = shown.reduce((n, g) => n + g.count, 0);
  return {
    failures: shown.map((g) => ({ ...g.first, alike: alikeNote(g, false) })),
    failuresNotListed: failures.length > listed ? failures.length - listed : null,
  };
}

/**
 * What synth says when check does not prove the rollout: the failures, as `check` prints them, then
 * the refusal with the reason; not the whole report (the counts of what passed, the assumptions).
 */
export function checkRefusalText(report: CheckReport, refusal: string): string {
  const view = checkView(report);
  return renderTemplate('check-refusal.txt', { ...view, refusal: `${refusal}: ${view.why}` });
}

export const checkRenderers: Renderers<CheckReport> = {
  text: (report) => renderTemplate('check.txt', checkView(report)),
  markdown: (report) => renderTemplate('check.md', checkView(report)),
  json: (report) => json(checkJson(report)),
};
