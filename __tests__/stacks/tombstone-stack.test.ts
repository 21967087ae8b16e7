import { Testing } from 'cdktf';
import { consumerStackPlacement } from '../../src/stacks/consumer-stack';
import { placementOf, TombstoneStack, withLeaving } from '../../src/stacks/tombstone-stack';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, OWNER, rollout } from '../support/rollouts';
import { synthConsumer } from '../support/synth';

const S3 = `backend: { s3: { bucket: states, region: us-east-1, keyPrefix: team/keyshare, roleArn: "arn:aws:iam::${OWNER}:role/state" } }\n`;

describe('tombstone stack', () => {
  test.each([
    ['local state', BASE_YAML],
    ['an S3 backend with a role', BASE_YAML + S3],
  ])("a consumer stack's placement reads back from its Terraform JSON as the stack was built (%s)", (_, yaml) => {
    const r = rollout(yaml);
    for (const account of [CONSUMER_A, CONSUMER_B]) {
      const consumer = r.consumers.find((c) => c.account === account)!;
      expect(placementOf(account, synthConsumer(r, account).json)).toEqual(JSON.parse(JSON.stringify(consumerStackPlacement(r, consumer))));
    }
  });

  test('a stack whose provider is pinned to another account, or whose state key is not its own, is not read back', () => {
    const json = synthConsumer(rollout(BASE_YAML + S3), CONSUMER_A).json;
    expect(placementOf(CONSUMER_B, json)).toBeUndefined();
    expect(
      placementOf(CONSUMER_A, { ...json, terraform: { ...json.terraform, backend: { s3: { ...json.terraform.backend.s3, key: 'x.tfstate' } } } }),
    ).toBeUndefined();
    expect(placementOf(CONSUMER_A, {})).toBeUndefined();
  });

  test('declares no resource, data source or output: only its provider and backend, the same as the stack it replaces', () => {
    const r = rollout(BASE_YAML + S3);
    const consumer = synthConsumer(r, CONSUMER_B).json;
    const tombstone = JSON.parse(Testing.synth(new TombstoneStack(Testing.app(), placementOf(CONSUMER_B, consumer)!), true));
    expect(
      Object.keys(tombstone)
        .filter((k) => k !== '//')
        .sort(),
    ).toEqual(['provider', 'terraform']);
    expect({ provider: tombstone.provider, terraform: tombstone.terraform }).toEqual({ provider: consumer.provider, terraform: consumer.terraform });
  });

  test('only accounts the rollout no longer gives a stack leave; the owner never does', () => {
    const r = rollout(BASE_YAML);
    const at = (account: string) => ({ account, region: r.owner.region });
    expect(withLeaving(r, [at(CONSUMER_A), at(OWNER), at('123456789012')]).leaving).toEqual([at('123456789012')]);
    expect(withLeaving(r, [at(CONSUMER_A)])).toBe(r);
  });
});
