/**
 * `npm run bench`: wall time of the main jobs at organization scale, beside a bare cdktf program
 * that emits the same resources with no config, validation or policy logic
 * (../shared/bench/bare-cdktf.js). Figures go in issue notes; tests never time anything.
 *   npm run bench -- 1000
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseRollout } from '../src/config';
import { synthesize } from '../src/synth/synthesize';
import { BENCHES } from './benches';

// As in bin/keyshare.js: source-mapping cdktf's stack traces costs half the synth time.
process.setSourceMapsEnabled(false);

const consumers = Number(process.argv[2] ?? 1000);
const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-bench-'));

export function rolloutYaml(count: number): string {
  const lines = Array.from({ length: count }, (_, i) => {
    const account = String(200000000000 + i);
    return `  - { account: "${account}", deployRoleArn: "arn:aws:iam::${account}:role/deploy" }`;
  });
  return [
    'owner: { account: "111122223333", region: us-west-2 }',
    'key: { alias: golden-ami }',
    'amis: [ { id: ami-0123456789abcdef0 } ]',
    'organization: { id: o-a1b2c3d4e5, arn: "arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5" }',
    'consumers:',
    ...lines,
    '',
  ].join('\n');
}

function ms(start: bigint): string {
  return `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms`;
}

function timeCommand(label: string, cmd: string, args: string[]): void {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${label} failed: ${r.stderr}`);
  console.log(`${label.padEnd(44)} ${ms(start)}`);
}

const config = path.join(work, 'keyshare.yaml');
fs.writeFileSync(config, rolloutYaml(consumers));
console.log(`keyshare bench: ${consumers} consumers, organization mode, node ${process.version}, ${os.cpus().length} cores`);

let start = process.hrtime.bigint();
const rollout = parseRollout(fs.readFileSync(config, 'utf8'), config);
console.log(`${'load + validate config (in process)'.padEnd(44)} ${ms(start)}`);
start = process.hrtime.bigint();
synthesize(rollout, path.join(work, 'in-process.out'));
console.log(`${'synth (in process)'.padEnd(44)} ${ms(start)}`);
for (const bench of BENCHES) {
  start = process.hrtime.bigint();
  bench.run(rollout);
  console.log(`${`${bench.name} (in process)`.padEnd(44)} ${ms(start)}`);
}

timeCommand('keyshare synth (CLI, end to end)', process.execPath, ['bin/keyshare.js', 'synth', '--config', config, '--out', path.join(work, 'cli.out')]);
for (const bench of BENCHES.filter((b) => b.cli)) {
  timeCommand(`keyshare ${bench.cli!.join(' ')} (CLI, end to end)`, process.execPath, ['bin/keyshare.js', ...bench.cli!, '--config', config]);
}
const bare = path.resolve(root, '../shared/bench/bare-cdktf.js');
if (fs.existsSync(bare)) timeCommand('bare cdktf baseline, same resources', process.execPath, [bare, String(consumers), path.join(work, 'bare.out')]);
fs.rmSync(work, { recursive: true, force: true });
