import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { replaceOutput } from '../../src/output';
import { ROOT } from '../support/cli';
import { listing, tmp } from '../support/tree';
import { outputFiles } from './kill-files';

const CHILD = path.join(__dirname, 'kill-child.ts');

/** The listing a complete output of `version` has, with the user's own file kept in it. */
function expected(version: string): Record<string, string> {
  const root = tmp('keyshare-kill-expected-');
  const out = path.join(root, 'out');
  replaceOutput({ dir: out, flag: '--out', kind: 'synth' }, { files: outputFiles(version) });
  fs.writeFileSync(path.join(out, 'terraform.tfvars'), 'mine');
  return listing(out);
}

/** Starts the child and SIGKILLs it once its stdout has shown `stopAt` lines (or after `afterMs`). */
function killedChild(out: string, stopAt: number | undefined, afterMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, out, 'new', stopAt === undefined ? '0' : String(stopAt)], { cwd: ROOT });
    const seen: string[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      seen.push(...lines);
      if (stopAt !== undefined && seen.length >= stopAt) child.kill('SIGKILL');
    });
    // Cleared when the child ends first: a pending timer would keep the jest worker from exiting.
    const timer = stopAt === undefined ? setTimeout(() => child.kill('SIGKILL'), afterMs) : undefined;
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(seen);
    });
  });
}

describe('SIGKILL during a replacement', () => {
  const OLD = expected('old');
  const NEW = { ...expected('new') };

  /**
   * Stop points: 1 = staging begun, 2 = old output renamed aside, 3 = new output renamed in,
   * 4 = the old output deleted; then kills at seeded random moments of the whole run.
   */
  const points: Array<[string, number | undefined, number]> = [
    ['while staging', 1, 0],
    ['between the two renames', 2, 0],
    ['after the new output is in, before the old is deleted', 3, 0],
    ['after the old output is deleted', 4, 0],
    ...fc
      .sample(fc.integer({ min: 200, max: 1500 }), { numRuns: 2, seed: 8 })
      .map((ms): [string, undefined, number] => [`at a random moment (${ms} ms)`, undefined, ms]),
  ];

  test.each(points)('%s: the complete old or new output, and the next run recovers', async (_name, stopAt, afterMs) => {
    const root = tmp('keyshare-kill-');
    const out = path.join(root, 'out');
    replaceOutput({ dir: out, flag: '--out', kind: 'synth' }, { files: outputFiles('old') });
    fs.writeFileSync(path.join(out, 'terraform.tfvars'), 'mine');

    const seen = await killedChild(out, stopAt, afterMs);
    if (stopAt !== undefined) expect(seen.length).toBeGreaterThanOrEqual(stopAt);

    const now = fs.existsSync(out) ? listing(out) : undefined;
    // The stop points are where they claim to be: the target is gone only between the renames.
    if (stopAt !== undefined) expect(now === undefined).toBe(stopAt === 2);
    if (now !== undefined) {
      expect([OLD, NEW]).toContainEqual(now);
    } else {
      // Only between the two renames: the complete old output waits beside the target.
      const aside = fs.readdirSync(root).filter((n) => n.startsWith('.out.keyshare-old-'));
      expect(aside).toHaveLength(1);
      expect(listing(path.join(root, aside[0]))).toEqual(OLD);
    }

    // The next run recovers first, then replaces as usual; nothing of the killed run is left.
    replaceOutput({ dir: out, flag: '--out', kind: 'synth' }, { files: outputFiles('new') });
    expect(listing(out)).toEqual(NEW);
    expect(fs.readdirSync(root)).toEqual(['out']);
  });
});
