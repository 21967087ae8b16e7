import { modelCoverage, type Unreached } from '../support/deploy-coverage';
import { allServed, described, Lifecycle, type TerraformResult } from '../support/lifecycle';
import { lifecycleConfig, README_DEPLOY_ROLES as SEED, STACK_A, STACK_B } from '../support/lifecycle-steps';
import { CONSUMER_A, CONSUMER_B, OWNER, REGION } from '../support/rollouts';

/**
 * The deploy lifecycle with the real AWS provider (support/lifecycle.ts): keyshare's stacks applied,
 * planned and destroyed by real Terraform against the tests' AWS endpoint, each stack as its account's
 * deploy role, every cross-account KMS call decided by the simulator on the key policy as it stands.
 * One cross-account consumer throughout (and the owner as a same-account consumer), a second one
 * added and removed, the alias renamed, then everything destroyed. An existing key's policy is
 * existing-key.test.ts's, so that jest runs the two at once: most of either's time is the provider's
 * own waits for propagation, not CPU.
 */

const A = STACK_A;
const B = STACK_B;
const SLR = (account: string, suffix = '') =>
  `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling${suffix ? `_${suffix}` : ''}`;
const config = lifecycleConfig;

let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await Lifecycle.start();
}, 600_000);
afterAll(() => lifecycle?.stop());

async function apply(...stacks: string[]): Promise<TerraformResult[]> {
  const results: TerraformResult[] = [];
  for (const s of stacks) {
    const r = await lifecycle.apply(s);
    allServed(r);
    results.push(r);
  }
  return results;
}

async function clean(...stacks: string[]): Promise<void> {
  for (const s of stacks) {
    const plan = await lifecycle.plan(s);
    allServed(plan);
    expect({ stack: s, code: plan.code }).toEqual({ stack: s, code: 0 });
  }
}

const grantees = () =>
  lifecycle.world
    .grants()
    .map((g) => g.grantee)
    .sort();

it('applies the owner, then the consumer; every stack then plans with no changes', async () => {
  await lifecycle.synth(config(), SEED);
  const [owner, consumer] = await apply('owner', A);
  expect(owner.calls.every((c) => c.account === OWNER || c.type === 'provider')).toBe(true);
  expect(described(consumer)).toEqual(expect.arrayContaining(['aws_kms_grant create kms:CreateGrant', 'aws_kms_grant create kms:ListGrants']));
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  await clean('owner', A);
}, 600_000);

it('adds a consumer: the owner first (the key policy names it), then its stack', async () => {
  await lifecycle.synth(config({ withB: true }), SEED);
  const [owner] = await apply('owner', B);
  expect(described(owner)).toContain('aws_kms_key update kms:PutKeyPolicy');
  expect(grantees()).toEqual([SLR(CONSUMER_A), SLR(CONSUMER_B, 'web')].sort());
  await clean(B);
}, 600_000);

it('removes a consumer: synth writes its tombstone, whose apply retires its grant; the owner, then --forget and the owner again', async () => {
  await lifecycle.synth(config(), SEED);
  expect(await lifecycle.state(B)).not.toEqual([]);
  // The tombstone first, as synth prints: it declares nothing, so its apply destroys what B's stack created.
  const [destroyed, owner] = await apply(B, 'owner');
  expect(described(destroyed)).toEqual(expect.arrayContaining(['aws_kms_grant delete kms:RetireGrant']));
  expect(described(destroyed).filter((c) => c.includes('CreateGrant') || c.includes('Decrypt'))).toEqual([]);
  expect(await lifecycle.state(B)).toEqual([]);
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  expect(lifecycle.world.account(CONSUMER_B).roles.has('AWSServiceRoleForAutoScaling_web')).toBe(false);
  expect(described(owner)).toContain('aws_kms_key update kms:PutKeyPolicy');
  // The owner and A plan clean after --forget below: each plan is seconds of the provider's CPU.
  await clean(B);
  // Its state empty, the tombstone is forgotten, and the owner's key policy drops the account.
  const forgot = await lifecycle.synth(config(), SEED, ['--forget', CONSUMER_B]);
  expect(forgot).toContain(`forgotten: the tombstone stack of ${CONSUMER_B}`);
  expect(lifecycle.stacks()).toEqual(['owner', A].sort());
  await apply('owner');
  expect([...lifecycle.world.account(OWNER).keys.values()].map((k) => k.policy)).toEqual([expect.not.stringContaining(CONSUMER_B)]);
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  await clean('owner', A);
}, 600_000);

it('renames the alias: the alias is replaced, and the consumer follows it to the same key', async () => {
  await lifecycle.synth(config({ alias: 'golden-ami-v2' }), SEED);
  const [owner] = await apply('owner', A);
  expect(described(owner)).toEqual(expect.arrayContaining(['aws_kms_alias delete kms:DeleteAlias', 'aws_kms_alias create kms:CreateAlias']));
  expect([...lifecycle.world.account(OWNER).aliases.values()].map((a) => a.arn)).toEqual([`arn:aws:kms:${REGION}:${OWNER}:alias/golden-ami-v2`]);
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  await clean('owner', A);
}, 600_000);

it('destroys everything, consumers first: no grant is left, the key is pending deletion', async () => {
  allServed(await lifecycle.destroy(A));
  allServed(await lifecycle.destroy('owner'));
  expect(grantees()).toEqual([]);
  expect(lifecycle.world.account(CONSUMER_A).policies.size).toBe(0);
  expect(lifecycle.history.filter((c) => c.unknown)).toEqual([]);
}, 600_000);

/**
 * Model entries this lifecycle does not make the provider call, and why: changes keyshare's configs
 * never make to these resources here. Each is in the provider's source for that phase
 * (src/policy/deploy-path.ts cites the file); an entry the run does call fails the test as stale.
 */
const UNREACHED: Unreached[] = [
  {
    type: 'aws_kms_key',
    phase: 'update',
    actions: ['kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:TagResource', 'kms:UntagResource'],
    why: "the key's rotation and tags never change",
  },
  { type: 'aws_kms_alias', phase: 'update', why: 'an alias never moves to another key: a rename replaces it' },
  { type: 'aws_iam_policy', phase: 'update', why: "a consumer's IAM policy never changes here: it names the key by ARN" },
  { type: 'aws_iam_policy', phase: 'delete', actions: ['iam:DeletePolicyVersion'], why: 'the policy never has a version besides its default one' },
  { type: 'aws_iam_service_linked_role', phase: 'update', why: "the service-linked role's description and tags never change" },
];

it('every recorded call is in the deploy-path model for its type and phase, and the model asks for nothing the provider never called', () => {
  // aws_kms_key_policy is existing-key.test.ts's: keyshare emits it only for a key it does not create.
  const coverage = modelCoverage(lifecycle.history, (type) => type !== 'aws_kms_key_policy', UNREACHED);
  expect(coverage).toEqual({ outside: [], uncalled: [], stale: [], unknown: [] });
  // The suite's cost rests on the proxy answering the provider's repeated validation (support/provider-proxy.ts).
  const answered = Object.fromEntries(lifecycle.provider.proxy.answered);
  expect(answered['/tfplugin5.Provider/PrepareProviderConfig']).toBeGreaterThan(0);
  process.stderr.write(`lifecycle CPU and wall seconds: ${JSON.stringify(lifecycle.cpu)}; answered from memory: ${JSON.stringify(answered)}\n`);
});
