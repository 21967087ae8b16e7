/**
 * `npm run bench:generate`, also run at the end of `npm run bench`: `keyshare generate` end to end,
 * through the CLI, for an organization of N accounts as `aws organizations list-accounts` prints
 * it: a first run into a new directory, then a rerun over that output (regeneration). Issue #10's
 * target: 5,000 accounts in under 10 s. Writes bench/results-generate.json.
 *   npm run bench:generate -- --accounts 5000 --runs 3
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { measure, medianSample, type Sample } from './measure';
import { benchRolloutYaml } from './rollout';

const TARGET_MS = 10_000;

/** Every 50th account suspended and every 200th closed, as organizations that have grown look. */
function inventory(count: number): string {
  const Accounts = Array.from({ length: count }, (_, i) => {
    const id = String(300000000000 + i);
    const state = i % 200 === 7 ? 'CLOSED' : i % 50 === 3 ? 'SUSPENDED' : 'ACTIVE';
    return {
      Id: id,
      Arn: `arn:aws:organizations::111122223333:account/o-a1b2c3d4e5/${id}`,
      Email: `aws+${id}@example.com`,
      Name: `workload-${i}`,
      Status: state === 'CLOSED' ? 'SUSPENDED' : state,
      State: state,
      JoinedMethod: 'CREATED',
      JoinedTimestamp: '2024-03-01T10:11:12.345000+00:00',
    };
  });
  return JSON.stringify({ Accounts }, null, 4);
}

/** Runs the bench, prints its table and writes bench/results-generate.json; true when the target is met. */
export function benchGenerate(accounts: number, runs: number): boolean {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-bench-generate-'));
  const accountsFile = path.join(work, 'accounts.json');
  const config = path.join(work, 'keyshare.yaml');
  fs.writeFileSync(accountsFile, inventory(accounts));
  // The bench's synth rollout supplies the owner, key, AMI and organization; its consumers are overridden by the inventory.
  fs.writeFileSync(config, `${benchRolloutYaml(1)}consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/terraform-deploy"\n`);

  const load = os.loadavg();
  const fresh: Sample[] = [];
  const rerun: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = path.join(work, `out-${i}`);
    const args = ['bin/keyshare.js', 'generate', '--accounts', accountsFile, '--config', config, '--out', out];
    fresh.push(measure(work, args));
    rerun.push(measure(work, args));
    fs.rmSync(out, { recursive: true, force: true });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  fs.rmSync(work, { recursive: true, force: true });

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows = [
    ['keyshare generate, new directory', medianSample(fresh)],
    ['keyshare generate, rerun over its output', medianSample(rerun)],
  ] as const;
  console.log(
    `keyshare generate bench: ${accounts.toLocaleString('en-US')} accounts (list-accounts JSON), node ${process.version}, ${os.cpus().length} cores, ` +
      `load average ${load.map((l) => l.toFixed(2)).join(' ')}; medians of ${runs}`,
  );
  for (const [name, m] of rows) console.log(`${name.padEnd(44)} wall ${s(m.wallMs)}  CPU ${s(m.cpuMs)}  ${m.rssMB.toFixed(0)} MB`);
  const met = rows.every(([, m]) => m.wallMs < TARGET_MS);
  console.log(`${met ? 'met    ' : 'MISSED '} ${accounts.toLocaleString('en-US')} accounts in under ${s(TARGET_MS)}`);
  fs.writeFileSync(
    path.join(__dirname, 'results-generate.json'),
    `${JSON.stringify({ command: `npm run bench:generate -- --accounts ${accounts} --runs ${runs}`, loadAverage: load, targetMs: TARGET_MS, fresh, rerun, met }, null, 2)}\n`,
  );
  return met;
}

if (require.main === module) {
  const { values: opts } = parseArgs({ options: { accounts: { type: 'string', default: '5000' }, runs: { type: 'string', default: '3' } } });
  benchGenerate(Number(opts.accounts), Number(opts.runs));
}
