import { listOf, statementId, type PolicyDocument, type PolicyStatement } from '../policy/document';
import type { SetDiff, StatementDiff } from './report';

/**
 * A semantic, statement-by-statement diff of two policy documents: which principals, actions,
 * resources and conditions each statement gains or loses. Statements are matched by Sid, then
 * by identical content, then by position; list order and one-string-or-list spelling do not count.
 */

/** The statement ID rule: a Sid that is present and not empty, else the position. */

function principals(s: PolicyStatement): string[] {
  const out: string[] = [];
  for (const [element, block] of [
    ['Principal', s.Principal],
    ['NotPrincipal', s.NotPrincipal],
  ] as const) {
    if (block === undefined) continue;
    const prefix = element === 'NotPrincipal' ? 'not ' : '';
    if (block === '*') out.push(`${prefix}*`);
    else
      for (const [kind, values] of Object.entries(block))
        for (const v of listOf(values)) out.push(`${prefix}${kind === 'AWS' ? '' : `${kind}:`}${v}`);
  }
  return out;
}

function actions(s: PolicyStatement): string[] {
  return [...listOf(s.Action), ...listOf(s.NotAction).map((a) => `not ${a}`)];
}

function resources(s: PolicyStatement): string[] {
  return [...listOf(s.Resource), ...listOf(s.NotResource).map((r) => `not ${r}`)];
}

function conditions(s: PolicyStatement): string[] {
  const out: string[] = [];
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, value] of Object.entries(block)) {
      for (const v of Array.isArray(value) ? value : [value]) out.push(`${operator} ${key}: ${String(v)}`);
    }
  }
  return out;
}

function setDiff(before: readonly string[], after: readonly string[]): SetDiff {
  const b = new Set(before);
  const a = new Set(after);
  return { added: [...a].filter((x) => !b.has(x)).sort(), removed: [...b].filter((x) => !a.has(x)).sort() };
}

function fingerprint(s: PolicyStatement): string {
  return JSON.stringify([s.Effect, principals(s).sort(), actions(s).sort(), resources(s).sort(), conditions(s).sort()]);
}

function diffPair(id: string, before: PolicyStatement | undefined, after: PolicyStatement | undefined): StatementDiff | undefined {
  const b = before ?? ({} as PolicyStatement);
  const a = after ?? ({} as PolicyStatement);
  const diff: StatementDiff = {
    id,
    change: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed',
    effect: (after ?? before)!.Effect,
    ...(before && after && before.Effect !== after.Effect && { effectBefore: before.Effect }),
    principals: setDiff(before ? principals(b) : [], after ? principals(a) : []),
    actions: setDiff(before ? actions(b) : [], after ? actions(a) : []),
    resources: setDiff(before ? resources(b) : [], after ? resources(a) : []),
    conditions: setDiff(before ? conditions(b) : [], after ? conditions(a) : []),
  };
  if (diff.change !== 'changed') return diff;
  const same = [diff.principals, diff.actions, diff.resources, diff.conditions].every((d) => d.added.length === 0 && d.removed.length === 0);
  return same && !diff.effectBefore ? undefined : diff;
}

export function diffPolicies(before: PolicyDocument | undefined, after: PolicyDocument | undefined): StatementDiff[] {
  const b = before?.Statement ?? [];
  const a = after?.Statement ?? [];
  const pairs: { id: string; before?: PolicyStatement; after?: PolicyStatement; order: number }[] = [];
  const unmatchedBefore = new Set(b.map((_, i) => i));
  const unmatchedAfter = new Set(a.map((_, i) => i));
  const pair = (i: number, j: number) => {
    unmatchedBefore.delete(i);
    unmatchedAfter.delete(j);
    pairs.push({ id: statementId(a[j], j), before: b[i], after: a[j], order: j });
  };
  // 1. Sids, which keyshare treats as API.
  const bySid = new Map(b.flatMap((s, i) => (s.Sid ? [[s.Sid, i] as const] : [])));
  a.forEach((s, j) => {
    const i = s.Sid ? bySid.get(s.Sid) : undefined;
    if (i !== undefined && unmatchedBefore.has(i)) pair(i, j);
  });
  // 2. Identical statements without a Sid, wherever they moved.
  const byPrint = new Map<string, number[]>();
  for (const i of unmatchedBefore) if (!b[i].Sid) byPrint.set(fingerprint(b[i]), [...(byPrint.get(fingerprint(b[i])) ?? []), i]);
  for (const j of [...unmatchedAfter]) {
    if (a[j].Sid) continue;
    const i = byPrint.get(fingerprint(a[j]))?.shift();
    if (i !== undefined) pair(i, j);
  }
  // 3. Statements without a Sid at the same position.
  for (const j of [...unmatchedAfter]) if (!a[j].Sid && unmatchedBefore.has(j) && !b[j].Sid) pair(j, j);
  for (const j of unmatchedAfter) pairs.push({ id: statementId(a[j], j), after: a[j], order: j });
  for (const i of unmatchedBefore) pairs.push({ id: statementId(b[i], i), before: b[i], order: a.length + i });
  return pairs
    .sort((x, y) => x.order - y.order)
    .flatMap((p) => {
      const d = diffPair(p.id, p.before, p.after);
      return d ? [d] : [];
    });
}
