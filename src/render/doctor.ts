import { Diagnosis, launchWorks } from '../doctor/diagnose';
import type { Fix } from '../doctor/fixes';
import { stepPasses, type StepOutcome } from '../launch/evaluate';
import { decisionMarkdown, reasonLines, reasonMarkdown } from './authorization';
import { json, Renderers } from './format';
import { cell, code, jsonBlock } from './markdown';

function firstFailing(d: Diagnosis): string | undefined {
  return d.steps.find((s) => !stepPasses(s))?.step.id;
}

/** PASS, FAIL, or UNKNOWN for a step whose answer rests on a fact not given. */
function mark(s: StepOutcome): 'PASS' | 'FAIL' | 'UNKNOWN' {
  if (s.dependsOn.length > 0) return 'UNKNOWN';
  return stepPasses(s) ? 'PASS' : 'FAIL';
}

function decisionOf(s: StepOutcome): string {
  return s.dependsOn.length > 0 ? `Unknown: depends on ${s.dependsOn.join(', ')}` : s.result.decision;
}

function verdict(d: Diagnosis): string {
  if (launchWorks(d)) return `the launch works: every step of account ${d.consumer}'s launch path is allowed`;
  const failing = d.steps.filter((s) => !stepPasses(s));
  if (failing.length > 0 && failing.every((s) => s.dependsOn.length > 0)) {
    const keys = [...new Set(failing.flatMap((s) => s.dependsOn))];
    return `the launch depends on ${keys.join(', ')}: pass ${keys.map((k) => `--context ${k}=…`).join(' ')}`;
  }
  const first = failing.find((s) => s.dependsOn.length === 0)?.step.id ?? firstFailing(d);
  return `the launch fails${first ? `: first failing step ${first}` : ''}${d.awsManaged && !d.sameAccount ? '; the key is AWS managed and cannot be shared' : ''}`;
}

function indentJson(value: unknown, indent: string): string[] {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((l) => `${indent}${l}`);
}

function fixText(fix: Fix, n: number): string[] {
  const lines = [`${n}. ${fix.steps.length > 0 ? `[${fix.steps.join(', ')}] ` : ''}${fix.problem}`, `   Fix: ${fix.action}`];
  if (fix.blocking) lines.push('   Statement at fault:', ...indentJson(fix.blocking, '     '));
  if (fix.statement) lines.push(`   Statement${fix.kind === 'narrow-deny' ? ' after the change' : ' to use'}:`, ...indentJson(fix.statement, '     '));
  if (fix.command) lines.push('   Command:', `     ${fix.command}`);
  return lines;
}

function doctorText(d: Diagnosis): string {
  const lines = [
    `keyshare doctor: can account ${d.consumer} launch Auto Scaling instances from snapshots encrypted with ${d.keyArn}?`,
    `service-linked role: ${d.serviceLinkedRole}`,
    ...d.inputs,
    ...d.notes.map((n) => `note: ${n}`),
  ];
  if (d.awsManaged) lines.push(`AWS managed key: ${d.awsManaged}${d.sameAccount ? ' (fine in its own account)' : '; it cannot be shared with another account'}`);
  lines.push('', `Launch path (${d.sameAccount ? 'same account' : 'cross-account'}):`);
  d.steps.forEach((s, i) => {
    lines.push(`  ${mark(s)}  ${i + 1}. ${s.step.id}: ${s.step.title} [${decisionOf(s)}]`);
    lines.push(...reasonLines(s.result).map((l) => `          ${l}`));
  });
  lines.push('', `Result: ${verdict(d)}.`);
  if (d.fixes.length > 0) lines.push('', 'Fixes (the first is for the first failing step):', ...d.fixes.flatMap((f, i) => fixText(f, i + 1)));
  return `${lines.join('\n')}\n`;
}

function fixMarkdown(fix: Fix, n: number): string[] {
  const lines = [`${n}. ${fix.steps.length > 0 ? `${fix.steps.map(code).join(', ')}: ` : ''}${cell(fix.problem)}`, '', `   **Fix**: ${cell(fix.action)}`];
  const indent = (block: string[]) => block.map((l) => `   ${l}`);
  if (fix.blocking) lines.push('', '   Statement at fault:', '', ...indent(jsonBlock(fix.blocking)));
  if (fix.statement) lines.push('', `   Statement${fix.kind === 'narrow-deny' ? ' after the change' : ' to use'}:`, '', ...indent(jsonBlock(fix.statement)));
  if (fix.command) lines.push('', ...indent(['```sh', fix.command, '```']));
  return [...lines, ''];
}

function doctorMarkdown(d: Diagnosis): string {
  const lines = [
    '### keyshare doctor',
    '',
    `Account ${code(d.consumer)}, key ${code(d.keyArn)}, service-linked role ${code(d.serviceLinkedRole)}: ${launchWorks(d) ? '✅' : '❌'} ${cell(verdict(d))}.`,
    '',
    ...d.inputs.map((l) => `- ${cell(l)}`),
    ...d.notes.map((n) => `- **Note**: ${cell(n)}`),
    ...(d.awsManaged ? [`- **AWS managed key**: ${cell(d.awsManaged)}`] : []),
    '',
    '| # | step | decision |',
    '|---|---|---|',
    ...d.steps.map((s, i) => `| ${i + 1} | ${code(s.step.id)}: ${cell(s.step.title)} | ${s.dependsOn.length > 0 ? `❔ ${cell(decisionOf(s))}` : decisionMarkdown(s.result.decision)} |`),
  ];
  for (const s of d.steps.filter((o) => !stepPasses(o))) {
    lines.push('', `<details><summary>${s.step.id}: ${decisionOf(s)}</summary>`, '', ...reasonMarkdown(s.result), '', '</details>');
  }
  if (d.fixes.length > 0) lines.push('', '#### Fixes', '', ...d.fixes.flatMap((f, i) => fixMarkdown(f, i + 1)));
  return `${lines.join('\n').trimEnd()}\n`;
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
      decision: dependsOn.length > 0 ? 'Unknown' : result.decision,
      dependsOn,
      trace: result.trace,
      missing: result.missing,
    })),
    fixes: d.fixes,
    inputs: d.inputs,
    notes: d.notes,
  };
  return json(out);
}

export const doctorRenderers: Renderers<Diagnosis> = { text: doctorText, markdown: doctorMarkdown, json: doctorJson };
