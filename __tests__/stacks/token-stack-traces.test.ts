import { Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { buildApp } from '../../src/stacks/app';
import { rollout } from '../support/rollouts';
import { tempDir } from '../support/temp';

/** The message cdktf gives when a token created in keyshare's app fails to resolve. */
function resolutionError(debug: string | undefined): string {
  const before = process.env.KEYSHARE_DEBUG;
  if (debug === undefined) delete process.env.KEYSHARE_DEBUG;
  else process.env.KEYSHARE_DEBUG = debug;
  try {
    const app = buildApp(rollout(), tempDir('keyshare-traces-'));
    const owner = app.node.children.find(TerraformStack.isStack)!;
    const broken = Lazy.stringValue({
      produce: () => {
        throw new Error('cannot produce');
      },
    });
    new TerraformOutput(owner, 'broken', { value: broken });
    try {
      app.synth();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('synth did not fail on a token that cannot resolve');
  } finally {
    if (before === undefined) delete process.env.KEYSHARE_DEBUG;
    else process.env.KEYSHARE_DEBUG = before;
  }
}

describe("cdktf's token creation stacks", () => {
  test('are not recorded by default: recording them cost 12-20% of synth', () => {
    const message = resolutionError(undefined);
    expect(message).toMatch(/cannot produce/);
    expect(message).not.toMatch(/Object creation stack/);
  });

  test('come back with KEYSHARE_DEBUG, naming where the token was made', () => {
    expect(resolutionError('1')).toMatch(/Object creation stack:[\s\S]*token-stack-traces\.test\.ts/);
  });
});
