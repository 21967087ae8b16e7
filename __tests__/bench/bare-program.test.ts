import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseRollout } from '../../src/config';
import { synthesize } from '../../src/synth/synthesize';
import { benchRolloutYaml } from '../../bench/rollout';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

/** What a stack holds, by kind and type: the resource set the bench compares, not its values. */
function shape(stackFile: string): Record<string, Record<string, number>> {
  const tf = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
  const count = (block: Record<string, Record<string, unknown>> = {}) =>
    Object.fromEntries(Object.entries(block).map(([type, byId]) => [type, Object.keys(byId).length]));
  return {
    resource: count(tf.resource),
    data: count(tf.data),
    provider: Object.fromEntries(Object.entries(tf.provider ?? {}).map(([name, configs]) => [name, (configs as unknown[]).length])),
    backend: Object.fromEntries(Object.keys(tf.terraform?.backend ?? {}).map((b) => [b, 1])),
    output: { count: Object.keys(tf.output ?? {}).length },
  };
}

function shapes(outdir: string): Record<string, ReturnType<typeof shape>> {
  const stacks = path.join(outdir, 'stacks');
  return Object.fromEntries(fs.readdirSync(stacks).map((s) => [s, shape(path.join(stacks, s, 'cdk.tf.json'))]));
}

// npm run bench holds keyshare to the bare program's cost; the comparison is fair only while the
// bare program emits what keyshare emits.
test('bench/bare-cdktf.js emits the resources, data sources, providers, backends and outputs keyshare synth emits', () => {
  const dir = tempDir('keyshare-bare-');
  const consumers = 3;
  execFileSync(process.execPath, [path.join(ROOT, 'bench/bare-cdktf.js'), String(consumers), path.join(dir, 'bare')], { cwd: dir });
  synthesize(parseRollout(benchRolloutYaml(consumers), 'bench.yaml'), path.join(dir, 'keyshare'), { config: 'bench.yaml' });
  const keyshare = shapes(path.join(dir, 'keyshare'));
  expect(Object.keys(keyshare)).toHaveLength(consumers + 1);
  expect(shapes(path.join(dir, 'bare'))).toEqual(keyshare);
});
