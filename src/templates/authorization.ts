import { type AuthorizationResult, type Decision, isConditionKey, SOURCE_LABEL, type Verdict } from '../evaluator';
import { cell, code } from './escape';

const DECISION_MARK: Record<Decision, string> = { Allowed: '✅', ExplicitlyDenied: '⛔', ImplicitlyDenied: '❌' };

export function decisionMarkdown(decision: Decision): string {
  return `${DECISION_MARK[decision]} ${decision}`;
}

/** Unknown when the answer rests on a fact not given (the keys in `dependsOn`), else the evaluator's decision. */
export function verdictDecision(v: Verdict): Decision | 'Unknown' {
  return v.dependsOn.length > 0 ? 'Unknown' : v.result.decision;
}

/**
 * The verdict in words: `Unknown: depends on K`, and how to give K where the command takes
 * `--context` (explain, doctor; check supplies every fact it needs itself).
 */
export function verdictText(v: Verdict, contextFlag: boolean): string {
  if (v.dependsOn.length === 0) return v.result.decision;
  // Entries with spaces are undecided pages (authorize's `undecided`), not keys a flag can give.
  const keys = v.dependsOn.filter(isConditionKey);
  const hint = contextFlag && keys.length > 0 ? `: pass ${keys.map((k) => `--context ${k}=…`).join(' ')}` : '';
  return `Unknown: depends on ${v.dependsOn.join(', ')}${hint}`;
}

/** Why a decision fell as it did: one line per statement or grant, then what was missing. */
export function reasonLines(result: AuthorizationResult): string[] {
  return [
    ...result.trace.map((t) => `${t.effect.toLowerCase()} ${SOURCE_LABEL[t.source]} ${t.id}: ${t.detail}`),
    ...result.missing.map((m) => `missing: ${m}`),
  ];
}

export function reasonMarkdown(result: AuthorizationResult): string[] {
  return [
    ...result.trace.map((t) => `- **${t.effect}** ${SOURCE_LABEL[t.source]} ${code(t.id)}: ${cell(t.detail)}`),
    ...result.missing.map((m) => `- **Missing**: ${cell(m)}`),
  ];
}
