import { Lifecycle, type AttributedCall, type TerraformResult } from '../support/lifecycle';
import { BASE_YAML, CONSUMER_A, OWNER } from '../support/rollouts';

/**
 * The deploy lifecycle with the real AWS provider (support/lifecycle.ts): keyshare's stacks applied,
 * planned and destroyed by real Terraform against the tests' AWS endpoint, each stack as its account's
 * deploy role, every cross-account KMS call decided by the simulator on the key policy as it stands.
 */

let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await Lifecycle.start();
  await lifecycle.synth(BASE_YAML);
}, 600_000);
afterAll(() => lifecycle?.stop());

const calls = (r: TerraformResult | AttributedCall[]) =>
  ('calls' in r ? r.calls : r).map((c) => `${c.type} ${c.phase} ${c.service}:${c.action}${c.error ? ` ${c.error}` : ''}`);

async function failure(run: Promise<TerraformResult>): Promise<TerraformResult & { message: string }> {
  const err = await run.then(
    () => undefined,
    (e: Error & { result: TerraformResult }) => e,
  );
  if (!err) throw new Error('terraform succeeded; it was expected to fail');
  return { ...err.result, message: err.message };
}

it('applies the owner stack, then plans it with no changes, every call served and allowed', async () => {
  const applied = await lifecycle.apply('owner');
  expect(applied.calls.filter((c) => c.status !== 200)).toEqual([]);
  expect(calls(applied)).toEqual(expect.arrayContaining(['aws_kms_key create kms:CreateKey', 'aws_kms_alias create kms:CreateAlias']));
  expect(applied.calls.every((c) => c.account === OWNER || c.type === 'provider')).toBe(true);

  const plan = await lifecycle.plan('owner');
  expect(plan.code).toBe(0);
  expect(plan.calls.filter((c) => c.status !== 200)).toEqual([]);
}, 600_000);

// Issue #16, "What is broken", 1: the provider reads a new grant back with ListGrants, which the key
// policy does not allow across accounts; the endpoint refuses it as KMS would. This test changes with
// the fix (ListGrants in the key policy): the whole lifecycle then runs here.
it("a consumer's first apply creates the grant, then fails to read it back: the key policy does not allow ListGrants", async () => {
  const stack = `consumer-${CONSUMER_A}`;
  const apply = await failure(lifecycle.apply(stack));
  expect(apply.message).toMatch(/reading KMS Grant .*ListGrants.*AccessDeniedException.*kms:ListGrants/s);
  const kms = apply.calls.filter((c) => c.service === 'kms');
  expect(calls(kms.slice(-2))).toEqual(['aws_kms_grant create kms:CreateGrant', 'aws_kms_grant create kms:ListGrants AccessDeniedException']);
  expect(kms.at(-1)?.account).toBe(CONSUMER_A);
  expect(lifecycle.world.grants().map((g) => g.grantee)).toEqual([
    `arn:aws:iam::${CONSUMER_A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
  ]);

  // The grant is tainted in state; every refresh of the stack now fails the same way.
  const plan = await failure(lifecycle.plan(stack));
  expect(plan.message).toMatch(/ListGrants.*AccessDeniedException/s);
}, 600_000);

it('destroys the owner stack: the key is scheduled for deletion, its alias and AMI permissions are gone', async () => {
  const destroyed = await lifecycle.destroy('owner');
  expect(calls(destroyed)).toEqual(expect.arrayContaining(['aws_kms_key delete kms:ScheduleKeyDeletion', 'aws_kms_alias delete kms:DeleteAlias']));
  const owner = lifecycle.world.account(OWNER);
  expect([...owner.keys.values()].map((k) => k.state)).toEqual(['PendingDeletion']);
  expect(owner.aliases.size).toBe(0);
  expect([...owner.images.values()].flatMap((i) => i.launchPermissions)).toEqual([]);
  expect([...owner.snapshots.values()].flatMap((s) => [...s.createVolumeUserIds])).toEqual([]);
  expect(lifecycle.history.filter((c) => c.unknown)).toEqual([]);
  process.stderr.write(`lifecycle CPU seconds: ${JSON.stringify(lifecycle.cpu)}\n`);
}, 600_000);
