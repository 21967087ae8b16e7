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
  const repeated = repeatedKey(text);
  if (repeated === undefined) return;
  throw new InputError(
    where(origin),
    repeated.key,
    `repeats a key in one object (line ${text.slice(0, repeated.at).split('\n').length}); AWS documents no rule for which of the two values applies, so no verdict can be trusted`,
    `write each key once per object; ${fix}`,
  );
}

/** One object being read: its keys so far, and the key whose value is being read. */
interface OpenObject {
  readonly keys: Set<string>;
  pending?: { readonly key: string; readonly at: number };
}

/**
 * The first repeated key of `text`, JSON that JSON.parse accepted, and where its quote opens. A key
 * counts once its value is read, so a repeat inside that value comes first, as js-yaml (which read
 * the text as YAML here before) reported it. Scanning the text took a tenth of js-yaml's loading, which
 * was 2.3 s of CPU over the tests (review reads every policy of every plan through here).
 */
function repeatedKey(text: string): { key: string; at: number } | undefined {
  const open: (OpenObject | undefined)[] = []; // undefined: an array
  let keyNext = false;
  const settle = (o: OpenObject | undefined) => {
    if (o?.pending === undefined) return undefined;
    const { key } = o.pending;
    if (o.keys.has(key)) return o.pending;
    o.keys.add(key);
    o.pending = undefined;
    return undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = open[open.length - 1];
      if (keyNext && top) {
        const raw = text.slice(i, end + 1);
        top.pending = { key: raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1), at: i };
      }
      keyNext = false;
      i = end;
    } else if (c === '{') {
      open.push({ keys: new Set() });
      keyNext = true;
    } else if (c === '[') {
      open.push(undefined);
    } else if (c === ',' || c === '}' || c === ']') {
      const top = open[open.length - 1];
      const repeated = settle(top);
      if (repeated) return repeated;
      if (c === ',') keyNext = top !== undefined;
      else open.pop();
    }
  }
  return undefined;
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
