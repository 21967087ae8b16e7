import { JSON_SCHEMA, load, YAMLException } from 'js-yaml';
import { InputError } from '../errors';
import { InputKind, MAX_NESTING, nestingDepth, readInput } from '../read-input';

/** Where a value came from, so every message names the flag and the file. */
export interface Origin {
  readonly flag: string;
  readonly file: string;
}

export function where(origin: Origin, path?: string): string {
  return `${origin.flag} ${origin.file}${path ? `: ${path}` : ''}`;
}

/**
 * Reads a JSON file through the one input reader (regular files only, a size limit per kind,
 * UTF-8). The AWS CLI prints JSON only with `--output json` (its default unless the profile says
 * otherwise), so a text or table dump is the usual cause of a parse failure.
 */
export function readJsonFile(origin: Origin, kind: InputKind, fix: string): unknown {
  return parseJson(origin, readInput(kind, origin.flag, origin.file), fix);
}

export function parseJson(origin: Origin, text: string, fix: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(where(origin), text.trim().slice(0, 40), `not valid JSON (${jsonErrorPlace(text, err as Error)})`, fix);
  }
  assertShallow(origin, value, fix);
  return value;
}

/** Everything after parsing recurses over the data; input deeper than any real one stops here. */
export function assertShallow(origin: Origin, value: unknown, fix: string): void {
  const depth = nestingDepth(value);
  if (depth > MAX_NESTING) {
    throw new InputError(where(origin), `more than ${MAX_NESTING} levels`, `nests deeper than the ${MAX_NESTING} levels keyshare reads`, fix);
  }
}

/**
 * JSON.parse keeps the last of two equal keys; AWS documents no rule for which one a policy
 * engine applies (`"Effect":"Deny","Effect":"Allow"`), so any verdict on such a policy would be a guess.
 */
export function assertNoDuplicateKeys(origin: Origin, text: string, fix: string): void {
  // JSON is YAML, and js-yaml refuses a repeated key where JSON.parse, run first, keeps the last.
  let position: number | undefined;
  try {
    load(text, { schema: JSON_SCHEMA });
  } catch (err) {
    if (err instanceof YAMLException && /^duplicated mapping key/.test(err.reason)) position = err.mark?.position;
  }
  if (position === undefined) return;
  const start = text.lastIndexOf('"', position);
  const line = text.slice(0, start).split('\n').length;
  const key = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(start));
  throw new InputError(
    where(origin),
    key ? JSON.parse(key[0]) : text.slice(start, start + 40),
    `repeats a key in one object (line ${line}); AWS documents no rule for which of the two values applies, so no verdict can be trusted`,
    `write each key once per object; ${fix}`,
  );
}

/** V8's message gives a character offset; people look for a line. */
function jsonErrorPlace(text: string, err: Error): string {
  const message = err.message.replace(/\s+/g, ' ');
  const at = /at position (\d+)/.exec(message);
  if (!at || /\(line \d+/.test(message)) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line} column ${column})`;
}
