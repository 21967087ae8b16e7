import {
  CORE_SCHEMA,
  defineScalarTag,
  floatCoreTag,
  intCoreTag,
  loadAll,
  mergeTag,
  NOT_RESOLVED,
  YAMLException,
  type ScalarTagDefinition,
} from 'js-yaml';
import { InputError } from '../errors';
import { MAX_NESTING, nestingDepth } from '../read-input';

const GENERIC_FIX =
  'correct the YAML at that line: indent with spaces, keep list items (- ) aligned, and quote values that contain ": " or start with *, &, !, { or [';

const TOO_DEEP = {
  problem: `the YAML nests too deeply to read (a config nests about 5 levels; keyshare reads up to ${MAX_NESTING})`,
  fix: 'check that this is a keyshare config; examples/keyshare.yaml shows the shape',
};
const ALIAS_FIX = 'write the repeated values out, or anchor only small settings that several consumers share';
const MERGE_NOT_MAPPING = {
  problem: 'a merge key (<<) names something that is not a mapping',
  fix: 'merge only mappings: `<<: *defaults` where `defaults: &defaults { … }`, or remove the << line',
};

/**
 * The errors people make most, by js-yaml's reason, with a fix worded for them rather than for the
 * parser. A reason not listed keeps js-yaml's words and the generic fix.
 */
const FIXES: readonly { reason: RegExp; problem?: string; fix: string }[] = [
  { reason: /^duplicated mapping key/, fix: 'write each field once per mapping: with two values keyshare cannot tell which one you meant' },
  { reason: /^tab characters/, fix: 'indent with spaces: YAML does not allow tabs for indentation' },
  { reason: /^unidentified alias/, fix: 'define the anchor (&name) before the alias (*name) that uses it' },
  { reason: /^nesting exceeded maxDepth/, ...TOO_DEEP },
  { reason: /^cannot merge mappings/, ...MERGE_NOT_MAPPING },
  // A key that is a list or mapping (`? [a, b]: c`), or a number in hex, octal or exponent form (marked below).
  {
    reason: /^object-based map does not support complex keys/,
    problem: 'a mapping key is a list, a mapping, or a number written in hexadecimal, octal or exponent form',
    fix: 'write each field name as a plain word, as examples/keyshare.yaml does',
  },
];

/**
 * A number YAML reads from a spelling no config means: 0x1A, 0o17, 1.2e11, 111122223333.0. For an
 * account ID it silently becomes another ID, so the reader marks it and refuses it by its field.
 */
class HiddenNumber {
  constructor(
    readonly source: string,
    readonly value: number,
  ) {}
}

function markingHidden(
  core: ScalarTagDefinition<number>,
  hidden: (source: string, value: number) => boolean,
): ScalarTagDefinition<number | HiddenNumber> {
  return defineScalarTag<number | HiddenNumber>(core.tagName, {
    implicit: core.implicit,
    implicitFirstChars: core.implicitFirstChars,
    identify: core.identify,
    resolve: (source, isExplicit, tagName) => {
      const value = core.resolve(source, isExplicit, tagName);
      return value !== NOT_RESOLVED && hidden(source, value) ? new HiddenNumber(source, value) : value;
    },
  });
}

/**
 * YAML 1.2's core schema, as the YAML spec defines it, with merge keys (`<<: *defaults`) so
 * consumers can share settings; numbers in hexadecimal, octal, exponent or `.0` form are marked.
 */
const SCHEMA = CORE_SCHEMA.withTags(
  mergeTag,
  markingHidden(intCoreTag, (source) => /^[-+]?0[xo]/.test(source)),
  markingHidden(floatCoreTag, (source, value) => /[eE]/.test(source) || Number.isInteger(value)),
);

/**
 * YAML 1.2 text (JSON included) to plain data. Syntax errors name the line and column. js-yaml
 * reads a 3,000-consumer config in a fifth of the time the `yaml` package took (`npm run bench`).
 */
