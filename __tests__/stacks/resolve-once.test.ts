import * as path from 'path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { loadRollout } from '../../src/config';
import { AccountStack } from '../../src/stacks/account-stack';
import { buildApp } from '../../src/stacks/app';
import { OwnerStack } from '../../src/stacks/owner-stack';
import type { Rollout } from '../../src/model/rollout';
import { BASE_YAML, CONSUMER_A, ORG_YAML, rollout } from '../support/rollouts';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';
import { fileContents as files } from '../support/tree';

/** keyshare's app synthesized by cdktf's own TerraformStack methods: prepare all, then resolve each again. */
function stockSynth(r: Rollout, outdir: string): void {
  const app = buildApp(r, outdir);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    Object.assign(stack, { prepareStack: TerraformStack.prototype.prepareStack, toTerraform: TerraformStack.prototype.toTerraform });
  }
  app.synth();
}

const S3_YAML = `${BASE_YAML}backend: { s3: { bucket: state, region: us-west-2, keyPrefix: keyshare, roleArn: "arn:aws:iam::111122223333:role/state" } }\n`;

describe('one resolve per stack', () => {
  test.each([
    ['listed accounts, the owner as consumer, suffixes, created roles, attachments, snapshots', () => rollout(BASE_YAML)],
    ['organization mode', () => rollout(ORG_YAML)],
    ['an S3 backend', () => rollout(S3_YAML)],
    ['the embedded example', () => loadRollout(path.join(ROOT, 'examples/keyshare.yaml'))],
  ])('writes byte for byte what cdktf app.synth() writes: %s', (_, make) => {
    const dir = tempDir('keyshare-resolve-once-');
    buildApp(make(), path.join(dir, 'once')).synth();
    stockSynth(make(), path.join(dir, 'stock'));
    const once = files(path.join(dir, 'once'));
    expect(Object.keys(once).length).toBeGreaterThan(2);
    expect(once).toEqual(files(path.join(dir, 'stock')));
  });

  test("refuses a stack that reads another stack's resources, which cdktf would wire through remote state", () => {
    const app = new App({ outdir: tempDir('keyshare-resolve-once-') });
    const owner = new OwnerStack(app, rollout(ORG_YAML));
    const consumer = new AccountStack(app, `consumer-${CONSUMER_A}`, { account: CONSUMER_A, region: 'us-west-2' });
    new TerraformOutput(consumer, 'owner_key', { value: owner.keyOwner.keyArn });
    expect(() => app.synth()).toThrow(
      `stack consumer-${CONSUMER_A} refers to resources of stack owner; keyshare's stacks must not read each other's state`,
    );
  });
});
