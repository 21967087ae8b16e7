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
    super(`${field}: ${problem} (got ${show(value)}). Fix: ${fix}`);
    this.name = 'InputError';
  }
}

/** Values shown in messages stay short and on one line. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** The input is valid but what it describes fails a check; the CLI prints `report` and exits 1. */
export class FindingsError extends Error {
  constructor(readonly report: string) {
    super(report);
    this.name = 'FindingsError';
  }
}
