import { FindingsError, InputError, oneLine } from '../errors';
import { DEFAULT_FAIL_ON, failsAt, type FailOn, type Severity } from '../policy/rules';

/** Exit codes of every command (docs/ARCHITECTURE.md, CLI contract). */
export const EXIT = { ok: 0, findings: 1, badInput: 2, internal: 3 } as const;

/**
 * The one mapping from findings to an exit code, for synth, check, doctor and review: 2 when any
 * finding is invalid input, 1 when any is at or above `failOn`, else 0.
 */
export function exitCode(severities: Iterable<Severity>, failOn: FailOn = DEFAULT_FAIL_ON): number {
  let code: number = EXIT.ok;
  for (const s of severities) {
    if (s === 'invalid') return EXIT.badInput;
    if (failsAt(s, failOn)) code = EXIT.findings;
  }
  return code;
}

/**
 * Runs a command body and maps what it throws to the CLI contract: bad input is one line on
 * stderr and exit 2; anything else is a bug, reported in one line (the stack with KEYSHARE_DEBUG=1).
 */
export async function runCommand(body: () => Promise<number> | number): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (err) {
    if (err instanceof FindingsError) {
      process.stderr.write(`${err.report}\n`);
      process.exitCode = EXIT.findings;
      return;
    }
    if (err instanceof InputError) {
      process.stderr.write(`keyshare: ${err.message}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    const e = err as Error;
    process.stderr.write(
      `keyshare: internal error: ${oneLine(e?.message ?? String(err))}${process.env.KEYSHARE_DEBUG ? `\n${e?.stack}` : ' (set KEYSHARE_DEBUG=1 for the stack)'}\n`,
    );
    process.exitCode = EXIT.internal;
  }
}
