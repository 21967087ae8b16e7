import type { ResourceChange } from './plan';
import type { StackPlan } from './plan-set';
import type { ChangeEntry, Counts, StackSummary } from './report';
import { changedAttributes } from './values';

/** What the plans do, resource by resource: counted per stack and in total, and each change listed. */

function emptyCounts(): Record<keyof Counts, number> {
  return { create: 0, update: 0, delete: 0, replace: 0, import: 0, move: 0, 'no-op': 0 };
}

function count(counts: Record<keyof Counts, number>, c: ResourceChange): void {
  if (c.importing !== undefined) counts.import++;
  if (c.moved) counts.move++;
  if (c.kind === 'create' || c.kind === 'update' || c.kind === 'delete' || c.kind === 'replace') counts[c.kind]++;
  else if (c.kind === 'forget') counts.delete++;
  else if (c.kind === 'no-op' && !c.moved && c.importing === undefined) counts['no-op']++;
}

function pathText(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`))
    .join('');
}

function entry(stack: StackPlan, c: ResourceChange): ChangeEntry {
  return {
    stack: stack.stack,
    account: stack.account,
    address: c.deposed ? `${c.address} (deposed ${c.deposed})` : c.address,
    previousAddress: c.previousAddress,
    type: c.type,
    kind: c.kind,
    moved: c.moved,
    importing: c.importing,
    actionReason: c.actionReason,
    replacePaths: c.replacePaths.map(pathText),
    attributes: changedAttributes(c),
  };
}

export const isChange = (c: ResourceChange) => c.kind !== 'no-op' || c.moved || c.importing !== undefined;

/** Each stack's counts, the totals, and the changes with deletions and replacements (`destructive`) first. */
export function countChanges(stacks: readonly StackPlan[]): {
  stacks: StackSummary[];
  totals: Counts;
  destructive: ChangeEntry[];
  changes: ChangeEntry[];
} {
  const summaries: StackSummary[] = [];
  const totals = emptyCounts();
  const changes: ChangeEntry[] = [];
  for (const s of stacks) {
    const counts = emptyCounts();
    for (const c of s.plan.changes) {
      if (c.mode !== 'managed') continue;
      count(counts, c);
      count(totals, c);
      if (isChange(c)) changes.push(entry(s, c));
    }
    summaries.push({ stack: s.stack, account: s.account, file: s.plan.file, formatVersion: s.plan.formatVersion, counts });
  }
  const destructive = changes.filter((c) => c.kind === 'delete' || c.kind === 'replace' || c.kind === 'forget');
  return { stacks: summaries, totals, destructive, changes: [...destructive, ...changes.filter((c) => !destructive.includes(c))] };
}
