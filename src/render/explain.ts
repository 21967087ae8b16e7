import type { AuthorizationResult } from '../evaluator/types';
import { isAllowed } from '../evaluator/decision';
import { decisionMarkdown, reasonLines, reasonMarkdown } from './authorization';
import { json, Renderers } from './format';
import { cell, code } from './markdown';
import type { ContextValue, KmsRequest } from '../policy/request';

/** What `explain` decided: each request with its result, against one key. */
export interface Explanation {
  readonly keyArn: string;
  /** How absent inputs were read; text and markdown show them, json leaves them to stderr. */
  readonly notes: readonly string[];
  readonly explained: readonly { readonly request: KmsRequest; readonly result: AuthorizationResult }[];
}

/** The stable machine shape: one object per request, in order. */
function explainJson({ explained }: Explanation): string {
  const out = explained.map(({ request, result }) => ({
    principal: request.principal,
    action: request.action,
    decision: result.decision,
    trace: result.trace,
    missing: result.missing,
  }));
  return json(out);
}

function showContext(context: Readonly<Record<string, ContextValue>>): string {
  return Object.entries(context)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

function explainText({ explained, keyArn, notes }: Explanation): string {
  const lines = [`key: ${keyArn}`, ...notes.map((n) => `note: ${n}`)];
  explained.forEach(({ request, result }, i) => {
    lines.push('', `${i + 1}. ${request.action} by ${request.principal}: ${result.decision}`);
    if (request.resource) lines.push(`   resource: ${request.resource}`);
    if (request.context) lines.push(`   context: ${showContext(request.context)}`);
    lines.push(...reasonLines(result).map((l) => `   ${l}`));
  });
  const allowed = explained.filter((e) => isAllowed(e.result)).length;
  lines.push('', `${allowed} of ${explained.length} request${explained.length === 1 ? '' : 's'} allowed.`);
  return `${lines.join('\n')}\n`;
}

function explainMarkdown({ explained, keyArn, notes }: Explanation): string {
  const allowed = explained.filter((e) => isAllowed(e.result)).length;
  const lines = [
    '### keyshare explain',
    '',
    `Key ${code(keyArn)}: ${allowed} of ${explained.length} allowed.`,
    ...notes.map((n) => `> **Note**: ${cell(n)}`),
    '',
    '| # | principal | action | decision |',
    '|---|---|---|---|',
    ...explained.map(({ request, result }, i) => `| ${i + 1} | ${code(request.principal)} | ${code(request.action)} | ${decisionMarkdown(result.decision)} |`),
  ];
  explained.forEach(({ request, result }, i) => {
    lines.push('', `<details><summary>${i + 1}. ${request.action}: ${result.decision}</summary>`, '');
    if (request.context) lines.push(`Context: ${code(showContext(request.context))}`, '');
    lines.push(...reasonMarkdown(result), '', '</details>');
  });
  return `${lines.join('\n')}\n`;
}

export const explainRenderers: Renderers<Explanation> = { text: explainText, markdown: explainMarkdown, json: explainJson };
