import { Lifecycle, recordedDeployPath, type AttributedCall, type TerraformResult } from '../support/lifecycle';
import { CONSUMER_A, CONSUMER_B, OWNER, REGION } from '../support/rollouts';

/**
 * The deploy lifecycle with the real AWS provider (support/lifecycle.ts): keyshare's stacks applied,
 * planned and destroyed by real Terraform against the tests' AWS endpoint, each stack as its account's
 * deploy role, every cross-account KMS call decided by the simulator on the key policy as it stands.
 * One cross-account consumer throughout (and the owner as a same-account consumer), a second one
 * added and removed, the alias renamed, then an existing key, then everything destroyed.
 */

const A = `consumer-${CONSUMER_A}`;
const B = `consumer-${CONSUMER_B}`;
const deploy = (account: string) => `arn:aws:iam::${account}:role/deploy`;
const SLR = (account: string, suffix = '') =>
  `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling${suffix ? `_${suffix}` : ''}`;

function config(opts: { alias?: string; withB?: boolean; keyArn?: string } = {}): string {
  return `
owner: { account: "${OWNER}", region: ${REGION}, deployRoleArn: "${deploy(OWNER)}" }
key: { alias: ${opts.alias ?? 'golden-ami'}, administrators: ["arn:aws:iam::${OWNER}:role/key-admin"]${opts.keyArn ? `, arn: "${opts.keyArn}"` : ''} }
amis: [ { id: ami-0a1b2c3d4e5f60718, snapshotIds: [snap-0123456789abcdef0] } ]
consumers:
  - { account: "${OWNER}" }
  - { account: "${CONSUMER_A}", deployRoleArn: "${deploy(CONSUMER_A)}", attachPolicyToRoles: [launcher] }
${opts.withB ? `  - { account: "${CONSUMER_B}", deployRoleArn: "${deploy(CONSUMER_B)}", serviceLinkedRoleSuffix: web, createServiceLinkedRole: true }` : ''}
`;
}

let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await Lifecycle.start();
}, 600_000);
afterAll(() => lifecycle?.stop());

const described = (r: TerraformResult | readonly AttributedCall[]) =>
  ('calls' in r ? r.calls : r).map((c) => `${c.type} ${c.phase} ${c.service}:${c.action}${c.error ? ` ${c.error}` : ''}`);

/** Every call served, none refused: what a deploy role with these permissions and this key policy can do. */
function allServed(r: TerraformResult): void {
  expect(r.calls.filter((c) => c.status !== 200 || c.unknown).map((c) => `${c.stack} ${c.type} ${c.phase} ${c.service}:${c.action} ${c.error} ${c.message}`)).toEqual([]);
}

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

const grantees = () => lifecycle.world.grants().map((g) => g.grantee).sort();

it('applies the owner, then the consumer; every stack then plans with no changes', async () => {
  await lifecycle.synth(config());
  const [owner, consumer] = await apply('owner', A);
  expect(owner.calls.every((c) => c.account === OWNER || c.type === 'provider')).toBe(true);
  expect(described(consumer)).toEqual(expect.arrayContaining(['aws_kms_grant create kms:CreateGrant', 'aws_kms_grant create kms:ListGrants']));
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  await clean('owner', A);
}, 600_000);

it('adds a consumer: the owner first (the key policy names it), then its stack', async () => {
  await lifecycle.synth(config({ withB: true }));
  const [owner] = await apply('owner', B);
  expect(described(owner)).toContain('aws_kms_key update kms:PutKeyPolicy');
  expect(grantees()).toEqual([SLR(CONSUMER_A), SLR(CONSUMER_B, 'web')].sort());
  await clean(B);
}, 600_000);

it("removes a consumer: its stack is destroyed first, retiring its grant, then the owner drops it", async () => {
  const destroyed = await lifecycle.destroy(B);
  allServed(destroyed);
  expect(described(destroyed)).toEqual(expect.arrayContaining(['aws_kms_grant delete kms:RetireGrant']));
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  expect(lifecycle.world.account(CONSUMER_B).roles.has('AWSServiceRoleForAutoScaling_web')).toBe(false);
  await lifecycle.synth(config());
  await apply('owner');
  await clean('owner', A);
}, 600_000);

it('renames the alias: the alias is replaced, and the consumer follows it to the same key', async () => {
  await lifecycle.synth(config({ alias: 'golden-ami-v2' }));
  const [owner] = await apply('owner', A);
  expect(described(owner)).toEqual(expect.arrayContaining(['aws_kms_alias delete kms:DeleteAlias', 'aws_kms_alias create kms:CreateAlias']));
  expect([...lifecycle.world.account(OWNER).aliases.values()].map((a) => a.arn)).toEqual([`arn:aws:kms:${REGION}:${OWNER}:alias/golden-ami-v2`]);
  expect(grantees()).toEqual([SLR(CONSUMER_A)]);
  await clean('owner', A);
}, 600_000);

it('manages the policy of an existing key: applied, planned clean, and destroyed', async () => {
  const owner = lifecycle.world.account(OWNER);
  const existing = lifecycle.workspace('existing');
  // A key made outside keyshare, with KMS's default policy.
  const key = [...owner.keys.values()][0];
  const keyArn = key.arn.replace(key.id, lifecycle.world.newKeyId());
  owner.keys.set(keyArn.split('/')[1], { ...key, id: keyArn.split('/')[1], arn: keyArn, grants: [], tags: new Map(), policy: key.policy });
  await existing.synth(config({ alias: 'legacy-ami', keyArn }));
  const [applied] = [await existing.apply('owner')];
  allServed(applied);
  expect(described(applied)).toContain('aws_kms_key_policy create kms:PutKeyPolicy');
  const plan = await existing.plan('owner');
  allServed(plan);
  expect(plan.code).toBe(0);
  const destroyed = await existing.destroy('owner');
  allServed(destroyed);
}, 600_000);

it('destroys everything, consumers first: no grant is left, the key is pending deletion', async () => {
  allServed(await lifecycle.destroy(A));
  allServed(await lifecycle.destroy('owner'));
  expect(grantees()).toEqual([]);
  expect(lifecycle.world.account(CONSUMER_A).policies.size).toBe(0);
  expect(lifecycle.history.filter((c) => c.unknown)).toEqual([]);
  process.stderr.write(`deploy path: ${JSON.stringify(recordedDeployPath(lifecycle.history, OWNER), null, 1)}\n`);
  process.stderr.write(`lifecycle CPU seconds: ${JSON.stringify(lifecycle.cpu)}\n`);
}, 600_000);
