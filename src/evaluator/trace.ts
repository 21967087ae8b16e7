import type { Evaluation } from './combine';
import type { PolicyOutcome } from './policy';
import type { TraceEntry, TraceSource } from './types';

function label(source: TraceSource, index: number, count: number): string {
  const name = source === 'identity-policy' ? 'IAM policy' : 'SCP';
  return count > 1 ? `${name} ${index + 1} of ${count}` : name;
}

function statementEntries(source: TraceSource, outcome: PolicyOutcome, action: string, prefix: string, e: Evaluation): TraceEntry[] {
  const entries: TraceEntry[] = [];
  for (const hit of outcome.denies) {
    entries.push({ source, id: hit.statement.id, effect: 'Deny', detail: `${prefix}denies ${action}` });
  }
  for (const hit of outcome.allows) {
    const { caller } = e.request;
    const who =
      source !== 'key-policy'
        ? `allows ${action}`
        : hit.match === 'direct'
          ? `allows ${caller.arn} ${action}`
          : `allows account ${caller.account} ${action}, delegating to its IAM policies`;
    entries.push({ source, id: hit.statement.id, effect: 'Allow', detail: `${prefix}${who}` });
  }
  return entries;
}

/**
 * The statements and grants that took part: denies first (they decide), then allows. For an
 * implicit deny the allows are the partial ones, e.g. a key policy that allows the account while
 * no IAM policy does.
 */
export function traceOf(e: Evaluation): TraceEntry[] {
  const { action } = e.request;
  const entries = [
    ...statementEntries('key-policy', e.keyPolicy, action, '', e),
    ...(e.identity ?? []).flatMap((o, i, all) => statementEntries('identity-policy', o, action, `${label('identity-policy', i, all.length)}: `, e)),
    // An SCP never allows by itself; only its denies decide.
    ...(e.scps ?? []).flatMap((o, i, all) => statementEntries('scp', o, action, `${label('scp', i, all.length)}: `, e).filter((t) => t.effect === 'Deny')),
    ...e.grants.allows.map((hit): TraceEntry => ({
      source: 'grant',
      id: hit.id,
      effect: 'Allow',
      detail: `grants ${hit.grant.GranteePrincipal} ${action.slice(4)}${hit.match === 'account' ? ', delegating to the account\'s IAM policies' : ''}`,
    })),
  ];
  return [...entries.filter((t) => t.effect === 'Deny'), ...entries.filter((t) => t.effect === 'Allow')];
}
