import fc from 'fast-check';
import { InputError } from '../../src/errors';
import { reviewRenderers } from '../../src/render/review';
import { COMMENT_MARKER } from '../../src/review/comment';
import type { ReviewReport } from '../../src/review/report';
import { flatTokens, hostileString, LIVE_TEXT, markdown, Token } from '../support/markdown';
import { planDocs, review } from '../support/review-fixtures';
import { applySuppressions } from '../../src/review/suppressions';
import { githubProvenance } from '../../src/cli/commands/review';
import { BASE_YAML, CONSUMER_B, OWNER, STRANGER } from '../support/rollouts';

/**
 * The comment's structure belongs to keyshare, whatever the plan says. Plans of a real change
 * (a consumer added, another removed, an administrator added) get every free-text string
 * replaced by one drawn from a hostile alphabet: stack names, resource addresses and names,
 * action reasons, Sids, principals, resources, condition values, tags, descriptions, grant names,
 * AMI and snapshot IDs. Each comment is parsed with markdown-it (GFM tables, raw HTML, links) and
 * compared with the comment for the same report with every string made plain: the same blocks,
 * tables, rows, folds and diagram lines; exactly one marker; no HTML tag, link, image or mention
 * that the plain comment does not have.
 */
const SEED = 20261207;

const NEXT_YAML = BASE_YAML.replace('role/key-admin"]', `role/key-admin", "arn:aws:iam::${OWNER}:role/second-admin"]`)
  .replace(`  - { account: "${CONSUMER_B}", serviceLinkedRoleSuffix: web }`, `  - { account: "${STRANGER}" }`)
  .replace(`  - { account: "${CONSUMER_B}" }`, `  - { account: "${STRANGER}" }`);

/** Plan fields that are structure, not text: changing them makes another plan, not a hostile one. */
const STRUCTURAL = new Set(['format_version', 'terraform_version', 'mode', 'type', 'actions', 'Version', 'Effect', 'Action', 'NotAction']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every free-text string of `value` replaced by the next hostile string; policies (JSON in a string) inside out. */
function hostile(value: Json, next: () => string, key = ''): Json {
  if (typeof value === 'string') {
    if (STRUCTURAL.has(key)) return value;
    if (key === 'policy' && value.startsWith('{')) return JSON.stringify(hostile(JSON.parse(value) as Json, next));
    // An address is never empty: a hostile one is an instance key, as `for_each = toset(["<!--"])` makes.
    if (key === 'address' || key === 'previous_address') return `${value}["${next()}"]`;
    return next();
  }
  if (Array.isArray(value)) return value.map((v) => hostile(v, next, key));
  if (value !== null && typeof value === 'object') {
    // Condition operators and keys are the policy language; their values are text.
    if (key === 'Condition') {
      return Object.fromEntries(
        Object.entries(value).map(([op, block]) => [
          op,
          Object.fromEntries(Object.entries(block as Record<string, Json>).map(([k, v]) => [k, hostile(v, next)])),
        ]),
      );
    }
    if (key === 'configuration') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hostile(v, next, k)]));
  }
  return value;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The same report with every string plain: letters, digits and spaces kept, every other character a
 * letter of its own, lengths kept. One letter per character, not one for all: strings that differ stay
 * different, so the renderer groups the same entries alike (stacks alike but for their account) in both.
 */
function plain<T>(value: T, letters = new Map<string, string>()): T {
  const letter = (c: string) => letters.get(c) ?? (letters.set(c, LETTERS[letters.size % LETTERS.length]), letters.get(c)!);
  if (typeof value === 'string') return value.replace(/[^A-Za-z0-9 ]/gu, letter) as T;
  if (Array.isArray(value)) return value.map((v) => plain(v, letters)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, letters)])) as T;
  return value;
}

const comment = (report: ReviewReport) => reviewRenderers.markdown({ report, options: { failOn: 'high' } });

/** The shape of a comment: block tokens, and the kinds of inline markup each holds (text and code content left out). */
function shape(tokens: Token[]): string[] {
  return tokens.map((t) => {
    if (t.type === 'inline')
      return `inline[${(t.children ?? [])
        .map((c) => c.type)
        .filter((c) => c !== 'text')
        .join(',')}]`;
    if (t.type === 'fence') return `fence:${t.info}:${t.content.split('\n').length}`;
    if (t.type === 'html_block') return `html_block:${t.content.split('\n').length}`;
    return t.type;
  });
}

const liveText = (tokens: Token[]) =>
  tokens.flatMap((t) => (t.type === 'inline' ? (t.children ?? []) : [])).filter((c) => c.type === 'text' && LIVE_TEXT.test(c.content));

