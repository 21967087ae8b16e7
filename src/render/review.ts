import { COMMENT_LIMIT, COMMENT_MARKER } from '../review/comment';
import { COUNTED, failing, type ReviewReport, type StatementDiff } from '../review/report';
import type { FailOn, Severity } from '../policy/rules';
import { showValue } from '../review/values';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';
import { cell, code, terminal, trusted, url, type Escaped } from '../templates/escape';
import { thousands } from '../templates/helpers';
import { accessClasses, type AccessClass } from '../review/classes';
import { accessSummary } from '../review/diagram';
import { isStandInKeyArn } from '../policy/arns';
import { alikeNote, fewOf, groupAlike, inStacks } from './alike';
import { SEVERITY_MARK } from './severity';

/** The margin keeps room for the workflow's footer. */
const BUDGET = COMMENT_LIMIT - 1536;

export interface ReviewRenderOptions {
  readonly failOn: FailOn;
  /** Where the full report was written (`--out`), named when the comment is truncated. */
  readonly fullReport?: string;
  /** The full report for a file: never cut to a comment's size. */
  readonly unlimited?: boolean;
  /** The CI run that made the review (from GITHUB_* variables), named under the heading. */
  readonly provenance?: { readonly commit?: string; readonly runUrl?: string };
}

function verdict(report: ReviewReport): string {
  const by = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  const parts = (['high', 'medium', 'low'] as const).filter((s) => by(s) > 0).map((s) => `${by(s)} ${s}`);
  return parts.length === 0 ? 'no risks found' : `${parts.join(', ')} risk finding${report.findings.length === 1 ? '' : 's'}`;
}

/** The machine shape; docs/review-report.schema.json documents it. */
function reviewJson(report: ReviewReport, options: ReviewRenderOptions): string {
  return json({ schemaVersion: 1, failOn: options.failOn, failed: failing(report, options.failOn), verdict: verdict(report), ...report });
}

/** Condition entries `Operator key: value` of one operator and key are shown as one, values joined. */
function grouped(entries: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const at = e.indexOf(': ');
    const head = at < 0 ? e : e.slice(0, at);
    groups.set(head, [...(groups.get(head) ?? []), ...(at < 0 ? [] : [e.slice(at + 2)])]);
  }
  return [...groups].map(([head, values]) => (values.length > 0 ? `${head}: ${values.join(' | ')}` : head)).join(', ');
}

/** What a statement diff changes, field by field, in the order both views list them. */
function statementFields(s: StatementDiff) {
  return [
    ['principals', s.principals],
    ['actions', s.actions],
    ['resources', s.resources],
    ['conditions', s.conditions],
  ] as const;
}

function statementParts(s: StatementDiff): string[] {
  const out: string[] = [];
  if (s.effectBefore) out.push(`effect: ${s.effectBefore} → ${s.effect}`);
  for (const [name, d] of statementFields(s)) {
    if (d.added.length > 0) out.push(`+ ${name}: ${grouped(d.added)}`);
    if (d.removed.length > 0) out.push(`− ${name}: ${grouped(d.removed)}`);
  }
  return out;
}

const MARK = { added: '+', removed: '−', changed: '~' } as const;

/** How many classes of principals the access list shows before the unchanged rest folds. */
const ACCESS_IN_SIGHT = 8;

/** Caps on list lengths; undefined shows everything. */
interface Caps {
  readonly rows: number;
  readonly statements: number;
}

function take<T>(xs: readonly T[], cap: number | undefined): { shown: readonly T[]; more: number } {
  return cap === undefined || xs.length <= cap ? { shown: xs, more: 0 } : { shown: xs.slice(0, cap), more: xs.length - cap };
}

/**
 * A value as the comment shows it: whole in the full report; in the comment, at most `max`
 * characters, cut after a JSON token (never inside a string, a number or an escape).
 */
function shown(value: unknown, max: number | undefined): string {
  const text = showValue(value);
  if (max === undefined || text.length <= max) return text;
  // A policy is a JSON document inside a JSON string: it is cut between the document's tokens.
  const inner = typeof value === 'string' ? value : text;
  const at = tokenBoundary(inner, max);
  const head = typeof value === 'string' ? JSON.stringify(inner.slice(0, at)).slice(0, -1) : inner.slice(0, at);
  return `${head} … (${thousands(inner.length - at)} more characters in the full report)`;
}

