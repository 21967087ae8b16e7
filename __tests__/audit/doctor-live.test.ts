import { roleArn } from '../../src/policy/arns';
import { CONSUMER_A, OWNER, rollout } from '../support/rollouts';
import { deployedOrg, FakeOrg, runServed } from './fake-org';

/** `keyshare doctor --live` in this process, so the SDK mock serves it. */
function doctorLive(org: FakeOrg, extra: string[] = []): ReturnType<typeof runServed> {
  return runServed(org, [
    'doctor',
    '--live',
    '--key-arn',
    org.key.arn,
    '--consumer',
    CONSUMER_A,
    '--grant-creator',
    roleArn('aws', CONSUMER_A, 'deploy'),
    '--owner-role',
    roleArn('aws', OWNER, 'audit'),
    '--consumer-role',
    roleArn('aws', CONSUMER_A, 'audit'),
    '--format',
    'json',
    ...extra,
  ]);
}

describe('keyshare doctor --live', () => {
  test('reads the key policy, grants, IAM policies and SCPs, and finds the launch working', async () => {
    const org = deployedOrg(rollout());
    const r = await doctorLive(org);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ works: true, consumer: CONSUMER_A });
    expect(r.status).toBe(0);
    const calls = org.log.map((l) => l.split(' ')[1]);
    expect(calls).toEqual(expect.arrayContaining(['kms:GetKeyPolicy', 'kms:ListGrants', 'iam:GetPolicyVersion', 'organizations:DescribePolicy']));
  });

  test('a grant retired by hand: the first failing step and the command that recreates it', async () => {
    const org = deployedOrg(rollout());
    org.key.grants = org.key.grants.filter((g) => !g.GranteePrincipal!.includes(CONSUMER_A));
    const r = await doctorLive(org);
    const d = JSON.parse(r.stdout);
    expect(r.status).toBe(1);
    expect(d.works).toBe(false);
    expect(d.firstFailingStep).toMatch(/^use-through-grant:/);
    expect(JSON.stringify(d.fixes)).toContain('aws kms create-grant');
  });

  test('--live with a policy file, or without --key-arn, is bad input', async () => {
    const org = deployedOrg(rollout());
    expect((await doctorLive(org, ['--key-policy', 'x.json'])).status).toBe(2);
    expect(org.log).toEqual([]);
  });
});
