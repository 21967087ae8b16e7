import { COMMENT_LIMIT, COMMENT_MARKER } from '../review/comment';
import { COUNTED, failing, type ReviewReport, type StatementDiff } from '../review/report';
import type { FailOn, Severity } from '../policy/rules';
import { showValue } from '../review/values';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';
import { terminal, trusted } from '../templates/escape';

/** The margin keeps room for the workflow's footer. */
const BUDGET = COMMENT_LIMIT - 1536;

export interface RenderOptions {
  readonly failOn: FailOn;
  /** Where the full report was written (`--out`), named when the comment is truncated. */
  readonly fullReport?: string;
  /** The full report for a file: never cut to a comment's size. */
  readonly unlimited?: boolean;
}

function verdict(report: ReviewReport): string {
  const by = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  const parts = (['high', 'medium', 'low'] as const).filter((s) => by(s) > 0).map((s) => `${by(s)} ${s}`);
  return parts.length === 0 ? 'no risks found' : `${parts.join(', ')} risk finding${report.findings.length === 1 ? '' : 's'}`;
}

/** The machine shape; docs/review-report.schema.json documents it. */
function reviewJson(report: ReviewReport, options: RenderOptions): string {
  return json({ schemaVersion: 1, failOn: options.failOn, failed: failing(report, options.failOn), verdict: verdict(report), ...report });
}

const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join(', '));

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

function statementParts(s: StatementDiff): string[] {
  const out: string[] = [];
  if (s.effectBefore) out.push(`effect: ${s.effectBefore} → ${s.effect}`);
  for (const [name, d] of [
    ['principals', s.principals],
    ['actions', s.actions],
    ['resources', s.resources],
    ['conditions', s.conditions],
  ] as const) {
    if (d.added.length > 0) out.push(`+ ${name}: ${grouped(d.added)}`);
    if (d.removed.length > 0) out.push(`− ${name}: ${grouped(d.removed)}`);
  }
  return out;
}

const MARK = { added: '+', removed: '−', changed: '~' } as const;

/** Caps on list lengths; undefined shows everything. */
interface Caps {
  readonly rows: number;
  readonly statements: number;
}

function take<T>(xs: readonly T[], cap: number | undefined): { shown: readonly T[]; more: number } {
  return cap === undefined || xs.length <= cap ? { shown: xs, more: 0 } : { shown: xs.slice(0, cap), more: xs.length - cap };
}

