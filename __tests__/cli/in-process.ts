import { main } from '../../src/cli/main';
import type { CliResult } from '../support/cli';

/**
 * Runs the same `main` that bin/keyshare.js runs, in this process, capturing what it writes:
 * the CLI without the ~1 s start-up of a node process. A few tests still spawn the real binary.
 */
export async function keyshareInProcess(args: readonly string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(args);
    return { status: typeof process.exitCode === 'number' ? process.exitCode : 0, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = before;
  }
}
