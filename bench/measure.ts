/**
 * How every bench times a command: a new `node` process from the project root with max-rss.js
 * preloaded, which reports the process's own peak RSS and CPU time (user + system), the same way
 * for keyshare and for the bare program. Wall time is taken around the process.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const PROBE = path.join(__dirname, 'max-rss.js');

export interface Sample {
  readonly wallMs: number;
  readonly rssMB: number;
  /** User + system CPU time: less swayed than wall time by other work on the machine. */
  readonly cpuMs: number;
}

/** One end-to-end run of `node <args>`, with its output; `work` holds the probe's report. */
export function run(work: string, args: readonly string[], okStatus: readonly number[] = [0]): { readonly sample: Sample; readonly stdout: string } {
  const usageFile = path.join(work, 'usage.json');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', PROBE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, KEYSHARE_BENCH_RSS_FILE: usageFile },
    maxBuffer: 1 << 28,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okStatus.includes(r.status ?? -1)) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { maxRSS: number; cpu: number };
  return { sample: { wallMs, rssMB: usage.maxRSS / 1024, cpuMs: usage.cpu / 1000 }, stdout: r.stdout };
}

export function measure(work: string, args: readonly string[], okStatus: readonly number[] = [0]): Sample {
  return run(work, args, okStatus).sample;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Each figure's median on its own: wall, RSS and CPU time. */
export function medianSample(samples: readonly Sample[]): Sample {
  return { wallMs: median(samples.map((s) => s.wallMs)), rssMB: median(samples.map((s) => s.rssMB)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}
