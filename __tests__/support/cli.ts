import { spawnSync } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/keyshare.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `keyshare` binary as a user would, from `cwd`. */
export function keyshare(args: readonly string[], cwd: string = ROOT): CliResult {
  // Node's default 1 MB would kill a run whose JSON report is larger (check of 150 consumers, with every deploy step).
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, KEYSHARE_DEBUG: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The contract for bad input: exit 2, one line on stderr, no stack trace. */
export function expectBadInput(r: CliResult, ...fragments: RegExp[]): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const f of fragments) expect(r.stderr).toMatch(f);
}