export function parseYaml(text: string, sourceName: string): unknown {
  let documents: unknown[];
  try {
    documents = loadAll(text, { schema: SCHEMA, maxDepth: MAX_NESTING });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    throw syntaxError(err, text, sourceName);
  }
  if (documents.length > 1) {
    throw new InputError(
      sourceName,
      `${documents.length} documents`,
      'the file holds more than one YAML document',
      'keep one config per file: remove the --- line and what follows it, or move it to its own file',
    );
  }
  const data = documents[0] ?? null;
  assertBoundedAliases(data, text.length, sourceName);
  // maxDepth refused deep text; aliases can still stack nodes deeper than the text nests.
  if (nestingDepth(data) > MAX_NESTING) throw new InputError(sourceName, `more than ${MAX_NESTING} levels`, TOO_DEEP.problem, TOO_DEEP.fix);
  assertPlainNumbers(data, sourceName);
  return data;
}

function syntaxError(err: YAMLException, text: string, sourceName: string): InputError {
  const known = FIXES.find((f) => f.reason.test(err.reason));
  if (!err.mark)
    return new InputError(sourceName, text.trim().slice(0, 40), `YAML error: ${known?.problem ?? err.reason}`, known?.fix ?? GENERIC_FIX);
  const line = err.mark.line + 1;
  const col = err.mark.column + 1;
  return new InputError(
    `${sourceName}:${line}:${col}`,
    (text.split(/\r?\n/)[line - 1] ?? '').trim(),
    `YAML syntax error at line ${line}, column ${col}: ${known?.problem ?? err.reason}`,
    known?.fix ?? GENERIC_FIX,
  );
}

/**
 * js-yaml shares an aliased node instead of copying it, so a few lines of aliases of aliases can
 * stand for billions of values, and an alias inside its own anchor for infinitely many. Counting
 * values with a limit before anything walks the data is js-yaml's own advice ("Safety notes for
 * untrusted input", https://github.com/nodeca/js-yaml/blob/master/docs/safety.md). Without aliases
 * a file holds fewer values than characters, so that is the limit.
 */
function assertBoundedAliases(data: unknown, limit: number, sourceName: string): void {
  let count = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || node instanceof HiddenNumber) continue;
    for (const value of Object.values(node)) {
      if (++count > limit) {
        if (hasCycle(data)) throw new InputError(sourceName, 'YAML aliases (*name)', 'has aliases that refer to the node containing them', ALIAS_FIX);
        throw new InputError(
          sourceName,
          'YAML aliases (*name)',
          `has aliases that expand to more than ${limit} values, more than the file has characters`,
          ALIAS_FIX,
        );
      }
      stack.push(value);
    }
  }
}

/**
 * Depth-first, each node explored once (shared nodes make a walk of every path exponential), and
 * no deeper than data may nest, so the walk cannot overflow the stack.
 */
function hasCycle(root: unknown): boolean {
  const onPath = new Set<object>();
  const done = new Set<object>();
  const visit = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object' || done.has(v) || depth > MAX_NESTING + 1) return false;
    if (onPath.has(v)) return true;
    onPath.add(v);
    const found = Object.values(v).some((child) => visit(child, depth + 1));
    onPath.delete(v);
    done.add(v);
    return found;
  };
  return visit(root, 0);
}

/** Refuses the first marked number, by its field: `owner.account`, `consumers[3].account`. */
function assertPlainNumbers(data: unknown, sourceName: string): void {
  const visit = (v: unknown, field: string): void => {
    if (v instanceof HiddenNumber) {
      throw new InputError(
        field || sourceName,
        v.source,
        `is not a plain decimal number, and YAML reads it as ${String(v.value)}`,
        'write whole numbers in decimal digits, and IDs in quotes (an account ID as "012345678901")',
      );
    }
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, `${field}[${i}]`));
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) visit(item, field ? `${field}.${k}` : k);
  };
  visit(data, '');
}
