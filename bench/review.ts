/**
 * `npm run bench:review [-- stacks]`: wall time of `keyshare review` over the plans of a
 * 1,000-stack rollout (issue #11: under 5 s). The plan set is keyshare's own synthesized stacks
 * in the documented plan format (before: the bench rollout; after: the same with rotation off and
 * its first consumer removed), written to a temporary directory outside the timing. The review
 * runs end to end through the CLI, as CI runs it. Tests never time anything; this does.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseRollout } from '../src/config';
import { configPlanDocuments } from '../src/review/config-plans';
import { benchRolloutYaml } from './rollout';

process.setSourceMapsEnabled(false);
const stacks = Number(process.argv[2] ?? 1000);
const consumers = stacks - 1;
const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-bench-review-'));

const baseYaml = benchRolloutYaml(consumers);
const nextYaml = baseYaml
  .replace('key: { alias: golden-ami }', 'key: { alias: golden-ami, rotation: false }')
  .replace(/ {2}- \{ account: "200000000000".*\n/, '');
let start = process.hrtime.bigint();
const docs = configPlanDocuments(parseRollout(baseYaml, 'base.yaml'), parseRollout(nextYaml, 'next.yaml'));
const plans = path.join(work, 'stacks');
for (const [stack, doc] of docs) {
  fs.mkdirSync(path.join(plans, stack), { recursive: true });
  fs.writeFileSync(path.join(plans, stack, 'plan.json'), JSON.stringify(doc, null, 2));
}
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
console.log(
  `keyshare review bench: ${docs.size} stack plans (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}), set up in ${(ms(start) / 1000).toFixed(1)} s`,
);

// CPU time (user + system, from the same probe bench/run.ts preloads) moves less than wall time
// when other work shares the machine; both are printed.
const probe = path.join(__dirname, 'max-rss.js');
const rssFile = path.join(work, 'usage.json');
const runs: Record<string, { wall: number[]; cpu: number[]; rss: number[] }> = {};
for (let i = 0; i < 3; i++) {
  for (const format of ['markdown', 'json']) {
    start = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      ['-r', probe, 'bin/keyshare.js', 'review', plans, '--format', format, '--out', path.join(work, `full.${format}`)],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...process.env, KEYSHARE_BENCH_RSS_FILE: rssFile },
      },
    );
    const wall = ms(start);
    if (r.status !== 0 && r.status !== 1) throw new Error(`review exited ${r.status}: ${r.stderr}`);
    const usage = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as { maxRSS: number; cpu: number };
    const run = (runs[format] ??= { wall: [], cpu: [], rss: [] });
    run.wall.push(wall);
    run.cpu.push(usage.cpu / 1000);
    run.rss.push(usage.maxRSS / 1024);
    if (format === 'markdown' && i === 0) {
      console.log(`comment: ${r.stdout.length} characters (limit 65,536); full report: ${fs.statSync(path.join(work, 'full.markdown')).size} bytes`);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
for (const [format, r] of Object.entries(runs)) {
  const wall = median(r.wall);
  const cpu = median(r.cpu);
  console.log(
    `${`keyshare review (${docs.size} stacks, --format ${format}, CLI end to end)`.padEnd(64)} wall ${(wall / 1000).toFixed(2)} s, ` +
      `CPU ${(cpu / 1000).toFixed(2)} s, ${median(r.rss).toFixed(0)} MB  ${wall < 5000 ? 'met' : 'MISSED'} < 5 s wall`,
  );
}
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at the end`,
);
fs.rmSync(work, { recursive: true, force: true });
