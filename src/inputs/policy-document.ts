import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import { compileConditions, OPERATORS } from '../evaluator';
import { InputError } from '../errors';
import { KEY_POLICY_MAX_BYTES, type PolicyDocument, policyBytes } from '../policy/document';
import { RESOURCE_CONTROL_POLICY, SERVICE_CONTROL_POLICY } from '../policy/formats';
import { type InputKind, readInput } from '../read-input';
import { assertNoDuplicateKeys, Origin, parseJson, where } from './json-file';
import { inputErrorFromZod } from './zod-issue';

/** The three kinds of policy a KMS request is weighed against, and how to fetch each with the AWS CLI. */
const POLICY_KINDS = {
  key: {
    input: 'keyPolicy',
    name: 'key policy',
    principal: 'required',
    fix: 'pass a key policy document or the output of `aws kms get-key-policy --key-id <key ARN> --policy-name default --output json`',
  },
  identity: {
    input: 'iamPolicy',
    name: 'IAM policy',
    principal: 'forbidden',
    fix: 'pass an IAM policy document or the output of `aws iam get-policy-version --policy-arn <ARN> --version-id <v> --output json` (or `aws iam get-role-policy`)',
  },
  scp: {
    input: 'scp',
    name: 'service control policy',
    principal: 'forbidden',
    fix: 'pass an SCP document or the output of `aws organizations describe-policy --policy-id <p-…> --output json`',
  },
  // An RCP statement names its principals, as the RCP syntax page's examples do (Principal "*" with
  // conditions); keyshare requires the element and evaluates it as written.
  rcp: {
    input: 'rcp',
    name: 'resource control policy',
    principal: 'required',
    fix: 'pass an RCP document or the output of `aws organizations describe-policy --policy-id <p-…> --output json` for a RESOURCE_CONTROL_POLICY',
  },
  boundary: {
    input: 'permissionsBoundary',
    name: 'permissions boundary',
    principal: 'forbidden',
    fix: 'pass the managed policy set as the permissions boundary: a policy document or the output of `aws iam get-policy-version --policy-arn <ARN> --version-id <v> --output json`',
  },
} as const satisfies Record<string, { input: InputKind; name: string; principal: string; fix: string }>;

export type PolicyKind = keyof typeof POLICY_KINDS;

const stringOrList = z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' });

const principal = z.union(
  [
    z.literal('*'),
    z.strictObject({
      AWS: stringOrList.optional(),
      Service: stringOrList.optional(),
      Federated: stringOrList.optional(),
      CanonicalUser: stringOrList.optional(),
    }),
  ],
  { error: 'expected "*" or an object with AWS, Service, Federated or CanonicalUser' },
);

// Policies as AWS prints them carry numbers and booleans where the grammar means strings; the
// condition operators compare strings, so scalars inside lists become strings.
const scalar = z.union([z.string(), z.number().transform(String), z.boolean()], { error: 'expected a string, number or boolean' });
const conditionValue = z.union([scalar.transform((v) => (typeof v === 'boolean' ? v : String(v))), z.array(scalar.transform(String))], {
  error: 'expected a condition value or a list of them',
});

const statement = z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Principal: principal.optional(),
    NotPrincipal: principal.optional(),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Resource: stringOrList.optional(),
    NotResource: stringOrList.optional(),
    Condition: z.record(z.string(), z.record(z.string(), conditionValue)).optional(),
  })
  .refine((s) => s.Action === undefined || s.NotAction === undefined, { error: 'a statement needs exactly one of Action and NotAction' });

const document = z.strictObject({
  // IAM: "If you do not include a Version element, the value defaults to 2008-10-17".
  Version: z.enum(['2012-10-17', '2008-10-17']).default('2008-10-17'),
  Id: z.string().optional(),
  // AWS accepts one statement object in place of the list.
  Statement: z.preprocess(
    (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? [v] : v),
    z.array(statement, { error: 'expected a statement or a list of statements' }),
  ),
});

/** Reads a policy given bare or as the AWS CLI prints it; `Statement` as one object is made a list. */
export function readPolicy(origin: Origin, kind: PolicyKind): PolicyDocument {
  const { fix, input } = POLICY_KINDS[kind];
  const text = readInput(input, origin.flag, origin.file);
  const json = parseJson(origin, text, fix);
  assertNoDuplicateKeys(origin, text, fix);
  assertOrganizationsType(origin, kind, json);
  const doc = policyFromJson(origin, kind, json);
  // KMS refuses PutKeyPolicy over its quota, so such a document cannot be, or become, a key's policy.
  // (A plan under review may hold one: review reports it as a risk instead.)
  const bytes = kind === 'key' ? policyBytes(doc) : 0;
  if (bytes > KEY_POLICY_MAX_BYTES) {
    throw new InputError(
      where(origin),
      `${bytes} bytes`,
      `is over the ${KEY_POLICY_MAX_BYTES} bytes KMS allows in a key policy, so KMS would refuse it`,
      'shorten it: name the organization with aws:PrincipalOrgID (and aws:PrincipalOrgPaths) instead of listing every account',
    );
  }
  return doc;
}

/** `aws organizations describe-policy` names the policy's type; each type has its own flag. */
const ORGANIZATIONS_TYPES: Partial<Record<PolicyKind, { type: string; flag: string }>> = {
  scp: { type: SERVICE_CONTROL_POLICY, flag: '--scp' },
  rcp: { type: RESOURCE_CONTROL_POLICY, flag: '--rcp' },
};

