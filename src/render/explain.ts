import { type AuthorizationResult, isAllowed } from '../evaluator';
import { verdictDecision, verdictText } from '../templates/authorization';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';
import { ABSENT, type ContextEntry, type KmsRequest } from '../policy/kms-api';

/** What `explain` decided: each request with its result, against one key. */
export interface Explanation {
  readonly keyArn: string;
  /** How absent inputs were read; text and markdown show them, json leaves them to stderr. */
  readonly notes: readonly string[];
  readonly explained: readonly { readonly request: KmsRequest; readonly result: AuthorizationResult; readonly dependsOn: readonly string[] }[];
}

function allowedCount(explained: Explanation['explained']): number {
  return explained.filter((e) => e.dependsOn.length === 0 && isAllowed(e.result)).length;
}

/** The stable machine shape: one object per request, in order. */
function explainJson({ explained }: Explanation): string {
  const out = explained.map((e) => ({
    principal: e.request.principal,
    action: e.request.action,
    decision: verdictDecision(e),
    dependsOn: e.dependsOn,
    trace: e.result.trace,
    missing: e.result.missing,
  }));
  return json(out);
}

function showContext(context: Readonly<Record<string, ContextEntry>>): string {
  return Object.entries(context)
    .map(([k, v]) => `${k}=${v === null ? ABSENT : Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

/** What the text and markdown templates show: each request's resource and context as text, or null. */
function explainView({ explained, keyArn, notes }: Explanation) {
  return {
    keyArn,
    notes,
    allowed: allowedCount(explained),
    explained: explained.map((e) => ({
      request: e.request,
      result: e.result,
      unknown: e.dependsOn.length > 0,
      decisionText: verdictText(e, true),
      resource: e.request.resource ?? null,
      context: e.request.context ? showContext(e.request.context) : null,
    })),
  };
}

export const explainRenderers: Renderers<Explanation> = {
  text: (e) => renderTemplate('explain.txt', explainView(e)),
  markdown: (e) => renderTemplate('explain.md', explainView(e)),
  json: explainJson,
};
