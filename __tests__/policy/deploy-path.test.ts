import * as fs from 'fs';
import * as path from 'path';
import { checkRollout, passed } from '../../src/check/check';
import {
  ANY_CONSUMER_STACK_TYPES,
  ANY_OWNER_STACK_TYPES,
  consumerStackTypes,
  DEPLOY_PATH,
  deployPermissions,
  ownerStackTypes,
} from '../../src/policy/deploy-path';
import { keyPolicy, SID } from '../../src/policy/key-policy';
import { crossAccountConsumers } from '../../src/policy/key-policy';
import { ROOT } from '../support/cli';
import { BASE_YAML, CONSUMER_A, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { synthConsumer, synthOwner, type Synthesized } from '../support/synth';

/**
 * The deploy-path model (src/policy/deploy-path.ts) against what keyshare emits, what the README
 * tells each deploy role to hold, and what check proves. The end-to-end suite holds the model
 * equal to the calls the real provider makes.
 */

const KEY_ARN = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EXISTING_KEY = BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${KEY_ARN}",`);

function typesOf(s: Synthesized): string[] {
  return [...Object.keys(s.json.resource ?? {}), ...Object.keys(s.json.data ?? {}).map((t) => `data.${t}`)].sort();
}

describe('every type a stack emits has a deploy path, and the model knows which types each stack emits', () => {
  test.each([
    ['listed consumers', BASE_YAML],
    ['organization mode', ORG_YAML],
    ['an existing key', EXISTING_KEY],
  ])('%s', (_what, yaml) => {
    const r = rollout(yaml);
    const modelled = new Set(DEPLOY_PATH.map((e) => e.type));
    const owner = typesOf(synthOwner(r));
    expect(owner).toEqual([...ownerStackTypes(r)].sort());
    for (const c of crossAccountConsumers(r)) expect(typesOf(synthConsumer(r, c.account))).toEqual([...consumerStackTypes(r, c)].sort());
    for (const t of owner) expect(modelled).toContain(t);
  });
});

describe("the README's deploy-role permissions are the model's", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const bullet = (name: string) => {
    const start = readme.indexOf(`- **${name}**`);
    const end = readme.indexOf('\n- **', start + 1);
    return new Set([...readme.slice(start, end).matchAll(/`((?:kms|iam|ec2):[A-Za-z]+)`/g)].map((m) => m[1]));
  };

  test('owner: a new key, an existing key, and the owner as consumer (role looked up or created)', () => {
    expect([...bullet('Owner deploy role')].sort()).toEqual(deployPermissions(ANY_OWNER_STACK_TYPES));
  });

  test('consumer: every type a consumer stack may emit', () => {
    // The bullet also names kms:RetireGrant and kms:ListGrants again where it explains them.
    expect([...bullet('Consumer deploy role')].sort()).toEqual(deployPermissions(ANY_CONSUMER_STACK_TYPES));
  });
});

describe('check proves every deploy path, and refuses a key policy that breaks one', () => {
  test('a key policy without ListGrants for consumers fails their grant create, refresh and destroy', () => {
    const r = rollout(BASE_YAML);
    const policy = keyPolicy(r);
    const broken = {
      ...policy,
      Statement: policy.Statement.map((s) =>
        s.Sid === SID.consumerUse ? { ...s, Action: (s.Action as string[]).filter((a) => a !== 'kms:ListGrants') } : s,
      ),
    };
    expect(passed(checkRollout(r, policy))).toBe(true);
    const report = checkRollout(r, broken);
    expect(passed(report)).toBe(false);
    const failing = report.deploy
      .find((d) => d.account === CONSUMER_A)!
      .steps.filter((s) => s.result.decision !== 'Allowed')
      .map((s) => s.step.id);
    expect(failing).toEqual([
      'deploy:aws_kms_grant:read:kms:ListGrants',
      'deploy:aws_kms_grant:create:kms:ListGrants',
      'deploy:aws_kms_grant:delete:kms:ListGrants',
    ]);
    // The launch path itself does not need ListGrants: only the deploy path fails.
    expect(report.consumers.every((c) => c.steps.every((s) => s.result.decision === 'Allowed'))).toBe(true);
  });

  test("the owner's deploy role needs the key policy's root delegation", () => {
    const r = rollout(BASE_YAML);
    const policy = keyPolicy(r);
    const report = checkRollout(r, { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== SID.rootDelegation) });
    const owner = report.deploy.find((d) => d.stack === 'owner')!;
    expect(owner.steps.some((s) => s.step.id === 'deploy:aws_kms_key:update:kms:PutKeyPolicy' && s.result.decision !== 'Allowed')).toBe(true);
  });
});
