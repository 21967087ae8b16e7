import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './temp';

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

/** Outputs of `keyshare synth`, by the text of their config: one run per config and test file. */
const synthesized = new Map<string, string>();

/**
 * What `keyshare synth --config <config>` writes, copied to `out`: for a test that starts from a
 * previous synth's output. The binary runs once per config text and test file; its output is the
 * same bytes wherever the config and the output are (cli/synth.test.ts), so each copy is what
 * another run would write, without another half second of CPU.
 */
export function copyOfSynth(config: string, out: string): void {
  const text = fs.readFileSync(path.resolve(ROOT, config), 'utf8');
  let first = synthesized.get(text);
  if (first === undefined) {
    first = path.join(tempDir('keyshare-synthesized-'), 'out');
    const r = keyshare(['synth', '--config', path.resolve(ROOT, config), '--out', first]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    synthesized.set(text, first);
  }
  fs.cpSync(first, out, { recursive: true });
}

/** The contract for bad input: exit 2, one line on stderr, no stack trace. */
export function expectBadInput(r: CliResult, ...fragments: RegExp[]): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const f of fragments) expect(r.stderr).toMatch(f);
}

const KEY_ACCESS_FIXTURES = path.join(ROOT, '__tests__/fixtures/key-access');

/** A document of `__tests__/fixtures/key-access` by its name; an absolute path (a temporary file) as it is. */
export function keyAccessFile(name: string): string {
  return path.isAbsolute(name) ? name : path.join(KEY_ACCESS_FIXTURES, name);
}

/** What `explain` and `doctor` read, each field one flag; files by fixture name or path (`keyAccessFile`). */
export interface KeyAccessArgs {
  readonly keyPolicy: string;
  readonly consumer?: string;
  readonly iamPolicy?: string;
  readonly grants?: string;
  /** In order: each SCP is one more `--scp`. */
  readonly scps?: readonly string[];
  readonly grantCreator?: string;
  readonly keyArn?: string;
  readonly principal?: string;
  readonly action?: string;
  /** `key=value` entries, each one `--context`. */
  readonly context?: readonly string[];
}

/** The argument list of `explain` or `doctor` for these inputs, in one order, so that tests say only what differs. */
export function keyAccessArgs(a: KeyAccessArgs): string[] {
  const flag = (name: string, value: string | undefined) => (value === undefined ? [] : [name, value]);
  const file = (name: string, value: string | undefined) => flag(name, value === undefined ? undefined : keyAccessFile(value));
  return [
    ...file('--key-policy', a.keyPolicy),
    ...flag('--consumer', a.consumer),
    ...file('--iam-policy', a.iamPolicy),
    ...file('--grants', a.grants),
    ...(a.scps ?? []).flatMap((scp) => file('--scp', scp)),
    ...flag('--grant-creator', a.grantCreator),
    ...flag('--key-arn', a.keyArn),
    ...flag('--principal', a.principal),
    ...flag('--action', a.action),
    ...(a.context ?? []).flatMap((entry) => flag('--context', entry)),
  ];
}
