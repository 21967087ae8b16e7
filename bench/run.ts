/**
 * `npm run bench`: keyshare's CLI beside a bare cdktf program that emits the same resources with no
 * config, validation, proof or policy logic (bench/bare-cdktf.js), in one interleaved run, so the
 * ratios hold under whatever else the machine is doing. Prints a table with the ratios and the issue #9
 * targets; with --write it also records them in bench/results.json and bench/results-generate.json,
 * which are tracked: a run on a busy machine does not rewrite them unless asked. Tests never time
 * anything; this does.
 *   npm run bench                                   # 100, 1,000, 3,000 (3 pairs each), then 10,000 once
 *   npm run bench -- --sizes 1000 --pairs 5 --large 0
 *   npm run bench -- --write                        # and record the figures
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { BENCHES } from './benches';
import { benchGenerate } from './generate';
import { measure, medianSample, type Sample } from './measure';
import { benchRolloutYaml } from './rollout';

const TARGETS = { wallRatio: 1.1, rssRatio: 1.3, largeRssMB: 2048, helpMs: 300 };

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,3000' },
    pairs: { type: 'string', default: '3' },
    large: { type: 'string', default: '10000' },
    write: { type: 'boolean', default: false },
  },
});
const sizes = opts.sizes.split(',').map(Number);
const pairs = Number(opts.pairs);
const large = Number(opts.large);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-bench-'));

function configFor(consumers: number): string {
  const file = path.join(work, `keyshare-${consumers}.yaml`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, benchRolloutYaml(consumers));
  return file;
}

const keyshare = (consumers: number) => (out: string) => ['bin/keyshare.js', 'synth', '--config', configFor(consumers), '--out', out];
const bare = (consumers: number) => (out: string) => [path.join(__dirname, 'bare-cdktf.js'), String(consumers), out];

/**
 * Each command into a fresh output directory, removed after the run (outside the timing). Both
 * programs write ~13 MB in 2,000 files at 1,000 consumers; `sync` then flushes that write-back and
 * the removal before the next run, which would otherwise pay for its predecessor's disk work.
 */
function synthRun(command: (out: string) => string[]): Sample {
  const out = path.join(work, 'out');
  try {
    return measure(work, command(out));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    spawnSync('sync');
  }
}

interface SizeResult {
  readonly consumers: number;
  readonly keyshare: Sample;
  readonly bare: Sample;
  readonly samples: { readonly keyshare: Sample[]; readonly bare: Sample[] };
}

/** `count` pairs, alternating which program runs first, so neither always gets the warmer cache. */
function pairRuns(consumers: number, count: number): SizeResult {
  const samples = { keyshare: [] as Sample[], bare: [] as Sample[] };
  for (let i = 0; i < count; i++) {
    const order = i % 2 === 0 ? (['keyshare', 'bare'] as const) : (['bare', 'keyshare'] as const);
    for (const which of order) samples[which].push(synthRun(which === 'keyshare' ? keyshare(consumers) : bare(consumers)));
    process.stderr.write('.');
  }
  return { consumers, keyshare: medianSample(samples.keyshare), bare: medianSample(samples.bare), samples };
}

const cpus = os.cpus();
const loadBefore = os.loadavg();
console.log(
  `keyshare bench: organization mode, node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim()}), ` +
    `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; medians of ${pairs} interleaved pairs`,
);

const results = sizes.map((n) => pairRuns(n, pairs));
const largeResult = large > 0 ? pairRuns(large, 1) : undefined;
const checkSize = Math.max(...sizes);
const cliBenches = BENCHES.map((b) => ({
  name: `keyshare ${b.cli.join(' ')} at ${checkSize.toLocaleString('en-US')} consumers`,
  targetMs: b.targetMs,
  sample: medianSample(Array.from({ length: pairs }, () => measure(work, ['bin/keyshare.js', ...b.cli, '--config', configFor(checkSize)], [0, 1]))),
}));
const help = medianSample(Array.from({ length: 5 }, () => measure(work, ['bin/keyshare.js', '--help'])));
const nodeAlone = medianSample(Array.from({ length: 5 }, () => measure(work, ['-e', '0'])));
process.stderr.write('\n');
fs.rmSync(work, { recursive: true, force: true });

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number) => `${x.toFixed(0)} MB`;
const rows = [...results, ...(largeResult ? [largeResult] : [])].map((r, i, all) => {
  const prev = i > 0 ? all[i - 1] : undefined;
  const marginal = prev ? (r.keyshare.wallMs - prev.keyshare.wallMs) / (r.consumers - prev.consumers) : undefined;
  return {
    consumers: r.consumers,
    keyshare: r.keyshare,
    bare: r.bare,
    wallRatio: r.keyshare.wallMs / r.bare.wallMs,
    rssRatio: r.keyshare.rssMB / r.bare.rssMB,
    cpuRatio: r.keyshare.cpuMs / r.bare.cpuMs,
    perConsumer: { wallMs: r.keyshare.wallMs / r.consumers, rssKB: (r.keyshare.rssMB * 1024) / r.consumers, marginalWallMs: marginal },
  };
});

