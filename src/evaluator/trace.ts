import { grantsAllow, policiesAllow, type Evaluation } from './combine';
import type { PolicyOutcome } from './policy';
import type { Decision, TraceEntry, TraceSource } from './types';
import { SOURCE_LABEL } from './decision';

function label(source: TraceSource, index: number, count: number): string {
  const name = SOURCE_LABEL[source];
  return count > 1 ? `${name} ${index + 1} of ${count}` : name;
}

function addStatements(out: Entries, source: TraceSource, outcome: PolicyOutcome, prefix: string, e: Evaluation, allows: boolean): void {
  const { caller, action } = e.request;
  for (const hit of outcome.denies) out.denies.push({ source, id: hit.statement.id, effect: 'Deny', detail: `${prefix}denies ${action}` });
  if (!allows) return;
  for (const hit of outcome.allows) {
    const who =
      source !== 'key-policy'
        ? `allows ${action}`
        : hit.match === 'direct'
          ? `allows ${caller.arn} ${action}`
          : `allows account ${caller.account} ${action}, delegating to its IAM policies`;
    out.allows.push({ source, id: hit.statement.id, effect: 'Allow', detail: `${prefix}${who}` });
  }
}

interface Entries {
  readonly denies: TraceEntry[];
  readonly allows: TraceEntry[];
}

/**
 * The statements and grants that took part: denies first (they decide), then allows. An allowed
 * request shows only the path that allowed it (key policy and IAM, or a grant); an implicit deny
 * shows the partial allows, e.g. a key policy that allows the account while no IAM policy does.
 */
export function traceOf(e: Evaluation, decision: Decision): TraceEntry[] {
  const viaPolicies = decision !== 'Allowed' || policiesAllow(e);
  const viaGrants = decision !== 'Allowed' || grantsAllow(e);
  const out: Entries = { denies: [], allows: [] };
  addStatements(out, 'key-policy', e.keyPolicy, '', e, viaPolicies);
  const identity = e.identity ?? [];
  identity.forEach((o, i) => addStatements(out, 'identity-policy', o, `${label('identity-policy', i, identity.length)}: `, e, viaPolicies));
  // An SCP never allows by itself; only its denies decide.
  const scps = e.scps ?? [];
  scps.forEach((o, i) => addStatements(out, 'scp', o, `${label('scp', i, scps.length)}: `, e, false));
  const rcps = e.rcps ?? [];
  rcps.forEach((o, i) => addStatements(out, 'rcp', o, `${label('rcp', i, rcps.length)}: `, e, false));
  if (e.boundary) addStatements(out, 'permissions-boundary', e.boundary, 'permissions boundary: ', e, false);
  if (viaGrants) {
    for (const hit of e.grants.allows) {
      const delegation = hit.match === 'account' ? ", delegating to the account's IAM policies" : '';
      const detail = hit.retiring
        ? hit.retiring === 'retiring-principal'
          ? `names ${hit.grant.RetiringPrincipal} as its retiring principal${delegation}`
          : `was created by ${hit.grant.IssuingAccount}, which may retire it${delegation}`
        : `grants ${hit.grant.GranteePrincipal} ${e.request.action.slice(4)}${delegation}`;
      out.allows.push({ source: 'grant', id: hit.id, effect: 'Allow', detail });
    }
  }
  return out.denies.length === 0 ? out.allows : [...out.denies, ...out.allows];
}
