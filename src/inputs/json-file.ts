import { readFileSync } from 'node:fs';
import { InputError } from '../errors';

/** Where a value came from, so every message names the flag and the file. */
export interface Origin {
  readonly flag: string;
  readonly file: string;
}

export function where(origin: Origin, path?: string): string {
  return `${origin.flag} ${origin.file}${path ? `: ${path}` : ''}`;
}

/**
 * Reads a JSON file. The AWS CLI prints JSON only with `--output json` (its default unless the
 * profile says otherwise), so a text or table dump is the usual cause of a parse failure.
 */
export function readJsonFile(origin: Origin, fix: string): unknown {
  let text: string;
  try {
    text = readFileSync(origin.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read the file (${code ?? 'error'})`;
    throw new InputError(origin.flag, origin.file, problem, 'pass the path of an existing JSON file');
  }
  return parseJson(origin, text.replace(/^\uFEFF/, ''), fix);
}

export function parseJson(origin: Origin, text: string, fix: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(where(origin), text.trim().slice(0, 40), `not valid JSON (${jsonErrorPlace(text, err as Error)})`, fix);
  }
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
