/**
 * `npm run bench:audit`: `keyshare audit`'s collector and report over an organization of N accounts
 * served in memory through aws-sdk-client-mock (the tests' fake organization), every AWS call
 * answering after a simulated latency. Issue #21's target: 5,000 accounts in under 60 s at the
 * default concurrency, within 1 GB. With --write, records the figures in bench/results-audit.json.
 *   npm run bench:audit -- --accounts 5000 --latency 50 --concurrency 32 [--write]
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { assumeRoleIn, collect, COLLECT_DEFAULTS } from '../src/audit/collect';
import { auditReport } from '../src/audit/report';
import { parseRollout } from '../src/config';
import { auditRenderers } from '../src/render/audit';
import { BASE_CREDENTIALS, deployedOrg, OU_ID, serve } from '../__tests__/audit/fake-org';

const TARGET_MS = 60_000;
const TARGET_MB = 1024;
const OWNER = '111122223333';

function yaml(count: number): string {
  const consumers = Array.from({ length: count }, (_, i) => `  - { account: "${String(300000000000 + i)}" }`).join('\n');
  return `
owner: { account: "${OWNER}", region: us-west-2 }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718, snapshotIds: [snap-0123456789abcdef0] } ]
consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/deploy"
consumers:
${consumers}
organization: { id: o-a1b2c3d4e5, arn: "arn:aws:organizations::${OWNER}:organization/o-a1b2c3d4e5" }
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '5000' },
      latency: { type: 'string', default: '50' },
      write: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: String(COLLECT_DEFAULTS.concurrency) },
    },
  });
  const accounts = Number(values.accounts);
  const latencyMs = Number(values.latency);
  const concurrency = Number(values.concurrency);
  const rollout = parseRollout(yaml(accounts), 'bench.yaml');
  const org = deployedOrg(rollout);
  org.latencyMs = latencyMs;
  org.pageSize = 100;
  // Ten OUs of accounts, each with its own SCP beside FullAWSAccess; every 100th account has lost its grant.
  for (let ou = 0; ou < 10; ou++) {
    const id = `${OU_ID}${ou}`;
    org.parents[id] = OU_ID;
    org.attached[id] = ['p-FullAWSAccess'];
  }
  rollout.consumers.forEach((c, i) => (org.parents[c.account] = `${OU_ID}${i % 10}`));
  const lost = new Set(rollout.consumers.filter((_, i) => i % 100 === 5).map((c) => c.account));
  org.key.grants = org.key.grants.filter((g) => ![...lost].some((a) => g.GranteePrincipal!.includes(a)));

  const served = serve(org);
  // sinon, under aws-sdk-client-mock, keeps every call with its command (about 300 MB at 40,000
  // calls), which no real SDK client does: cleared as the run goes, so the peak RSS is keyshare's.
  const forget = setInterval(() => served.clients.forEach((c) => c.resetHistory()), 1000);
  const start = process.hrtime.bigint();
  const snapshot = await collect(rollout, {
    ...COLLECT_DEFAULTS,
    concurrency,
    region: 'us-west-2',
    base: { credentials: BASE_CREDENTIALS },
    access: assumeRoleIn(rollout, 'audit'),
  });
  const collected = process.hrtime.bigint();
  clearInterval(forget);
  const report = auditReport(snapshot, rollout);
  const json = auditRenderers.json(report);
  const text = auditRenderers.text(report);
  const done = process.hrtime.bigint();
  served.restore();

  const collectMs = Number(collected - start) / 1e6;
  const reportMs = Number(done - collected) / 1e6;
  const wallMs = collectMs + reportMs;
  const rssMB = process.resourceUsage().maxRSS / 1024;
  const result = {
    accounts,
    latencyMs,
    concurrency,
    calls: org.log.length,
    callsPerAccount: Math.round((org.log.length / accounts) * 10) / 10,
    collectMs: Math.round(collectMs),
    reportMs: Math.round(reportMs),
    wallMs: Math.round(wallMs),
    peakRssMB: Math.round(rssMB),
    counts: report.counts,
    drift: report.drift.length,
    jsonBytes: json.length,
    textBytes: text.length,
    node: process.version,
    targets: { wallMs: TARGET_MS, rssMB: TARGET_MB },
    met: wallMs < TARGET_MS && rssMB < TARGET_MB,
  };
  console.log(
    `audit of ${accounts} accounts, ${latencyMs} ms per call, concurrency ${concurrency}: ${org.log.length} calls; ` +
      `collect ${(collectMs / 1000).toFixed(1)} s, report ${(reportMs / 1000).toFixed(2)} s, peak RSS ${Math.round(rssMB)} MB ` +
      `(${result.met ? 'target met' : 'TARGET MISSED'}: < ${TARGET_MS / 1000} s, < ${TARGET_MB} MB); ` +
      `${report.counts.proven} proven, ${report.counts.broken} broken, ${report.counts.unknown} unknown, ${report.drift.length} drifts`,
  );
  if (values.write) fs.writeFileSync(path.join(__dirname, 'results-audit.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (!result.met) process.exitCode = 1;
}

void main();
