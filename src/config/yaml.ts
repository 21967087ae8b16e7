import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type ErrorCode } from 'yaml';
import { InputError } from '../errors';
import { MAX_NESTING, nestingDepth } from '../read-input';

const GENERIC_FIX =
  'correct the YAML at that line: indent with spaces, keep list items (- ) aligned, and quote values that contain ": " or start with *, &, !, { or [';

/** The errors people make most, with a fix worded for them rather than for the parser. */
const FIXES: Partial<Record<ErrorCode, { problem?: string; fix: string }>> = {
  DUPLICATE_KEY: { fix: 'write each field once per mapping: with two values keyshare cannot tell which one you meant' },
  MULTIPLE_DOCS: {
    problem: 'the file holds more than one YAML document',
    fix: 'keep one config per file: remove the --- line and what follows it, or move it to its own file',
  },
  TAB_AS_INDENT: { fix: 'indent with spaces: YAML does not allow tabs for indentation' },
  BAD_ALIAS: { fix: 'define the anchor (&name) before the alias (*name) that uses it' },
  RESOURCE_EXHAUSTION: {
    problem: `the YAML nests too deeply to read (a config nests about 5 levels; keyshare reads up to ${MAX_NESTING})`,
    fix: 'check that this is a keyshare config; examples/keyshare.yaml shows the shape',
  },
};
const TOO_DEEP = FIXES.RESOURCE_EXHAUSTION!;

const ALIAS_FIX = 'write the repeated values out, or anchor only small settings that several consumers share';

/**
 * YAML 1.2 text (JSON included) to plain data. Syntax errors name the line and column; merge
 * keys (`<<: *defaults`) are on, so consumers can share settings.
 */
export function parseYaml(text: string, sourceName: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const [error] = doc.errors;
  if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION'))
    throw new InputError(sourceName, `more than ${MAX_NESTING} levels`, TOO_DEEP.problem!, TOO_DEEP.fix);
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const known = FIXES[error.code];
    throw new InputError(
      `${sourceName}:${line}:${col}`,
      (text.split(/\r?\n/)[line - 1] ?? '').trim(),
      `YAML syntax error at line ${line}, column ${col}: ${known?.problem ?? error.message.split('\n')[0]}`,
      known?.fix ?? GENERIC_FIX,
    );
  }
  assertPlainNumbers(doc, sourceName);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/merge sources/i.test(message)) {
      throw new InputError(
        sourceName,
        '<<',
        'a merge key (<<) names something that is not a mapping',
        'merge only mappings: `<<: *defaults` where `defaults: &defaults { … }`, or remove the << line',
      );
    }
    if (/alias/i.test(message)) throw new InputError(sourceName, 'YAML aliases (*name)', 'has aliases that expand beyond 100 copies', ALIAS_FIX);
    if (err instanceof RangeError) throw new InputError(sourceName, `more than ${MAX_NESTING} levels`, TOO_DEEP.problem!, TOO_DEEP.fix);
    throw err;
  }
  // An alias inside its own anchor makes a cycle, which no config needs and no message can show;
  // a cycle also never ends, so it shows as nesting beyond the limit.
  if (nestingDepth(data) > MAX_NESTING) {
    if (hasCycle(data)) throw new InputError(sourceName, 'YAML aliases (*name)', 'has aliases that refer to the node containing them', ALIAS_FIX);
    throw new InputError(sourceName, `more than ${MAX_NESTING} levels`, TOO_DEEP.problem!, TOO_DEEP.fix);
  }
  return data;
}

function hasCycle(root: unknown): boolean {
  const onPath = new Set<object>();
  const visit = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object' || depth > MAX_NESTING + 1) return false;
    if (onPath.has(v)) return true;
    onPath.add(v);
    const found = Object.values(v).some((child) => visit(child, depth + 1));
    onPath.delete(v);
    return found;
  };
  return visit(root, 0);
}

/**
 * YAML reads 0x1A, 0o17, 1.2e11 and 111122223333.0 as numbers; a config has no field where such a
 * spelling is meant, and for an account ID it silently becomes another ID.
 */
function assertPlainNumbers(doc: Document, sourceName: string): void {
  visit(doc, {
    Scalar(_key, node, ancestors) {
      const hidden =
        node.format === 'HEX' || node.format === 'OCT' || node.format === 'EXP' || (Number.isInteger(node.value) && /\./.test(node.source ?? ''));
      if (typeof node.value !== 'number' || !hidden) return;
      const field = ancestors.reduce<string>((out, a, i) => {
        const child = ancestors[i + 1] ?? node;
        if (isPair(a) && a.value === child && isScalar(a.key)) return out ? `${out}.${String(a.key.value)}` : String(a.key.value);
        if (isSeq(a)) return `${out}[${a.items.indexOf(child as never)}]`;
        return out;
      }, '');
      throw new InputError(
        field || sourceName,
        node.source,
        `is not a plain decimal number, and YAML reads it as ${String(node.value)}`,
        'write whole numbers in decimal digits, and IDs in quotes (an account ID as "012345678901")',
      );
    },
  });
}
