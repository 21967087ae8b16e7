import { LineCounter, parseDocument, type ErrorCode } from 'yaml';
import { InputError } from '../errors';

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
};

/**
 * YAML 1.2 text (JSON included) to plain data. Syntax errors name the line and column; merge
 * keys (`<<: *defaults`) are on, so consumers can share settings.
 */
export function parseYaml(text: string, sourceName: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const [error] = doc.errors;
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
  try {
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    // An alias inside its own anchor makes a cycle, which no config needs and no message can show.
    JSON.stringify(data);
    return data;
  } catch {
    throw new InputError(
      sourceName,
      'YAML aliases (*name)',
      'has aliases that refer to the node containing them or expand beyond 100 copies',
      'write the repeated values out, or anchor only small settings that several consumers share',
    );
  }
}
