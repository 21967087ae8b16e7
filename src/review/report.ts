import { z } from 'zod';
import { ACCOUNT_ID } from '../policy/formats';
import { failsAt, FailOn, RuleId, RULES, SEVERITIES, type Severity } from '../policy/rules';

/** The rules review raises (src/policy/rules.ts, evaluatedBy). */
export const REVIEW_RULES = (Object.keys(RULES) as RuleId[]).filter((id) => (RULES[id].evaluatedBy as readonly string[]).includes('review'));

/** What each stack's plan does to its resources, counted as `terraform plan` counts them. */
export const COUNTED = ['create', 'update', 'delete', 'replace', 'import', 'move', 'no-op'] as const;

/**
 * The one shape of the review report: `reviewPlans` returns it (its types are inferred from these
 * schemas) and `keyshare review --format json` prints it with four fields more,
 * published as schema/review-report.schema.json
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

const attributeChange = z.strictObject({ path: text, before: z.unknown(), after: z.unknown() });

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
  attributes: z.array(attributeChange).describe('top-level attributes that change, masked'),
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
  // Typed as the registry's severity, which names `invalid` too: no rule review raises has it, and the schema refuses it.
  severity: z.enum(SEVERITIES) as z.ZodType<Severity>,
  title: text,
  message: text,
  fix: text,
  cite: z.string().url().describe('the AWS page the rule rests on'),
  stack: text.optional(),
  address: text.optional(),
  statement: text.optional(),
});

const stackSummary = z.strictObject({ stack: text, account, file: text, formatVersion: text, counts });

const policyChange = z.strictObject({
  stack: text,
  account,
  address: text,
  subject: z.enum(['key policy', 'IAM policy', 'resource control policy']),
  change: z.enum(['created', 'deleted', 'changed']),
  opaque: z.enum(['known after apply', 'sensitive']).optional().describe('why the policy is not diffed'),
  bytesBefore: z.number().int().optional(),
  bytesAfter: z.number().int().optional(),
  statements: z.array(statement),
});

const permissionKind = z.enum(['grant', 'launch permission', 'create-volume permission', 'role policy attachment']);

const permissionChange = z.strictObject({
  kind: permissionKind.describe('a role policy attachment reads "role NAME ⇄ POLICY (ARN)": who holds which managed policy'),
  stack: text,
  account,
  address: text,
  change: z.enum(['added', 'removed', 'replaced', 'changed']),
  before: text.optional(),
  after: text.optional(),
});

const who = z.strictObject({ kind: z.enum(['account', 'principal', 'organization', 'anyone']), id: text, label: text });

const principalAccess = z.strictObject({ who, gained: strings, lost: strings, after: strings });

const failingStep = z.strictObject({ id: text, title: text, decision: text, reasons: strings });

const pathStatus = z.enum(['holds', 'broken', 'fixed', 'still failing', 'removed', 'unknown']);

const consumerLaunch = z.strictObject({
  account: text,
  before: pathState,
  after: pathState,
  failing: failingStep.optional(),
  status: pathStatus,
  deploy: z
    .strictObject({ before: pathState, after: pathState, failing: failingStep.optional(), status: pathStatus })
    .optional()
    .describe(
      "a cross-account consumer's deploy path: the KMS calls Terraform's AWS provider makes on the shared key from its stack (src/policy/deploy-path.ts), as its deploy role",
    ),
});

const keyReview = z.strictObject({
  key: text.describe('the key ARN, or stack and address when it is not known'),
  stack: text,
  address: text,
  keyArnAssumed: z.boolean(),
  access: z
    .array(principalAccess)
    .describe('KMS actions (and CreateGrant by grantee) each principal gains, loses and holds, decided by the evaluator'),
  launch: z.array(consumerLaunch),
  diagram: z
    .strictObject({
      edges: z.array(
        z.strictObject({
          who: text.describe('a class of principals that differ only in their account, or one principal'),
          access: text.describe('the kinds of access it holds after the change; empty when it loses all of it'),
          gains: text.optional(),
          loses: text.optional(),
        }),
      ),
      more: z.number().int(),
    })
    .optional()
    .describe(
      "who can use the key after the change, as the comment's Mermaid flowchart shows it: one edge per class of principals, widest first, the rest counted",
    ),
  notes: strings,
});

const suppressedFinding = z.strictObject({
  rule: z.enum(REVIEW_RULES as [RuleId, ...RuleId[]]),
  // As a finding's (above).
  severity: z.enum(SEVERITIES) as z.ZodType<Severity>,
  message: text,
  stack: text.optional(),
  address: text.optional(),
  where: text.describe("the suppression's place: a stack, or STACK/ADDRESS, with * and ? globs"),
  reason: text,
  expires: text.describe('YYYY-MM-DD: the last day the suppression holds'),
});

const source = z
  .strictObject({
    kind: z.enum(['plans', 'configs']),
    base: text.optional().describe('with configs: the config before the change (--base-config)'),
    config: text.optional().describe('with configs: the config after the change (--config)'),
  })
  .describe('what was reviewed: terraform show -json plans, or two keyshare configs synthesized in memory');

const report = {
  source,
  stacks: z.array(stackSummary),
  totals: counts,
  destructive: z.array(change).describe('deletions and replacements; also first in changes'),
  changes: z.array(change),
  policies: z.array(policyChange),
  permissions: z.array(permissionChange),
  keys: z.array(keyReview),
  findings: z.array(finding),
  suppressed: z.array(suppressedFinding).describe('findings the --suppressions file hid, each with its reason; they do not count towards failOn'),
  assumptions: strings,
};

export const reviewReportSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    failOn: z.enum(['high', 'medium', 'low', 'never']),
    failed: z.boolean().describe('a finding is at or above failOn: the command exits 1'),
    verdict: text,
    ...report,
  })
  .describe('keyshare review --format json');

export function reviewReportJsonSchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(reviewReportSchema, { target: 'draft-2020-12' }), null, 2)}\n`;
}

/** The inferred types, read-only all the way down: a report is built once and only read after. */
type Frozen<T> = T extends readonly (infer U)[] ? readonly Frozen<U>[] : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