/** The last position at or before `max` that ends a JSON token of `text`, outside its strings. */
function tokenBoundary(text: string, max: number): number {
  const ends = [...text.slice(0, max).matchAll(/[,:[\]{}]/g)].map((m) => m.index).filter((i) => !insideString(text, i));
  return ends.length > 0 ? ends[ends.length - 1] + 1 : 0;
}

/** Whether position `i` of JSON text lies inside a string literal. */
function insideString(text: string, i: number): boolean {
  let inside = false;
  for (let j = 0; j < i; j++) {
    if (text[j] === '\\' && inside) j++;
    else if (text[j] === '"') inside = !inside;
  }
  return inside;
}

/** Access in words (use, administer, grant…), then the actions: all in the full report, the first few in the comment. */
function actions(names: readonly string[], max: number | undefined): string {
  const listed = max === undefined || names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … ${names.length - max} more`;
  return `${accessSummary(names)} (${listed})`;
}

/** A statement's diff as the lines of a ```diff block: + added, - removed, a header per statement (and what is alike to it). */
function diffLines(s: StatementDiff, alike: string | null): string[] {
  const out = [`@@ ${s.id}: ${s.change}, ${s.effectBefore ? `${s.effectBefore} → ` : ''}${s.effect} @@`];
  // Statements alike but for their account (one per consumer in a flat key policy) are one hunk.
  if (alike) out.push(...wrapped(' ', `${alike}; the first:`));
  for (const [name, d] of statementFields(s)) {
    for (const x of d.removed) out.push(...wrapped('-', `${name}: ${x}`));
    for (const x of d.added) out.push(...wrapped('+', `${name}: ${x}`));
  }
  return out;
}

/** Characters of a code line that fit GitHub's 880-pixel comment column without scrolling. */
const CODE_LINE = 100;

/** What a diff line's continuation starts with after its mark. */
const CONTINUATION = '     ';

/**
 * A diff line longer than the column, broken at spaces into continuation lines with the same mark;
 * a word longer than a line (an ARN) is broken at the column.
 */
function wrapped(mark: string, text: string): string[] {
  const lines: string[] = [];
  let line = `${mark} `;
  for (const word of text.split(' ')) {
    pieces(word, CODE_LINE - mark.length - CONTINUATION.length).forEach((piece, i) => {
      if (i > 0 || (line.length + piece.length + 1 > CODE_LINE && line.trim() !== mark)) {
        lines.push(line.trimEnd());
        line = `${mark}${CONTINUATION}`;
      }
      line += `${piece} `;
    });
  }
  return [...lines, line.trimEnd()];
}

/**
 * `word` in pieces of at most `width` characters. Cut by length alone, never by what the word
 * holds, so no value decides how many lines its block has.
 */
function pieces(word: string, width: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < word.length; at += width) out.push(word.slice(at, at + width));
  return out.length > 0 ? out : [word];
}

/**
 * Where the review's input came from, and the CI run that made it, for the line under the heading:
 * markdown composed here, every input in it escaped (config file names are the user's, the
 * GITHUB_* values the environment's).
 */
function provenance(report: ReviewReport, options: ReviewRenderOptions): Escaped | null {
  const parts: string[] = [];
  if (report.source.kind === 'configs') {
    parts.push(
      `Config review: ${report.source.base === undefined ? `${code(report.source.config ?? '')}, with no config before it` : `${code(report.source.base)} → ${code(report.source.config ?? '')}`}, synthesized in memory, no plans or credentials`,
    );
    // A key the change creates has no ARN yet: it is named by its stack and address, and a stand-in ARN decides for it.
    for (const k of report.keys.filter((key) => key.keyArnAssumed)) {
      parts.push(
        isStandInKeyArn(k.key)
          ? `the key ARN ${code(k.key)} is a stand-in for the key the owner stack will create`
          : `key ${code(k.key)} is created by this change, so a stand-in ARN takes the place of its own`,
      );
    }
  }
  const ci = options.provenance;
  if (ci?.commit) parts.push(`commit ${code(ci.commit.slice(0, 12))}`);
  if (ci?.runUrl) parts.push(`[CI run](${url(ci.runUrl)})`);
  return parts.length > 0 ? trusted(parts.join(' · ')) : null;
}