function markdownWith(report: ReviewReport, options: RenderOptions, caps: Caps | undefined, note: string | undefined): string {
  const rows = caps?.rows;
  const findings = take(report.findings, rows);
  const destructive = take(report.destructive, rows);
  const policies = take(report.policies, rows);
  const permissions = take(report.permissions, rows);
  // Grouped by account, the header's counts per account read down the table.
  const byAccount = [...report.stacks].sort((a, b) => (a.account ?? '~').localeCompare(b.account ?? '~') || a.stack.localeCompare(b.stack));
  const stacks = take(byAccount, rows);
  const changes = take(report.changes, rows);
  const byKind = new Map<string, number>();
  for (const p of report.permissions) byKind.set(`${p.kind} ${p.change}`, (byKind.get(`${p.kind} ${p.change}`) ?? 0) + 1);
  return renderTemplate('review.md', {
    marker: trusted(COMMENT_MARKER),
    failed: failing(report, options.failOn),
    verdict: verdict(report),
    stackCount: report.stacks.length,
    totals: COUNTED.map((name) => ({ name, value: report.totals[name] })),
    truncated: note ?? null,
    findings: findings.shown.map((f) => ({ ...f, where: [f.stack, f.address, f.statement].filter(Boolean).join(' › ') || '—' })),
    findingsMore: findings.more,
    destructive: destructive.shown.map((c) => ({ ...c, reason: c.actionReason ?? '—', paths: list(c.replacePaths) })),
    destructiveMore: destructive.more,
    keys: report.keys.map((k) => {
      const changed = k.access.filter((a) => a.gained.length > 0 || a.lost.length > 0);
      const access = take(changed, rows);
      const problems = k.launch.filter((l) => l.status !== 'holds');
      const launch = take(problems, rows);
      const counts = new Map<string, number>();
      for (const l of k.launch) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
      return {
        key: k.key,
        notes: k.notes,
        access: access.shown.map((a) => ({ who: a.who.label, gained: list(a.gained), lost: list(a.lost) })),
        accessMore: access.more,
        launch: k.launch,
        launchSummary: [...counts].map(([s, n]) => `${n} ${s}`).join(', '),
        launchProblems: launch.shown.map((l) => ({
          ...l,
          step: l.failing
            ? `${l.failing.id}: ${l.failing.title} (${l.failing.decision}${l.failing.reasons.length ? `; ${l.failing.reasons.join('; ')}` : ''})`
            : '—',
        })),
        launchMore: launch.more,
        diagram: k.diagram ?? null,
      };
    }),
    policies: policies.shown.map((p) => {
      const statements = take(p.statements, caps?.statements);
      const size =
        p.bytesAfter !== undefined
          ? `${p.bytesAfter} bytes${p.bytesBefore !== undefined && p.bytesBefore !== p.bytesAfter ? ` (was ${p.bytesBefore})` : ''}`
          : '';
      return {
        ...p,
        opaque: p.opaque ?? null,
        size,
        statements: statements.shown.map((s) => ({ ...s, mark: MARK[s.change], parts: statementParts(s) })),
        statementsMore: statements.more,
      };
    }),
    policiesMore: policies.more,
    permissions: permissions.shown.map((p) => ({ ...p, before: p.before ?? '—', after: p.after ?? '—' })),
    permissionsMore: permissions.more,
    permissionSummary: [...byKind].map(([k, n]) => `${n} ${k}`).join(', '),
    stacks: stacks.shown.map((s) => ({ ...s, account: s.account ?? '—', counts: COUNTED.map((c) => s.counts[c]) })),
    stacksMore: stacks.more,
    changes: changes.shown.map((c) => ({
      ...c,
      action: [c.kind, c.moved && `moved from ${c.previousAddress}`, c.importing !== undefined && `imported (id ${c.importing})`]
        .filter(Boolean)
        .join(', '),
      attributes: c.attributes.map((a) => `${a.path}: ${showValue(a.before)} → ${showValue(a.after)}`.slice(0, 300)),
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
function reviewMarkdown(report: ReviewReport, options: RenderOptions): string {
  const full = markdownWith(report, options, undefined, undefined);
  if (options.unlimited || full.length <= BUDGET) return full;
  const where = options.fullReport ? `the full report is ${options.fullReport}` : 'run keyshare review with --out FILE for the full report';
  for (let rows = 200; rows >= 1; rows = Math.floor(rows / 2)) {
    const cut = markdownWith(report, options, { rows, statements: Math.max(5, rows / 4) }, `lists show at most ${rows} entries; ${where}`);
    if (cut.length <= BUDGET) return cut;
  }
  return `${COMMENT_MARKER}\n### keyshare review: ${verdict(report)}\n\n> **Truncated**: the report does not fit a comment; ${where}.\n`;
}

function reviewText(report: ReviewReport, options: RenderOptions): string {
  const lines = [`keyshare review: ${verdict(report)}${failing(report, options.failOn) ? ` (fails at --fail-on ${options.failOn})` : ''}`];
  lines.push(
    `  ${report.stacks.length} plan${report.stacks.length === 1 ? '' : 's'} reviewed, one per stack: ${COUNTED.map((c) => `${c} ${report.totals[c]}`).join(', ')}`,
  );
  for (const f of report.findings) {
    lines.push(`  ${f.severity.toUpperCase().padEnd(6)} ${f.rule}: ${f.message}`, `         fix: ${f.fix} (${f.cite})`);
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
  // Every line holds plan text: each is shown as terminal text, one line whatever the plan holds.
  return `${lines.map(terminal).join('\n')}\n`;
}

/** What review prints: the report, and how the run was asked to judge and place it. */
export interface ReviewOutput {
  readonly report: ReviewReport;
  readonly options: RenderOptions;
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
