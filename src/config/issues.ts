import type { z } from 'zod';
import { InputError } from '../errors';
import { configJsonSchema } from './json-schema';
import { unpackRule } from './rule';

type Issue = z.core.$ZodIssue;
type JsonSchema = {
  readonly description?: string;
  readonly properties?: Record<string, JsonSchema>;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
};

/**
 * One InputError for a failed parse. A misspelt field usually also leaves a required one
 * missing; the misspelling is the cause, so unknown fields are reported before anything else.
 */
export function firstIssueError(issues: readonly Issue[], sourceName: string): InputError {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  return issueError(issue, sourceName);
}

function issueError(issue: Issue, sourceName: string): InputError {
  const field = fieldPath(issue.path) || sourceName;
  const packed = unpackRule(issue.message);
  if (packed) return new InputError(field, issue.input, packed.problem, packed.fix);

  if (issue.code === 'unrecognized_keys') {
    const [unknown] = issue.keys;
    const known = Object.keys(schemaAt(issue.path)?.properties ?? {}).filter((k) => k !== '$schema');
    return new InputError(
      fieldPath([...issue.path, unknown]),
      unknown,
      'is not a known field',
      `the fields here are ${known.join(
        ', ',
      )}; correct the spelling or remove it (keyshare refuses unknown fields so that a typo cannot silently drop a setting)`,
    );
  }

  if (issue.path.length === 0) {
    return new InputError(
      field,
      issue.input,
      issue.input == null ? 'is empty' : 'is not a mapping of fields',
      'write owner, key, amis and consumers at the top level; examples/keyshare.yaml shows a complete config',
    );
  }
  const described = schemaAt(issue.path)?.description?.replace(/\.$/, '');
  const wanted = expectedOf(issue);
  const problem = issue.input === undefined ? 'is required' : issue.input === null ? 'has no value' : `must be ${wanted}`;
  const fix = `set ${field}${described ? ` (${lowerFirst(described)})` : ''} to ${wanted}; schema/keyshare.schema.json documents every field`;
  return new InputError(field, issue.input, problem, fix);
}

/** `['consumers', 1, 'account']` → `consumers[1].account`, the way users read their YAML. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

let published: JsonSchema | undefined;

/** The published schema is where each field's description lives; errors reuse it. */
function schemaAt(path: readonly PropertyKey[]): JsonSchema | undefined {
  published ??= configJsonSchema() as JsonSchema;
  let node: JsonSchema | undefined = published;
  for (const part of path) {
    node = typeof part === 'number' ? node?.items : node?.properties?.[String(part)];
  }
  return node;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping of fields',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  int: 'a whole number',
};

/** A union (an account ID: string or number) fails as a whole only when no branch's type fits. */
function expectedOf(issue: Issue): string {
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_union') return issue.errors.map((branch) => expectedOf(branch[0])).join(' or ');
  return 'a value of the documented form';
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text[0].toLowerCase()}${text.slice(1)}` : text;
}