const header = [
  'consumers',
  'keyshare wall',
  'bare wall',
  'ratio',
  'keyshare RSS',
  'bare RSS',
  'ratio',
  'CPU ratio',
  'ms/consumer',
  'marginal ms/consumer',
  'KB RSS/consumer',
];
const table = [
  header,
  ...rows.map((r) => [
    r.consumers.toLocaleString('en-US'),
    s(r.keyshare.wallMs),
    s(r.bare.wallMs),
    `${r.wallRatio.toFixed(2)}×`,
    mb(r.keyshare.rssMB),
    mb(r.bare.rssMB),
    `${r.rssRatio.toFixed(2)}×`,
    `${r.cpuRatio.toFixed(2)}×`,
    r.perConsumer.wallMs.toFixed(2),
    r.perConsumer.marginalWallMs === undefined ? '–' : r.perConsumer.marginalWallMs.toFixed(2),
    r.perConsumer.rssKB.toFixed(0),
  ]),
];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const row of table) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log();
for (const b of cliBenches) console.log(`${b.name.padEnd(44)} ${s(b.sample.wallMs)}  ${mb(b.sample.rssMB)}`);
console.log(`${'keyshare --help'.padEnd(44)} ${s(help.wallMs)}`);
console.log(`${'node -e 0 (node start-up alone)'.padEnd(44)} ${s(nodeAlone.wallMs)}`);

const checks: [string, boolean][] = [
  ...rows
    .filter((r) => r.consumers === 1000 || r.consumers === 3000)
    .flatMap((r): [string, boolean][] => [
      [
        `synth wall at ${r.consumers.toLocaleString('en-US')} ≤ ${TARGETS.wallRatio}× bare (${r.wallRatio.toFixed(2)}×)`,
        r.wallRatio <= TARGETS.wallRatio,
      ],
      [
        `synth peak RSS at ${r.consumers.toLocaleString('en-US')} ≤ ${TARGETS.rssRatio}× bare (${r.rssRatio.toFixed(2)}×)`,
        r.rssRatio <= TARGETS.rssRatio,
      ],
    ]),
  ...(largeResult
    ? [
        [
          `${large.toLocaleString('en-US')} consumers within ${TARGETS.largeRssMB} MB RSS (${mb(largeResult.keyshare.rssMB)})`,
          largeResult.keyshare.rssMB <= TARGETS.largeRssMB,
        ] as [string, boolean],
      ]
    : []),
  ...cliBenches
    .filter((b) => b.targetMs !== undefined)
    .map((b): [string, boolean] => [`${b.name} < ${s(b.targetMs!)} (${s(b.sample.wallMs)})`, b.sample.wallMs < b.targetMs!]),
  [`keyshare --help < ${s(TARGETS.helpMs)} (${s(help.wallMs)})`, help.wallMs < TARGETS.helpMs],
];
console.log();
for (const [what, ok] of checks) console.log(`${ok ? 'met    ' : 'MISSED '} ${what}`);

const loadAfter = os.loadavg();
const resultsFile = path.join(__dirname, 'results.json');
if (opts.write) {
  fs.writeFileSync(
    resultsFile,
    `${JSON.stringify(
      {
        command: `npm run bench -- --sizes ${opts.sizes} --pairs ${pairs} --large ${large} --write`,
        machine: { node: process.version, cores: cpus.length, cpu: cpus[0]?.model.trim(), loadAverage: { before: loadBefore, after: loadAfter } },
        targets: TARGETS,
        synth: rows,
        samples: [...results, ...(largeResult ? [largeResult] : [])].map((r) => ({ consumers: r.consumers, ...r.samples })),
        cli: [...cliBenches.map((b) => ({ name: b.name, ...b.sample })), { name: 'keyshare --help', ...help }, { name: 'node -e 0', ...nodeAlone }],
        targetsMet: Object.fromEntries(checks),
      },
      null,
      2,
    )}\n`,
  );
}
console.log(
  `\nload average ${loadAfter.map((l) => l.toFixed(2)).join(' ')} at the end; ${opts.write ? 'figures in bench/results.json' : 'bench/results.json left as it was (--write records these figures)'}`,
);

// keyshare generate (#10): 5,000 accounts, end to end; its own table and bench/results-generate.json.
console.log();
benchGenerate(5000, pairs, opts.write);
