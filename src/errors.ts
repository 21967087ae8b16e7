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
 * Characters that must never reach a terminal, a comment or a generated file as themselves: C0
 * controls (ESC starts terminal sequences; CR and LF end lines), DEL, C1 controls, the line and
 * paragraph separators, and the invisible formatting characters that reorder or hide text (the bidi
 * embeddings, overrides, isolates and marks of Unicode's "Trojan Source" set, zero-width spaces and
 * joiners, the byte-order mark).
 */
export const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\n`, `\r`, `\t` or `\uXXXX` for one unsafe character. */
export function escapeCharacter(c: string): string {
  return NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A message is one line: line breaks, terminal escapes and other control or direction-changing
 * characters in file names, keys and values are shown escaped, never acted on.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_CHARACTER, escapeCharacter);
}

/** The input is valid but what it describes fails a check; the CLI prints `report` and exits 1. */
export class FindingsError extends Error {
  constructor(readonly report: string) {
    super(report);
    this.name = 'FindingsError';
  }
}
