import { ACCOUNT_ID_SOURCE } from '../policy/formats';
import { thousands } from '../templates/helpers';

/**
 * Items that are the same once their account IDs are left out: at 300 accounts, one "replaced in
 * 300 stacks" or one finding "alike for 300 accounts" instead of 300 rows, so what differs stays in
 * the first screen.
 */
export interface Alike<T> {
  readonly first: T;
  readonly count: number;
  /** The members' places (stacks), distinct, in order of first appearance. */
  readonly places: readonly string[];
  /** The account IDs in which the members differ, sorted; empty for one member. */
  readonly accounts: readonly string[];
}

const ACCOUNT = new RegExp(ACCOUNT_ID_SOURCE, 'g');
/** The hash cdktf appends to a construct's logical ID (`…-444455556666_5EEC9487`): it differs with the account. */
const CDKTF_HASH = /_[0-9A-F]{8}\b/g;

/**
 * Groups `items` whose place (stack) and shape are the same with every account ID (and the cdktf
 * hash that follows one in an address) masked, in order of first appearance. A stack named for its account (`consumer-444455556666`) is alike to the
 * others; `owner` only to itself.
 */
export function groupAlike<T>(items: readonly T[], place: (t: T) => string | undefined, shape: (t: T) => unknown): Alike<T>[] {
  const groups = new Map<string, { first: T; count: number; places: string[]; ids: Set<string>[] }>();
  for (const item of items) {
    const at = place(item);
    const text = JSON.stringify([at ?? null, shape(item)]);
    const key = text.replace(ACCOUNT, '<account>').replace(CDKTF_HASH, '_<hash>');
    const ids = new Set(text.match(ACCOUNT) ?? []);
    const g = groups.get(key);
    if (!g) groups.set(key, { first: item, count: 1, places: at === undefined ? [] : [at], ids: [ids] });
    else {
      g.count++;
      if (at !== undefined && !g.places.includes(at)) g.places.push(at);
      g.ids.push(ids);
    }
  }
  return [...groups.values()].map(({ first, count, places, ids }) => {
    const all = new Set(ids.flatMap((s) => [...s]));
    const everywhere = [...all].filter((id) => ids.every((s) => s.has(id)));
    return { first, count, places, accounts: [...all].filter((id) => !everywhere.includes(id)).sort() };
  });
}

/** The first three of `xs` and `…` after them, or every one (`all`, for the full report). */
export function fewOf(xs: readonly string[], all: boolean): string {
  return all || xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')}, …`;
}

/** Where a group happens: its one stack, or how many and which. */
export function inStacks(stacks: readonly string[], all: boolean): { one: string | null; many: string | null } {
  if (stacks.length === 1) return { one: stacks[0], many: null };
  return { one: null, many: `${thousands(stacks.length)} stacks (${fewOf(stacks, all)})` };
}

/**
 * What a group of `count` alike items adds to the first one's line; null for one item. A change
 * made once in each of its stacks says so by its stacks ("in 300 stacks (…)"): `perStack` leaves
 * the note out then.
 */
export function alikeNote(group: Alike<unknown>, all: boolean, perStack = false): string | null {
  if (group.count === 1 || (perStack && group.count === group.places.length)) return null;
  const n = group.accounts.length;
  const few = fewOf(group.accounts, all);
  if (n === 0) return `${thousands(group.count)} alike`;
  return n === group.count
    ? `${thousands(n)} alike, one per account: ${few}`
    : `${thousands(group.count)} alike, across ${thousands(n)} accounts: ${few}`;
}
