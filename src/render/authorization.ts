import { SOURCE_LABEL } from '../evaluator/decision';
import type { AuthorizationResult, Decision } from '../evaluator/types';
import { cell, code } from './markdown';

const DECISION_MARK: Record<Decision, string> = { Allowed: '✅', ExplicitlyDenied: '⛔', ImplicitlyDenied: '❌' };

export function decisionMarkdown(decision: Decision): string {
  return `${DECISION_MARK[decision]} ${decision}`;
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
