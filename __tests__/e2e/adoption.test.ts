import * as fs from 'fs';
import * as path from 'path';
import { importFiles } from '../../src/audit/imports';
import type { Adoptable } from '../../src/audit/report';
import { Lifecycle } from '../support/lifecycle';
import { lifecycleConfig, STACK_A } from '../support/lifecycle-steps';
import { CONSUMER_A, OWNER, rollout } from '../support/rollouts';

/**
 * Issue #21's adoption, with the real AWS provider: a grant and a launch permission that exist as
 * keyshare would create them (made here by a first workspace's apply, as a setup by hand would have
 * made them) are adopted by another workspace with no state of its own. The launch permission
 * through the import block `keyshare audit --emit-imports` writes: imported, nothing to change. The
 * grant by creating it: KMS returns the existing grant for a named grant created again with identical
 * parameters (KMS API reference, CreateGrant, Name), so no second grant appears. An import block
 * would replace it instead: provider 5.100.0 leaves `retire_on_delete` null on import and the
 * argument forces a new grant, which this test also records, so that a provider that reads it back
 * is noticed (src/audit/imports.ts).
 */

let lifecycle: Lifecycle;
beforeAll(async () => {
  lifecycle = await Lifecycle.start();
}, 600_000);
afterAll(() => lifecycle?.stop());

interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: string[]; readonly importing?: { readonly id: string } };
}

it('adopts an existing launch permission by import and an existing grant by creating it; an imported grant would be replaced', async () => {
  await lifecycle.synth(lifecycleConfig());
  for (const stack of ['owner', STACK_A]) expect((await lifecycle.apply(stack)).code).toBe(0);

  const owner = lifecycle.world.account(OWNER);
  const key = [...owner.keys.values()][0];
  const grant = key.grants.find((g) => g.grantee.includes(`:${CONSUMER_A}:`))!;
  const image = [...owner.images.values()][0];
  expect(image.launchPermissions).toContainEqual({ userId: CONSUMER_A });

  // A second working directory with no state, managing the same key by ARN: it would create a
  // second grant and launch permission, but for the imports.
  const adopt = lifecycle.workspace('adopt');
  const yaml = lifecycleConfig({ alias: 'adopted', keyArn: key.arn });
  await adopt.synth(yaml);
  const adoptable: Adoptable = {
    grants: [{ account: CONSUMER_A, keyArn: key.arn, grantId: grant.id }],
    launchPermissions: [{ imageId: image.id, permission: { userId: CONSUMER_A } }],
  };
  const files = importFiles(adoptable, rollout(yaml));
  expect([...files.keys()].filter((f) => f.startsWith('synth/'))).toEqual(['synth/owner/keyshare-imports.tf']);
  fs.writeFileSync(path.join(adopt.stackDir('owner'), 'keyshare-imports.tf'), files.get('synth/owner/keyshare-imports.tf')!);

  const planned = async (stack: string, type: string) => {
    const file = 'adopt.tfplan';
    const result = await adopt.plan(stack, { out: file });
    expect(result.stderr).toBe('');
    const changes = ((await adopt.show(stack, file)).resource_changes as PlannedChange[]).filter((c) => c.type === type);
    return changes.map((c) => ({ address: c.address, actions: c.change.actions, importing: c.change.importing?.id }));
  };
  expect(await planned('owner', 'aws_ami_launch_permission')).toEqual([
    { address: expect.any(String), actions: ['no-op'], importing: `${CONSUMER_A}/${image.id}` },
  ]);

  // An import block for the grant would replace it: retire_on_delete is not read back on import.
  const grantImport = path.join(adopt.stackDir(STACK_A), 'grant-import.tf');
  const [address] = Object.keys(JSON.parse(fs.readFileSync(path.join(adopt.stackDir(STACK_A), 'cdk.tf.json'), 'utf8')).resource.aws_kms_grant);
  fs.writeFileSync(grantImport, `import {\n  to = aws_kms_grant.${address}\n  id = "${key.arn}:${grant.id}"\n}\n`);
  expect(await planned(STACK_A, 'aws_kms_grant')).toEqual([
    { address: `aws_kms_grant.${address}`, actions: ['delete', 'create'], importing: `${key.arn}:${grant.id}` },
  ]);
  fs.rmSync(grantImport);

  // Without one it is created, and the creation returns the grant that exists: no second grant.
  expect(await planned(STACK_A, 'aws_kms_grant')).toEqual([{ address: `aws_kms_grant.${address}`, actions: ['create'], importing: undefined }]);
  expect((await adopt.apply(STACK_A, undefined, [`-target=aws_kms_grant.${address}`])).code).toBe(0);
  expect(key.grants.filter((g) => g.grantee.includes(`:${CONSUMER_A}:`)).map((g) => g.id)).toEqual([grant.id]);
  expect(await adopt.state(STACK_A)).toContain(`aws_kms_grant.${address}`);
}, 900_000);
