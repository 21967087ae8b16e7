import { z } from 'zod';
import { COUNTED } from './review';
import { ACCOUNT_ID } from '../policy/formats';
import { RuleId, RULES, SEVERITIES } from '../policy/rules';

/** The rules review raises (src/policy/rules.ts, evaluatedBy). */
const REVIEW_RULES = (Object.keys(RULES) as RuleId[]).filter((id) => (RULES[id].evaluatedBy as readonly string[]).includes('review'));

/**
 * The shape of `keyshare review --format json`, published as schema/review-report.schema.json
 * (`npm run schema` regenerates it; a test fails while it is stale, and every JSON report the
 * tests produce is parsed with it, strictly, so the schema cannot drift from the output).
 * Masked values are the strings "(sensitive value)" and "(known after apply)", as Terraform shows them.
 */
const text = z.string();
const strings = z.array(z.string());
const account = z.string().regex(ACCOUNT_ID).optional().describe('the account the stack deploys into, when its provider pins one');
const changeKind = z.enum(['create', 'update', 'delete', 'replace', 'read', 'no-op', 'forget']);
const setDiff = z.strictObject({ added: strings, removed: strings });
const pathState = z.enum(['holds', 'fails', 'absent', 'unknown']);

const counts = z.strictObject(
  Object.fromEntries(COUNTED.map((c) => [c, z.number().int().nonnegative()])) as Record<(typeof COUNTED)[number], z.ZodNumber>,
);

const change = z.strictObject({
  stack: text,
  account,
  address: text,
  previousAddress: text.optional().describe('where a moved object was; set when the plan moves it'),
  type: text,
  kind: changeKind,
  moved: z.boolean(),
  importing: text.optional().describe('the import ID when the plan imports the object'),
  actionReason: text.optional().describe("Terraform's action_reason, passed through (display hint)"),
  replacePaths: strings.describe('attribute paths that force the replacement'),
  attributes: z.array(z.strictObject({ path: text, before: z.unknown(), after: z.unknown() })).describe('top-level attributes that change, masked'),
});

const statement = z.strictObject({
  id: text.describe('Sid, or Statement[i]'),
  change: z.enum(['added', 'removed', 'changed']),
  effect: z.enum(['Allow', 'Deny']),
  effectBefore: z.enum(['Allow', 'Deny']).optional(),
  principals: setDiff,
  actions: setDiff,
  resources: setDiff,
  conditions: setDiff.describe('entries "Operator key: value", one per value'),
});

const finding = z.strictObject({
  rule: z.enum(REVIEW_RULES as [RuleId, ...RuleId[]]),
  severity: z.enum(SEVERITIES),
  title: text,
  message: text,
  fix: text,
  cite: z.string().url().describe('the AWS page the rule rests on'),
  stack: text.optional(),
  address: text.optional(),
  statement: text.optional(),
});

export const reviewReportSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    failOn: z.enum(['high', 'medium', 'low', 'never']),
    failed: z.boolean().describe('a finding is at or above failOn: the command exits 1'),
    verdict: text,
    stacks: z.array(z.strictObject({ stack: text, account, file: text, formatVersion: text, counts })),
    totals: counts,
    destructive: z.array(change).describe('deletions and replacements; also first in changes'),
    changes: z.array(change),
    policies: z.array(
      z.strictObject({
        stack: text,
        account,
        address: text,
        subject: z.enum(['key policy', 'IAM policy']),
        change: z.enum(['created', 'deleted', 'changed']),
        opaque: z.enum(['known after apply', 'sensitive']).optional().describe('why the policy is not diffed'),
        bytesBefore: z.number().int().optional(),
        bytesAfter: z.number().int().optional(),
        statements: z.array(statement),
      }),
    ),
    permissions: z.array(
      z.strictObject({
        kind: z
          .enum(['grant', 'launch permission', 'create-volume permission', 'role policy attachment'])
          .describe('a role policy attachment reads "role NAME ⇄ POLICY (ARN)": who holds which managed policy'),
        stack: text,
        account,
        address: text,
        change: z.enum(['added', 'removed', 'replaced', 'changed']),
        before: text.optional(),
        after: text.optional(),
      }),
    ),
    keys: z.array(
      z.strictObject({
        key: text.describe('the key ARN, or stack and address when it is not known'),
        stack: text,
        address: text,
        keyArnAssumed: z.boolean(),
        access: z
          .array(
            z.strictObject({
              who: z.strictObject({ kind: z.enum(['account', 'principal', 'organization', 'anyone']), id: text, label: text }),
              gained: strings,
              lost: strings,
              after: strings,
            }),
          )
          .describe('KMS actions (and CreateGrant by grantee) each principal gains, loses and holds, decided by the evaluator'),
        launch: z.array(
          z.strictObject({
            account: text,
            before: pathState,
            after: pathState,
            failing: z.strictObject({ id: text, title: text, decision: text, reasons: strings }).optional(),
            status: z.enum(['holds', 'broken', 'fixed', 'still failing', 'removed', 'unknown']),
          }),
        ),
        diagram: text.optional().describe('Mermaid flowchart of who can use the key after the change'),
        notes: strings,
      }),
    ),
    findings: z.array(finding),
    assumptions: strings,
  })
  .describe('keyshare review --format json');

export function reviewReportJsonSchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(reviewReportSchema, { target: 'draft-2020-12' }), null, 2)}\n`;
}
