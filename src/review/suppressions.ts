import { z } from 'zod';
import { fieldPath, rule, unpackRule } from '../config';
import { InputError } from '../errors';
import { globRegExp } from '../evaluator';
import { finding, RuleId } from '../policy/rules';
import { REVIEW_RULES, type ReviewFinding, type SuppressedFinding } from './report';

/**
 * A suppressions file (`review --suppressions FILE`): deliberate findings, each with why and until
 * when, as checkov's and tfsec's ignores carry a reason and an expiry. An entry hides the findings
 * of its rule at its place until the end of its expiry day (UTC); after that it hides nothing and
 * is a finding of its own, so a forgotten suppression fails the review instead of lasting forever.
 *
 *   suppressions:
 *     - rule: autoscaling-grant-removed
 *       where: consumer-444455556666          # a stack, or STACK/ADDRESS; * and ? match any text
 *       reason: account 444455556666 is offboarded (CHG-1234)
 *       expires: 2027-01-31
 */
export interface Suppression {
  readonly rule: RuleId;
  readonly where: string;
  readonly reason: string;
  readonly expires: string;
}

/**
 * The rules review raises, and so the only ones a suppression may name; not an expired suppression,
 * nor a root that was not reviewed (nothing was judged there, so nothing is deliberate).
 */
const SUPPRESSIBLE = REVIEW_RULES.filter((id) => id !== 'suppression-expired' && id !== 'plan-not-reviewed');

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

const suppressionSchema = z.strictObject({
  rule: z.enum(SUPPRESSIBLE as [RuleId, ...RuleId[]], {
    error: rule('is not a rule keyshare review raises', `name one of: ${SUPPRESSIBLE.join(', ')}`),
  }),
  where: z
    .string(rule('is not text', 'give the stack, or STACK/ADDRESS, e.g. consumer-444455556666 or owner/aws_kms_key.*'))
    .trim()
    .min(1, rule('is empty', 'give the stack, or STACK/ADDRESS, e.g. consumer-444455556666 or owner/aws_kms_key.*')),
  reason: z
    .string(rule('is not text', 'say why the finding is deliberate, e.g. the ticket of the change'))
    .trim()
    .min(1, rule('is empty', 'say why the finding is deliberate, e.g. the ticket of the change')),
  expires: z
    .string(rule('is not a date', 'write the last day the suppression holds as YYYY-MM-DD, quoted, e.g. "2027-01-31"'))
    .refine(isCalendarDate, rule('is not a calendar date', 'write the last day the suppression holds as YYYY-MM-DD, e.g. 2027-01-31')),
});

const fileSchema = z.strictObject({
  suppressions: z.array(suppressionSchema, rule('is not a list', 'write suppressions: followed by one "- rule: …" entry per suppression')),
});

/**
 * Validates a suppressions file (YAML or JSON, as `loadYaml` parsed it) that `--suppressions FILE`
 * named; every mistake is one InputError naming the entry's field.
 */
export function parseSuppressions(data: unknown, file: string): Suppression[] {
  const flag = '--suppressions';
  const parsed = fileSchema.safeParse(data, { reportInput: true });
  if (parsed.success) return parsed.data.suppressions;
  const issue = parsed.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const field = `${flag} ${file}: ${fieldPath(path) || 'suppressions'}`;
  if (issue.code === 'unrecognized_keys') {
    return refuse(field, issue.keys[0], 'is not a field of a suppression', 'use rule, where, reason and expires');
  }
  const packed = unpackRule(issue.message) ?? {
    problem: 'is missing',
    fix: 'write suppressions: followed by entries with rule, where, reason and expires',
  };
  return refuse(field, issue.input, packed.problem, packed.fix);
}

function refuse(field: string, value: unknown, problem: string, fix: string): never {
  throw new InputError(field, value, problem, fix);
}

/** Whether the entry's place names the finding's: the stack, or STACK/ADDRESS (the first / splits them). */
function matches(s: Suppression, f: ReviewFinding): boolean {
  if (s.rule !== f.rule) return false;
  const at = s.where.indexOf('/');
  const stack = at < 0 ? s.where : s.where.slice(0, at);
  const address = at < 0 ? undefined : s.where.slice(at + 1);
  if (!globRegExp(stack, false).test(f.stack ?? '')) return false;
  return address === undefined || globRegExp(address, false).test(f.address ?? '');
}

/**
 * Applies the suppressions on `today` (YYYY-MM-DD, UTC): the findings left, each expired entry as a
 * `suppression-expired` finding, and what was suppressed with its reason.
 */
export function applySuppressions(
  findings: readonly ReviewFinding[],
  suppressions: readonly Suppression[],
  today: string,
): { findings: ReviewFinding[]; suppressed: SuppressedFinding[] } {
  const live = suppressions.filter((s) => s.expires >= today);
  const expired = suppressions
    .filter((s) => s.expires < today)
    .map((s) =>
      finding(
        'suppression-expired',
        `the suppression of ${s.rule} at ${s.where} expired on ${s.expires} (reason given: ${s.reason}); it no longer hides anything`,
      ),
    );
  const kept: ReviewFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const by = live.find((s) => matches(s, f));
    if (!by) kept.push(f);
    else
      suppressed.push({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        ...(f.stack !== undefined && { stack: f.stack }),
        ...(f.address !== undefined && { address: f.address }),
        where: by.where,
        reason: by.reason,
        expires: by.expires,
      });
  }
  return { findings: [...expired, ...kept], suppressed };
}
