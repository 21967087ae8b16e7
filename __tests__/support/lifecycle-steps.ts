import { ANY_CONSUMER_STACK_TYPES, ANY_OWNER_STACK_TYPES, deployPermissions } from '../../src/policy/deploy-path';
import type { SeedOptions } from './lifecycle';
import { CONSUMER_A, CONSUMER_B, OWNER, REGION } from './rollouts';

/**
 * The configs of the deploy lifecycle (__tests__/e2e/lifecycle.test.ts) and of the real plans kept as
 * review's fixtures (scripts/lifecycle-fixtures.ts, __tests__/fixtures/lifecycle/): one cross-account
 * consumer throughout and the owner as a same-account consumer; a second consumer (suffixed, its
 * service-linked role created) added then removed; the alias renamed; an administrator added.
 */
export interface LifecycleConfig {
  readonly alias?: string;
  readonly withB?: boolean;
  readonly keyArn?: string;
  readonly administrators?: readonly string[];
}

export const deployRole = (account: string) => `arn:aws:iam::${account}:role/deploy`;
export const KEY_ADMIN = `arn:aws:iam::${OWNER}:role/key-admin`;

export function lifecycleConfig(opts: LifecycleConfig = {}): string {
  const admins = (opts.administrators ?? [KEY_ADMIN]).map((a) => `"${a}"`).join(', ');
  return `
owner: { account: "${OWNER}", region: ${REGION}, deployRoleArn: "${deployRole(OWNER)}" }
key: { alias: ${opts.alias ?? 'golden-ami'}, administrators: [${admins}]${opts.keyArn ? `, arn: "${opts.keyArn}"` : ''} }
amis: [ { id: ami-0a1b2c3d4e5f60718, snapshotIds: [snap-0123456789abcdef0] } ]
consumers:
  - { account: "${OWNER}" }
  - { account: "${CONSUMER_A}", deployRoleArn: "${deployRole(CONSUMER_A)}", attachPolicyToRoles: [launcher] }
${opts.withB ? `  - { account: "${CONSUMER_B}", deployRoleArn: "${deployRole(CONSUMER_B)}", serviceLinkedRoleSuffix: web, createServiceLinkedRole: true }` : ''}
`;
}

/**
 * Each deploy role holds exactly what the README tells it to hold (the deploy-path model's
 * permissions, which __tests__/policy/deploy-path.test.ts holds equal to the README), nothing more:
 * every call the provider makes is then decided, by the simulator, on that policy and the key policy.
 */
export const README_DEPLOY_ROLES: SeedOptions = {
  deployRolePolicy: (account) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: deployPermissions(account === OWNER ? ANY_OWNER_STACK_TYPES : ANY_CONSUMER_STACK_TYPES), Resource: '*' }],
  }),
};

export const STACK_A = `consumer-${CONSUMER_A}`;
export const STACK_B = `consumer-${CONSUMER_B}`;

/** One change whose real plans are kept: the config before and after, and each stack's plan in deploy order. */
export interface PlanFixtureStep {
  readonly name: string;
  readonly before?: LifecycleConfig;
  readonly after: LifecycleConfig;
  /** In order; `destroy` plans a stack's destroy (`plan -destroy`). A removed consumer's stack is its tombstone, planned as any other. */
  readonly stacks: readonly { readonly stack: string; readonly destroy?: boolean }[];
}

const V2 = 'golden-ami-v2';

export const PLAN_FIXTURE_STEPS: readonly PlanFixtureStep[] = [
  { name: 'first-deploy', after: {}, stacks: [{ stack: 'owner' }, { stack: STACK_A }] },
  { name: 'added-consumer', before: {}, after: { withB: true }, stacks: [{ stack: 'owner' }, { stack: STACK_B }] },
  // synth writes B's tombstone, whose plan destroys what B's stack holds, first; then the owner's.
  { name: 'removed-consumer', before: { withB: true }, after: {}, stacks: [{ stack: STACK_B }, { stack: 'owner' }] },
  { name: 'alias-rename', before: {}, after: { alias: V2 }, stacks: [{ stack: 'owner' }, { stack: STACK_A }] },
  {
    name: 'key-policy-change',
    before: { alias: V2 },
    after: { alias: V2, administrators: [KEY_ADMIN, `arn:aws:iam::${OWNER}:role/key-admin-2`] },
    stacks: [{ stack: 'owner' }],
  },
];
