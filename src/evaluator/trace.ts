import { grantsAllow, policiesAllow, type Evaluation } from './combine';
import type { PolicyOutcome } from './policy';
import type { Decision, TraceEntry, TraceSource } from './types';

function label(source: TraceSource, index: number, count: number): string {
  const name = source === 'identity-policy' ? 'IAM policy' : 'SCP';
  return count > 1 ? `${name} ${index + 1} of ${count}` : name;
}

function statementEntries(source: TraceSource, outcome: PolicyOutcome, action: string, prefix: string, e: Evaluation, allows: boolean): TraceEntry[] {
  const entries: TraceEntry[] = [];
  for (const hit of outcome.denies) {
    entries.push({ source, id: hit.statement.id, effect: 'Deny', detail: `${prefix}denies ${action}` });
  }
  for (const hit of allows ? outcome.allows : []) {
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
 * The statements and grants that took part: denies first (they decide), then allows. An allowed
 * request shows only the path that allowed it (key policy and IAM, or a grant); an implicit deny
 * shows the partial allows, e.g. a key policy that allows the account while no IAM policy does.
 */
export function traceOf(e: Evaluation, decision: Decision): TraceEntry[] {
  const { action } = e.request;
  const viaPolicies = decision !== 'Allowed' || policiesAllow(e);
  const viaGrants = decision !== 'Allowed' || grantsAllow(e);
  const entries = [
    ...statementEntries('key-policy', e.keyPolicy, action, '', e, viaPolicies),
    ...(e.identity ?? []).flatMap((o, i, all) => statementEntries('identity-policy', o, action, `${label('identity-policy', i, all.length)}: `, e, viaPolicies)),
    // An SCP never allows by itself; only its denies decide.
    ...(e.scps ?? []).flatMap((o, i, all) => statementEntries('scp', o, action, `${label('scp', i, all.length)}: `, e, false)),
    ...(viaGrants ? e.grants.allows : []).map((hit): TraceEntry => ({
      source: 'grant',
      id: hit.id,
      effect: 'Allow',
      detail: `grants ${hit.grant.GranteePrincipal} ${action.slice(4)}${hit.match === 'account' ? ", delegating to the account's IAM policies" : ''}`,
    })),
  ];
  return [...entries.filter((t) => t.effect === 'Deny'), ...entries.filter((t) => t.effect === 'Allow')];
}
