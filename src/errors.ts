/**
 * Bad input: the user can fix it. The CLI prints `message` on one line and exits 2, with no
 * stack trace, so every message names the field, the bad value and the fix.
 */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(oneLine(`${field}: ${problem} (got ${show(value)}). Fix: ${fix}`));
    this.name = 'InputError';
  }
}

/** Values shown in messages stay short and on one line. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep or cyclic to print: its kind is all a message can usefully say.
    text = Array.isArray(value) ? '[…]' : typeof value === 'object' && value !== null ? '{…}' : String(value);
  }
  const flat = oneLine(text).replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/**
 * A message is one line: line breaks, terminal escapes and other control or direction-changing
 * characters in file names, keys and values are shown escaped, never acted on.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The input is valid but what it describes fails a check; the CLI prints `report` and exits 1. */
export class FindingsError extends Error {
  constructor(readonly report: string) {
    super(report);
    this.name = 'FindingsError';
  }
}