function markdownWith(report: ReviewReport, options: ReviewRenderOptions, caps: Caps | undefined, note: string | undefined): string {
  const rows = caps?.rows;
  const valueMax = caps === undefined && options.unlimited ? undefined : 300;
  const actionMax = caps === undefined && options.unlimited ? undefined : 4;
  // The full report lists every member of a group; the comment the first few.
  const all = caps === undefined && options.unlimited === true;
  const byStack = <T extends { readonly stack: string }>(items: readonly T[], shape: (t: T) => unknown) =>
    take(
      groupAlike(items, (t) => t.stack, shape),
      rows,
    );
  const findings = take(
    groupAlike(
      report.findings,
      (f) => f.stack,
      (f) => [f.rule, f.severity, f.message, f.fix, f.address, f.statement],
    ),
    rows,
  );
  const destructive = byStack(report.destructive, (c) => [c.address, c.kind, c.actionReason, c.replacePaths, c.attributes]);
  const policies = byStack(report.policies, (p) => [p.subject, p.address, p.change, p.opaque, p.statements]);
  const permissions = byStack(report.permissions, (p) => [p.kind, p.address, p.change, p.before, p.after]);
  // Grouped by account, the header's counts per account read down the table; in the comment, stacks
  // alike but for their account (300 consumers that change nothing) are one row.
  const byAccount = [...report.stacks].sort((a, b) => (a.account ?? '~').localeCompare(b.account ?? '~') || a.stack.localeCompare(b.stack));
  const stacks = take(
    all
      ? byAccount.map((st) => ({ first: st, count: 1, places: [st.stack], accounts: [] }))
      : groupAlike(
          byAccount,
          (st) => st.stack,
          (st) => st.counts,
        ),
    rows,
  );
  const changes = byStack(report.changes, (c) => [c.address, c.kind, c.moved, c.importing, c.attributes]);
  const accessChanged = report.keys.some((k) => k.access.some((a) => a.gained.length > 0 || a.lost.length > 0));
  const changed = COUNTED.some((c) => c !== 'no-op' && report.totals[c] > 0);
  return renderTemplate('review.md', {
    marker: trusted(COMMENT_MARKER),
    failed: failing(report, options.failOn),
    verdict: verdict(report),
    provenance: provenance(report, options),
    compact: !changed && !accessChanged && report.findings.length === 0 && report.suppressed.length === 0,
    stackCount: report.stacks.length,
    totals: COUNTED.filter((name) => report.totals[name] > 0).map((name) => ({ name, value: report.totals[name] })),
    truncated: note ?? null,
    findings: findings.shown.map((g) => ({
      ...g.first,
      mark: SEVERITY_MARK[g.first.severity],
      ...(g.places.length > 1 ? inStacks(g.places, all) : { one: g.first.stack ?? null, many: null }),
      address: g.first.address ?? null,
      statement: g.first.statement ?? null,
      // A finding once in each of its stacks is said by "in 40 stacks (…)"; the note would repeat its accounts.
      alike: alikeNote(g, all, g.places.length > 1),
    })),
    findingsMore: findings.more,
    suppressed: take(report.suppressed, rows).shown.map((x) => ({ ...x, at: [x.stack, x.address].filter(Boolean).join(' › ') || '—' })),
    suppressedMore: take(report.suppressed, rows).more,
    destructiveCount: report.destructive.length,
    destructive: destructive.shown.map((g) => ({
      ...g.first,
      ...inStacks(g.places, all),
      alike: alikeNote(g, all, true),
      reason: g.first.actionReason ?? null,
      paths: g.first.replacePaths.length > 0 ? g.first.replacePaths.join(', ') : null,
      attributes: g.first.attributes.map((a) => `${a.path}: ${shown(a.before, valueMax)} → ${shown(a.after, valueMax)}`),
    })),
    destructiveMore: destructive.more,
    keys: report.keys.map((k) => {
      const classes = accessClasses(k.access);
      const listed = take(classes, rows);
      const problems = k.launch.filter((l) => l.status !== 'holds');
      const launch = take(
        groupAlike(
          problems,
          () => undefined,
          (l) => l,
        ),
        rows,
      );
      const counts = new Map<string, number>();
      for (const l of k.launch) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
      const line = (c: AccessClass) => ({
        label: c.label,
        accounts: c.accounts.length > 0 ? fewOf(c.accounts, all) : null,
        gained: c.gained.length > 0 ? actions(c.gained, actionMax) : null,
        lost: c.lost.length > 0 ? actions(c.lost, actionMax) : null,
        keeps: c.gained.length === 0 && c.lost.length === 0 ? accessSummary(c.after) : null,
      });
      // The widest classes and every change stay in sight; unchanged narrower classes fold.
      const first = listed.shown.filter((c, i) => i < 2 || c.gained.length > 0 || c.lost.length > 0).slice(0, ACCESS_IN_SIGHT);
      const rest = listed.shown.filter((c) => !first.includes(c));
      return {
        key: k.key,
        notes: k.notes,
        access: first.map(line),
        accessFolded: rest.map(line),
        accessMore: listed.more,
        launch: k.launch,
        launchSummary: [...counts].map(([st, n]) => `${thousands(n)} ${st}`).join(', '),
        launchProblems: launch.shown.map(({ first: l, count, accounts }) => ({
          ...l,
          accounts: count > 1 ? `${thousands(count)} accounts (${fewOf(accounts, all)})` : null,
          step: l.failing
            ? `${l.failing.id}: ${l.failing.title} (${l.failing.decision}${l.failing.reasons.length ? `; ${l.failing.reasons.join('; ')}` : ''})`
            : null,
        })),
        launchMore: launch.more,
        diagram: k.diagram ? { ...k.diagram, edges: k.diagram.edges.map((e) => ({ ...e, gains: e.gains ?? null, loses: e.loses ?? null })) } : null,
      };
    }),
    policies: policies.shown.map(({ first: p, places }) => {
      const statements = take(
        groupAlike(
          p.statements,
          () => undefined,
          (st) => st,
        ),
        caps?.statements,
      );
      const size =
        p.bytesAfter !== undefined
          ? `${thousands(p.bytesAfter)} bytes${p.bytesBefore !== undefined && p.bytesBefore !== p.bytesAfter ? ` (was ${thousands(p.bytesBefore)})` : ''}`
          : '';
      const diff = statements.shown.flatMap((g) => diffLines(g.first, alikeNote(g, all)));
      return {
        ...p,
        ...inStacks(places, all),
        opaque: p.opaque ?? null,
        size,
        diff: diff.length > 0 ? diff : null,
        statementsMore: statements.more,
      };
    }),
    policiesMore: policies.more,
    permissions: permissions.shown.map((g) => ({
      ...g.first,
      ...inStacks(g.places, all),
      alike: alikeNote(g, all, true),
      before: g.first.before ?? '—',
      after: g.first.after ?? '—',
    })),
    permissionsMore: permissions.more,
    permissionCount: report.permissions.length,
    stacks: stacks.shown.map(({ first: st, places, accounts }) => ({
      ...st,
      account: st.account ?? '—',
      // A narrow cell: the table has nine columns.
      alsoIn: places.length - 1,
      accounts: places.length > 1 ? `${thousands(Math.max(accounts.length, 1))} ${accounts.length === 1 ? 'account' : 'accounts'}` : null,
      counts: COUNTED.map((c) => st.counts[c]),
    })),
    stacksMore: stacks.more,
    changes: changes.shown.map(({ first: c, ...g }) => ({
      ...c,
      ...inStacks(g.places, all),
      alike: alikeNote({ first: c, ...g }, all, true),
      action: [c.kind, c.moved && `moved from ${c.previousAddress}`, c.importing !== undefined && `imported (id ${c.importing})`]
        .filter(Boolean)
        .join(', '),
      attributes: c.attributes.map((a) => `${a.path}: ${shown(a.before, valueMax)} → ${shown(a.after, valueMax)}`),
    })),
    changeCount: report.changes.length,
    changesMore: changes.more,
    assumptions: report.assumptions,
  });
}

