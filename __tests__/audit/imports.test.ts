import { importFiles } from '../../src/audit/imports';
import { collect, COLLECT_DEFAULTS, assumeRoleIn } from '../../src/audit/collect';
import { auditReport } from '../../src/audit/report';
import type { Rollout } from '../../src/model/rollout';
import { CONSUMER_A, CONSUMER_B, REGION, rollout } from '../support/rollouts';
import { BASE_CREDENTIALS, deployedOrg, FakeOrg, serve } from './fake-org';

async function adoptable(r: Rollout, org: FakeOrg) {
  const served = serve(org);
  try {
    const snapshot = await collect(r, {
      ...COLLECT_DEFAULTS,
      region: REGION,
      base: { credentials: BASE_CREDENTIALS },
      access: assumeRoleIn(r, 'audit'),
    });
    return auditReport(snapshot, r).adoptable;
  } finally {
    served.restore();
  }
}

describe('audit --emit-imports', () => {
  test('import blocks for each existing launch permission, with the IDs the provider parses; grants are adoptable but get none', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    const found = await adoptable(r, org);
    expect(found.grants.map((g) => g.account)).toEqual([CONSUMER_A, CONSUMER_B]);
    const files = importFiles(found, r);
    expect([...files.keys()]).toEqual(['generate/owner/keyshare-imports.tf', 'synth/owner/keyshare-imports.tf']);
    expect([...files.values()].join('')).not.toContain('aws_kms_grant');
    expect(files.get('synth/owner/keyshare-imports.tf')).toContain(`id = "${CONSUMER_B}/ami-0a1b2c3d4e5f60718"`);
    expect(files.get('generate/owner/keyshare-imports.tf')).toContain(
      `to = module.key_owner.aws_ami_launch_permission.account["ami-0a1b2c3d4e5f60718/${CONSUMER_B}"]`,
    );
  });

  test('a grant keyshare would not create as it is (no name, other operations) is not adopted', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.key.grants[0] = { ...org.key.grants[0], Name: '' };
    org.key.grants[1] = { ...org.key.grants[1], Operations: ['Decrypt'] };
    const found = await adoptable(r, org);
    expect(found.grants).toEqual([]);
    expect(found.launchPermissions).toHaveLength(2);
  });
});
