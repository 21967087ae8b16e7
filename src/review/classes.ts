import { ACCOUNT_ID_SOURCE } from '../policy/formats';
import { parseAutoScalingRoleArn, principalAccount } from '../policy/arns';
import type { PrincipalAccess, Who } from './report';

/**
 * Principals that differ only in their account and whose access changes alike, as one line: at
 * 300 accounts, "the Auto Scaling role of 299 accounts" instead of 299 rows or boxes. The widest
 * come first (anyone, an organization, then accounts and their principals), because who else may
 * use the key is what a reviewer reads for.
 */
export interface AccessClass {
  readonly kind: Who['kind'];
  /** What the members are, e.g. "the Auto Scaling role of 299 accounts", or one principal's label. */
  readonly label: string;
  /** The members' accounts, sorted, when the class spans accounts. */
  readonly accounts: readonly string[];
  readonly gained: readonly string[];
  readonly lost: readonly string[];
  readonly after: readonly string[];
}

const ACCOUNT = new RegExp(ACCOUNT_ID_SOURCE, 'g');
const WIDTH = { anyone: 0, organization: 1, account: 2, principal: 3 } as const;

function accountOf(who: Who): string | undefined {
  return who.kind === 'account' ? who.id : who.kind === 'principal' ? principalAccount(who.id) : undefined;
}

/** What the members of a class of `n` principals shaped like `who` are. */
function classLabel(who: Who, n: number): string {
  const role = who.kind === 'principal' ? parseAutoScalingRoleArn(who.id) : undefined;
  const suffix = role?.suffix ? ` (suffix ${role.suffix})` : '';
  if (n === 1) return role ? `the Auto Scaling role${suffix} of account ${role.account}` : who.label;
  if (who.kind === 'account') return `${n.toLocaleString('en-US')} accounts`;
  if (role) return `the Auto Scaling role${suffix} of ${n.toLocaleString('en-US')} accounts`;
  return `${who.label.replace(ACCOUNT, '<account>')}, in ${n.toLocaleString('en-US')} accounts`;
}

export function accessClasses(access: readonly PrincipalAccess[]): AccessClass[] {
  const groups = new Map<string, PrincipalAccess[]>();
  for (const a of access) {
    const account = accountOf(a.who);
    const shape = account ? a.who.id.split(account).join('<account>') : `${a.who.kind}:${a.who.id}`;
    const key = JSON.stringify([a.who.kind, shape, a.gained, a.lost, a.after]);
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.values()]
    .map((members) => {
      const [first] = members;
      const accounts = members.map((m) => accountOf(m.who)).filter((x): x is string => x !== undefined);
      return {
        kind: first.who.kind,
        label: classLabel(first.who, members.length),
        accounts: members.length > 1 ? [...new Set(accounts)].sort() : [],
        gained: first.gained,
        lost: first.lost,
        after: first.after,
      };
    })
    .sort((a, b) => WIDTH[a.kind] - WIDTH[b.kind] || changes(b) - changes(a) || b.accounts.length - a.accounts.length);
}

/** 1 when the class gains or loses something: within one width, changes come first. */
function changes(c: AccessClass): number {
  return c.gained.length > 0 || c.lost.length > 0 ? 1 : 0;
}
