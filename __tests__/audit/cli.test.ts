import * as fs from 'fs';
import * as path from 'path';
import { expectBadInput, keyshare } from '../support/cli';
import { BASE_YAML, CONSUMER_A, OWNER, rollout } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { deployedOrg, runServed } from './fake-org';

/** The CLI in this process, served by the SDK mock. */
const run = runServed;

function configFile(): string {
  const file = path.join(tempDir('audit-cli'), 'keyshare.yaml');
  fs.writeFileSync(file, BASE_YAML);
  return file;
}

describe('keyshare audit', () => {
  test('a healthy organization: exit 0, and the text report says so', async () => {
    const r = await run(deployedOrg(rollout()), ['audit', '--config', configFile(), '--role-name', 'audit']);
    expect(r.stdout).toContain('3 accounts: 3 proven, 0 broken, 0 unknown; 0 drifts');
    expect(r.stdout).toContain('nothing drifted');
    expect(r.status).toBe(0);
  });

  test('a broken account: exit 1; json names it, its failing step and the drift', async () => {
    const org = deployedOrg(rollout());
    org.key.grants = org.key.grants.filter((g) => !g.GranteePrincipal!.includes(CONSUMER_A));
    const r = await run(org, ['audit', '--config', configFile(), '--role-name', 'audit', '--format', 'json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.counts).toEqual({ proven: 2, broken: 1, unknown: 0 });
    expect(report.accounts.find((a: any) => a.account === CONSUMER_A).failingStep).toMatch(/^use-through-grant:/);
    expect(report.drift.map((d: any) => d.kind)).toEqual(['grant-missing']);
    expect(org.log.every((l) => /:(Get|List|Describe|AssumeRole)/.test(l))).toBe(true);
  });

  test('markdown escapes what AWS returns', async () => {
    const org = deployedOrg(rollout());
    org.key.grants.push({
      ...org.key.grants[0],
      GrantId: 'x|y`z',
      GranteePrincipal: `arn:aws:iam::${OWNER}:role/ops`,
      IssuingAccount: `arn:aws:iam::${OWNER}:root`,
    });
    const r = await run(org, ['audit', '--config', configFile(), '--role-name', 'audit', '--format', 'markdown']);
    expect(r.stdout).toContain('grant-extra');
    expect(r.stdout).not.toContain('x|y`z');
  });

  test('bad flags are one line, exit 2, before any AWS call', () => {
    expectBadInput(keyshare(['audit', '--config', configFile(), '--concurrency', '0']), /--concurrency/, /0/);
    expectBadInput(keyshare(['audit', '--config', configFile(), '--role-name', 'role/audit']), /--role-name/);
  });
});
