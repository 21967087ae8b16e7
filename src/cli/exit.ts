import { FindingsError, InputError, oneLine } from '../errors';
import { EXIT_CODE } from '../policy/rules';

/** Exit codes of every command (docs/ARCHITECTURE.md, CLI contract); findings map to them through `exitCode` in src/policy/rules.ts. */
export const EXIT = { ...EXIT_CODE, internal: 3 } as const;

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
