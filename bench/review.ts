/**
 * `npm run bench:review [-- stacks [key-policy-statements]]`: wall time of `keyshare review` over
 * the plans of a 1,000-stack rollout (issue #11: under 5 s). With a second number, the change also
 * adds that many statements to the key policy, each giving one more account Decrypt: the access
 * diff must grow linearly with them (issue #19: 25,000 statements took over 60 s when it rescanned
 * the policy per principal). The plan set is keyshare's own synthesized stacks
 * in the documented plan format (before: the bench rollout; after: the same with rotation off and
 * its first consumer removed), written to a temporary directory outside the timing. The review
 * runs end to end through the CLI, as CI runs it. Tests never time anything; this does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseRollout } from '../src/config';
import { configPlanDocuments } from '../src/review/config-plans';
import { medianSample, run, type Sample } from './measure';
import { benchRolloutYaml } from './rollout';

process.setSourceMapsEnabled(false);
const stacks = Number(process.argv[2] ?? 1000);
const extraStatements = Number(process.argv[3] ?? 0);
const consumers = stacks - 1;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-bench-review-'));

const baseYaml = benchRolloutYaml(consumers);
const nextYaml = baseYaml
  .replace('key: { alias: golden-ami }', 'key: { alias: golden-ami, rotation: false }')
  .replace(/ {2}- \{ account: "200000000000".*\n/, '');
const start = process.hrtime.bigint();
const docs = configPlanDocuments(parseRollout(baseYaml, 'base.yaml'), parseRollout(nextYaml, 'next.yaml'));
const owner = docs.get('owner') as { resource_changes: { type: string; change: { after: { policy: string } } }[] };
const key = owner.resource_changes.find((rc) => rc.type === 'aws_kms_key')!.change.after;
const policy = JSON.parse(key.policy) as { Statement: unknown[] };
for (let i = 0; i < extraStatements; i++) {
  policy.Statement.push({
    Sid: `Extra${i}`,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${400000000000 + i}:root` },
    Action: 'kms:Decrypt',
    Resource: '*',
  });
}
key.policy = JSON.stringify(policy);
const plans = path.join(work, 'stacks');
for (const [stack, doc] of docs) {
  fs.mkdirSync(path.join(plans, stack), { recursive: true });
  fs.writeFileSync(path.join(plans, stack, 'plan.json'), JSON.stringify(doc, null, 2));
}
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
console.log(
  `keyshare review bench: ${docs.size} stack plans, ${extraStatements} added key-policy statements (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}), set up in ${(ms(start) / 1000).toFixed(1)} s`,
);

// CPU time (user + system, from the probe every bench preloads) moves less than wall time when
// other work shares the machine; both are printed.
const runs: Record<string, Sample[]> = {};
for (let i = 0; i < 3; i++) {
  for (const format of ['markdown', 'json']) {
    const r = run(work, ['bin/keyshare.js', 'review', plans, '--format', format, '--out', path.join(work, `full.${format}`)], [0, 1]);
    (runs[format] ??= []).push(r.sample);
    if (format === 'markdown' && i === 0) {
      console.log(`comment: ${r.stdout.length} characters (limit 65,536); full report: ${fs.statSync(path.join(work, 'full.markdown')).size} bytes`);
    }
  }
}
for (const [format, samples] of Object.entries(runs)) {
  const { wallMs, cpuMs, rssMB } = medianSample(samples);
  console.log(
    `${`keyshare review (${docs.size} stacks${extraStatements ? ` +${extraStatements} statements` : ''}, --format ${format}, CLI end to end)`.padEnd(64)} wall ${(wallMs / 1000).toFixed(2)} s, ` +
      `CPU ${(cpuMs / 1000).toFixed(2)} s, ${rssMB.toFixed(0)} MB  ${wallMs < 5000 ? 'met' : 'MISSED'} < 5 s wall`,
  );
}
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at the end`,
);
fs.rmSync(work, { recursive: true, force: true });