/**
 * The PR comment. When the whole report would pass GitHub's limit, lists are cut (longest
 * first to go) until it fits, and the comment says so and where the full report is.
 */
function reviewMarkdown(report: ReviewReport, options: ReviewRenderOptions): string {
  const full = markdownWith(report, options, undefined, undefined);
  if (options.unlimited || full.length <= BUDGET) return full;
  const where = options.fullReport ? `the full report is ${options.fullReport}` : 'run keyshare review with --out FILE for the full report';
  for (let rows = 200; rows >= 1; rows = Math.floor(rows / 2)) {
    const cut = markdownWith(report, options, { rows, statements: Math.max(5, rows / 4) }, `lists show at most ${rows} entries; ${where}`);
    if (cut.length <= BUDGET) return cut;
  }
  return `${COMMENT_MARKER}\n### keyshare review: ${cell(verdict(report))}\n\n> **Truncated**: the report does not fit a comment; ${cell(where)}.\n`;
}

function reviewText(report: ReviewReport, options: ReviewRenderOptions): string {
  const lines = [`keyshare review: ${verdict(report)}${failing(report, options.failOn) ? ` (fails at --fail-on ${options.failOn})` : ''}`];
  lines.push(
    `  ${thousands(report.stacks.length)} plan${report.stacks.length === 1 ? '' : 's'} reviewed, one per stack: ${COUNTED.map((c) => `${c} ${thousands(report.totals[c])}`).join(', ')}`,
  );
  for (const f of report.findings) {
    lines.push(`  ${f.severity.toUpperCase().padEnd(6)} ${f.rule}: ${f.message}`, `         fix: ${f.fix} (${f.cite})`);
  }
  for (const x of report.suppressed) {
    lines.push(
      `  suppressed ${x.severity} ${x.rule} at ${[x.stack, x.address].filter(Boolean).join(' › ')}: ${x.message}`,
      `         because: ${x.reason} (until ${x.expires})`,
    );
  }
  for (const c of report.destructive) {
    lines.push(
      `  ${c.kind.toUpperCase()} ${c.stack}: ${c.address}${c.actionReason ? ` (${c.actionReason})` : ''}${c.replacePaths.length ? ` forced by ${c.replacePaths.join(', ')}` : ''}`,
    );
  }
  for (const k of report.keys) {
    lines.push(`  key ${k.key}:`);
    for (const n of k.notes) lines.push(`    note: ${n}`);
    for (const a of k.access) {
      if (a.gained.length > 0) lines.push(`    + ${a.who.label} gains ${a.gained.join(', ')}`);
      if (a.lost.length > 0) lines.push(`    - ${a.who.label} loses ${a.lost.join(', ')}`);
    }
    for (const l of k.launch) {
      lines.push(
        `    launch ${l.account}: ${l.status} (before ${l.before}, after ${l.after})${l.failing ? `: ${l.failing.id} ${l.failing.decision}` : ''}`,
      );
    }
  }
  for (const p of report.policies) {
    lines.push(`  ${p.subject} ${p.stack}: ${p.address} ${p.change}${p.opaque ? ` (${p.opaque})` : ''}`);
    for (const s of p.statements) lines.push(`    ${MARK[s.change]} ${s.id}: ${statementParts(s).join('; ')}`);
  }
  for (const p of report.permissions) lines.push(`  ${p.kind} ${p.change} ${p.stack}: ${p.address}: ${p.before ?? '—'} → ${p.after ?? '—'}`);
  // As check, synth, doctor and generate print what their verdicts rest on.
  if (report.assumptions.length > 0) lines.push('  assuming (not proven):', ...report.assumptions.map((a) => `    - ${a}`));
  // Every line holds plan text: each is shown as terminal text, one line whatever the plan holds.
  return `${lines.map(terminal).join('\n')}\n`;
}

/** What review prints: the report, and how the run was asked to judge and place it. */
export interface ReviewOutput {
  readonly report: ReviewReport;
  readonly options: ReviewRenderOptions;
}

export const reviewRenderers: Renderers<ReviewOutput> = {
  text: ({ report, options }) => reviewText(report, options),
  markdown: ({ report, options }) => reviewMarkdown(report, options),
  json: ({ report, options }) => reviewJson(report, options),
};

/** What a previous `review --out` wrote, from its first characters: a comment, a text report or a JSON report. */
export function isReviewReport(head: string): boolean {
  return head.startsWith(COMMENT_MARKER) || head.startsWith('keyshare review:') || /^\{\s*"schemaVersion": 1,\s*"failOn"/.test(head);
}
