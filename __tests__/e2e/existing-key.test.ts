import { modelCoverage } from '../support/deploy-coverage';
import { allServed, described, Lifecycle } from '../support/lifecycle';
import { KEY_ADMIN, lifecycleConfig, README_DEPLOY_ROLES } from '../support/lifecycle-steps';
import { OWNER, REGION } from '../support/rollouts';

/**
 * Existing-key mode with the real AWS provider (support/lifecycle.ts), beside lifecycle.test.ts: a
 * key made outside keyshare, with KMS's default key policy, whose policy keyshare's owner stack then
 * manages (`aws_kms_key_policy`): applied, planned clean, updated in place, destroyed.
 */

let lifecycle: Lifecycle;
beforeAll(async () => {
  lifecycle = await Lifecycle.start();
}, 600_000);
afterAll(() => lifecycle?.stop());

it('manages the policy of an existing key: applied, planned clean, updated in place, and destroyed', async () => {
  const keyArn = lifecycle.world.createKey(OWNER, REGION).arn;
  const config = (administrators = [KEY_ADMIN]) => lifecycleConfig({ alias: 'legacy-ami', keyArn, administrators });
  await lifecycle.synth(config(), README_DEPLOY_ROLES);
  const applied = await lifecycle.apply('owner');
  allServed(applied);
  expect(described(applied)).toContain('aws_kms_key_policy create kms:PutKeyPolicy');
  const plan = await lifecycle.plan('owner');
  allServed(plan);
  expect(plan.code).toBe(0);
  // A second administrator: the existing key's policy is updated in place.
  await lifecycle.synth(config([KEY_ADMIN, `arn:aws:iam::${OWNER}:role/key-admin-2`]), README_DEPLOY_ROLES);
  const updated = await lifecycle.apply('owner');
  allServed(updated);
  expect(described(updated)).toContain('aws_kms_key_policy update kms:PutKeyPolicy');
  allServed(await lifecycle.destroy('owner'));
  // The provider's Delete puts back KMS's default key policy: the key stays, keyshare's statements go.
  expect(lifecycle.world.findKey(keyArn)?.policy).not.toContain('AWSServiceRoleForAutoScaling');
}, 600_000);

it('every call is in the deploy-path model, and every aws_kms_key_policy entry of the model was called', () => {
  // The other types of the owner stack are lifecycle.test.ts's to cover.
  expect(modelCoverage(lifecycle.history, (type) => type === 'aws_kms_key_policy', [])).toEqual({
    outside: [],
    uncalled: [],
    stale: [],
    unknown: [],
  });
});