test('no plan text changes the structure of the review comment', () => {
  const base = planDocs(BASE_YAML, NEXT_YAML);
  let rendered = 0;
  fc.assert(
    fc.property(fc.infiniteStream(hostileString), fc.array(hostileString, { minLength: 3, maxLength: 3 }), (strings, stacks) => {
      const it = strings[Symbol.iterator]();
      const next = () => it.next().value as string;
      // Stacks named by the hostile strings too, as a file name would name them.
      const docs = new Map([...base].map(([stack, doc], i) => [i < stacks.length ? `${stack}${stacks[i]}` : stack, hostile(doc as Json, next)]));
      let report: ReviewReport;
      try {
        report = review(docs);
      } catch (err) {
        // A plan the reader refuses is bad input (exit 2), never a comment.
        if (err instanceof InputError) return;
        throw err;
      }
      rendered++;
      const text = comment(report);
      const clean = comment(plain(report));
      expect(text.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
      expect(text.split(COMMENT_MARKER)).toHaveLength(2);
      const tokens = markdown.parse(text, {});
      const cleanTokens = markdown.parse(clean, {});
      expect(shape(tokens)).toEqual(shape(cleanTokens));
      expect(liveText(tokens).map((t) => t.content)).toEqual([]);
      const rows = flatTokens(text).filter((t) => t.type === 'tr_open').length;
      expect(rows).toBe(flatTokens(clean).filter((t) => t.type === 'tr_open').length);
      expect(report.findings.length).toBeGreaterThan(0);
    }),
    { seed: SEED, numRuns: 40 },
  );
  // Most hostile plans are read, not refused: the property is about comments.
  expect(rendered).toBeGreaterThan(20);
});

/**
 * What review adds to the plans' text is input too: a suppression's reason and place (the
 * suppressions file's author writes them, and an expired one's reason reaches a finding), the
 * config files a config review names, and the GITHUB_* variables of the run. None of them changes
 * the comment's structure, and a GITHUB_* value not shaped as GitHub gives it never reaches it.
 */
test('no suppression, config file name or GITHUB_* value changes the structure of the review comment', () => {
  const offboarded = planDocs(BASE_YAML, BASE_YAML.replace(/ {2}- \{ account: "777788889999".*\n/, ''));
  const reviewed = review(offboarded);
  const at = reviewed.findings[0];
  const ci = { commit: 'a'.repeat(40), runUrl: 'https://github.com/o/r/actions/runs/1' };
  fc.assert(
    fc.property(fc.array(hostileString, { minLength: 6, maxLength: 6 }), ([reason, expiredReason, where, base, config, env]) => {
      const suppressions = [
        { rule: at.rule, where: `${at.stack}${where}`, reason, expires: '2999-12-31' },
        { rule: 'rotation-disabled' as const, where, reason: expiredReason, expires: '2000-01-01' },
      ];
      // Any stack: the live entry must match the finding whatever its place says.
      const live = { ...suppressions[0], where: '*' };
      const report: ReviewReport = {
        ...reviewed,
        source: { kind: 'configs', base, config },
        ...applySuppressions(reviewed.findings, [live, suppressions[1]], '2026-12-07'),
      };
      expect(report.suppressed).toHaveLength(1);
      const provenance = githubProvenance({ GITHUB_SHA: env, GITHUB_SERVER_URL: env, GITHUB_REPOSITORY: env, GITHUB_RUN_ID: env });
      expect(provenance).toBeUndefined();
      const render = (r: ReviewReport) => reviewRenderers.markdown({ report: r, options: { failOn: 'high', provenance: ci } });
      const text = render({ ...report, suppressed: report.suppressed.map((x) => ({ ...x, where: `${x.where}${where}`, reason })) });
      const clean = render(plain({ ...report, suppressed: report.suppressed.map((x) => ({ ...x, where: `${x.where}${where}`, reason })) }));
      expect(text.split(COMMENT_MARKER)).toHaveLength(2);
      const tokens = markdown.parse(text, {});
      expect(shape(tokens)).toEqual(shape(markdown.parse(clean, {})));
      expect(liveText(tokens).map((t) => t.content)).toEqual([]);
      // The one link keyshare adds is the run's.
      const links = flatTokens(text)
        .filter((t) => t.type === 'link_open')
        .map((t) => t.attrGet('href'));
      expect(links).toContain(ci.runUrl);
      expect(text).toContain(`suppressed until 2999-12-31`);
    }),
    { seed: SEED, numRuns: 40 },
  );
});