function assertOrganizationsType(origin: Origin, kind: PolicyKind, json: unknown): void {
  const type = (json as { Policy?: { PolicySummary?: { Type?: unknown } } } | null)?.Policy?.PolicySummary?.Type;
  if (typeof type !== 'string') return;
  const own = ORGANIZATIONS_TYPES[kind];
  if (own?.type === type) return;
  const right = Object.values(ORGANIZATIONS_TYPES).find((t) => t.type === type);
  throw new InputError(
    where(origin, 'Policy.PolicySummary.Type'),
    type,
    `is not a ${POLICY_KINDS[kind].name}`,
    right
      ? `pass it with ${right.flag}`
      : `pass an ${Object.values(ORGANIZATIONS_TYPES)
          .map((t) => t.type)
          .join(' or ')} to ${Object.values(ORGANIZATIONS_TYPES)
          .map((t) => t.flag)
          .join(' or ')}`,
  );
}

/** A policy already read as JSON, e.g. a policy attribute in a Terraform plan. */
export function policyFromJson(origin: Origin, kind: PolicyKind, json: unknown): PolicyDocument {
  const { fix, name, principal: principalRule } = POLICY_KINDS[kind];
  const { value, path } = unwrap(origin, json, fix);
  const parsed = document.safeParse(value);
  if (!parsed.success) throw inputErrorFromZod(origin, path, value, parsed.error, fix);
  const doc = parsed.data as PolicyDocument;
  doc.Statement.forEach((s, i) => {
    assertKnownOperators(where(origin, `${path ? `${path}.` : ''}Statement[${i}].Condition`), s.Condition, fix);
    // A key policy statement without Action has no effect (keyPolicyStatementMissing); the reader warns of it.
    if (kind !== 'key' && s.Action === undefined && s.NotAction === undefined) {
      throw new InputError(
        where(origin, `${path ? `${path}.` : ''}Statement[${i}]`),
        s.Sid ?? s.Effect,
        'a statement needs exactly one of Action and NotAction',
        fix,
      );
    }
    const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
    if (hasPrincipal === (principalRule === 'required')) return;
    const at = where(origin, `${path ? `${path}.` : ''}Statement[${i}]`);
    throw principalRule === 'required'
      ? new InputError(at, s.Sid ?? s.Effect, `a ${name} statement needs a Principal`, `${fix}; an IAM policy goes to --iam-policy`)
      : new InputError(
          at,
          s.Principal ?? s.NotPrincipal,
          `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} has no Principal element (is this a key policy?)`,
          `${fix}; a key policy goes to --key-policy`,
        );
  });
  return doc;
}

/**
 * Finds the document inside AWS CLI output: `Policy` (kms get-key-policy, a JSON string),
 * `Policy.Content` (organizations describe-policy), `PolicyVersion.Document` (iam get-policy-version;
 * URL-encoded JSON when it comes from the raw API), `PolicyDocument` (iam get-role-policy).
 */
function unwrap(origin: Origin, root: unknown, fix: string): { value: unknown; path: string } {
  let value = root;
  let path = '';
  // A loop, not recursion: each step peels one wrapper, and real output has at most three.
  for (let peeled = 0; peeled < 8; peeled++) {
    if (typeof value === 'string') {
      value = embeddedJson(origin, value, path, fix);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) break;
    const record = value as Record<string, unknown>;
    if ('Statement' in record) return { value, path };
    const key = ['Policy', 'PolicyVersion', 'PolicyDocument', 'Document', 'Content'].find((k) => k in record);
    if (key === undefined) break;
    value = record[key];
    path = path ? `${path}.${key}` : key;
  }
  throw new InputError(where(origin, path || undefined), value, 'not a policy document (no Statement) nor AWS CLI output that holds one', fix);
}

function embeddedJson(origin: Origin, text: string, path: string, fix: string): unknown {
  let json = text.trim();
  if (/^%7b/i.test(json)) {
    try {
      json = decodeURIComponent(json);
    } catch {
      throw new InputError(where(origin, path || undefined), text.slice(0, 40), 'looks URL-encoded but does not decode', fix);
    }
  }
  const inner = { flag: origin.flag, file: path ? `${origin.file}: ${path}` : origin.file };
  const value = parseJson(inner, json, fix);
  assertNoDuplicateKeys(inner, json, fix);
  return value;
}

const OPERATOR_NAMES = [...OPERATORS.keys(), ...[...OPERATORS.keys()].map((k) => `${k}ifexists`), 'null'];

/**
 * IAM refuses a policy with an operator it does not know. Read as "never matches", a misspelt
 * operator would silently weaken a Deny while it only narrows an Allow, so every statement
 * refuses it alike.
 */
function assertKnownOperators(field: string, block: PolicyDocument['Statement'][number]['Condition'], fix: string): void {
  const unknown = compileConditions(block, true, field).find((c) => c.op === undefined && c.kind !== 'null');
  if (!unknown) return;
  const bare = unknown.operator.replace(/^(ForAllValues|ForAnyValue):/i, '');
  throw new InputError(
    `${field}.${unknown.operator}`,
    unknown.operator,
    'is not a condition operator IAM knows',
    `write an IAM condition operator (nearest: ${closest(bare.toLowerCase(), OPERATOR_NAMES)}; names are case-insensitive); ${fix}`,
  );
}