export type ReviewReport = Frozen<{ [K in keyof typeof report]: z.infer<(typeof report)[K]> }>;
export type Counts = Frozen<z.infer<typeof counts>>;
export type ReviewSource = Frozen<z.infer<typeof source>>;
export type StackSummary = Frozen<z.infer<typeof stackSummary>>;
export type AttributeChange = Frozen<z.infer<typeof attributeChange>>;
export type ChangeEntry = Frozen<z.infer<typeof change>>;
export type StatementDiff = Frozen<z.infer<typeof statement>>;
export type SetDiff = StatementDiff['principals'];
export type PolicyChange = Frozen<z.infer<typeof policyChange>>;
export type PermissionKind = z.infer<typeof permissionKind>;
export type PermissionChange = Frozen<z.infer<typeof permissionChange>>;
export type Who = Frozen<z.infer<typeof who>>;
export type PrincipalAccess = Frozen<z.infer<typeof principalAccess>>;
export type PathState = z.infer<typeof pathState>;
export type FailingStep = Frozen<z.infer<typeof failingStep>>;
export type ConsumerLaunch = Frozen<z.infer<typeof consumerLaunch>>;
export type KeyReview = Frozen<z.infer<typeof keyReview>>;
/** A finding of the registry (src/policy/rules.ts), placed in the plan. */
export type ReviewFinding = Frozen<z.infer<typeof finding>>;
/** A finding a suppressions file hid, with the entry's place, reason and expiry. */
export type SuppressedFinding = Frozen<z.infer<typeof suppressedFinding>>;

/** The run fails when a finding is at least as severe as `--fail-on`. */
export function failing(report: ReviewReport, failOn: FailOn): boolean {
  return report.findings.some((f) => failsAt(f.severity, failOn));
}
