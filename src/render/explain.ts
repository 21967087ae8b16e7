import type { AuthorizationResult } from '../evaluator/types';
import { isAllowed } from '../evaluator/decision';
import { json, Renderers } from './format';
import { renderTemplate } from './templates';
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

/** What the text and markdown templates show: each request's resource and context as text, or null. */
function explainView({ explained, keyArn, notes }: Explanation) {
  return {
    keyArn,
    notes,
    allowed: explained.filter((e) => isAllowed(e.result)).length,
    explained: explained.map(({ request, result }) => ({
      request,
      result,
      resource: request.resource ?? null,
      context: request.context ? showContext(request.context) : null,
    })),
  };
}

export const explainRenderers: Renderers<Explanation> = {
  text: (e) => renderTemplate('explain.txt', explainView(e)),
  markdown: (e) => renderTemplate('explain.md', explainView(e)),
  json: explainJson,
};
