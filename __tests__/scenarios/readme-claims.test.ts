import * as fs from 'fs';
import * as path from 'path';
import { checkRollout } from '../../src/check/check';
import { policyBytes, KEY_POLICY_MAX_BYTES } from '../../src/policy/document';
import { keyPolicy } from '../../src/policy/key-policy';
import { checkRenderers } from '../../src/render/check';
import { ROOT } from '../support/cli';
import { manyConsumersYaml, rollout } from '../support/rollouts';

// The README's numbers, re-run: each test reads the claim from the README and recomputes it.
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');

describe("the README's claims hold when re-run", () => {
  test('flat mode: the number of consumers that fit in a 32,768-byte key policy', () => {
    const claim = /(\d+) consumers fit \(each adds about (\d+) bytes; the (\d+)th takes it to ([\d,]+)/.exec(README);
    expect(claim).not.toBeNull();
    const [, fit, each, over, overBytes] = claim!;
    const bytes = (n: number) => policyBytes(keyPolicy(rollout(manyConsumersYaml(n, false))));
    expect(bytes(Number(fit))).toBeLessThanOrEqual(KEY_POLICY_MAX_BYTES);
    expect(Number(over)).toBe(Number(fit) + 1);
    expect(bytes(Number(over))).toBe(Number(overBytes.replace(/,/g, '')));
    expect(bytes(Number(over))).toBeGreaterThan(KEY_POLICY_MAX_BYTES);
    expect(bytes(Number(over)) - bytes(Number(fit))).toBe(Number(each));
  });

  test('launch steps and probes per consumer, as check prints them', () => {
    const claim = /`keyshare check` at (\d+) consumers prints "([^"]+)"/.exec(README);
    expect(claim).not.toBeNull();
    const [, consumers, printed] = claim!;
    expect(checkRenderers.text(checkRollout(rollout(manyConsumersYaml(Number(consumers), true))))).toContain(`\n  ${printed}\n`);
    const [, steps, deploy, probes, fixed, ownerDeploy] =
      /(\d+) launch steps, (\d+) deploy-path calls of its stack and (\d+) least-privilege probes, plus (\d+) probes for the owner.*?and (\d+) deploy-path calls of the owner stack/
        .exec(README)!
        .map(Number);
    const n = Number(consumers);
    const count = (x: number) => x.toLocaleString('en-US');
    expect(printed).toBe(
      `all ${count(steps * n)} launch steps and all ${count(deploy * n + ownerDeploy)} deploy-path KMS calls allowed, all ${count(probes * n + fixed)} least-privilege probes as intended`,
    );
  });

  test("doctor's recipe: every AWS CLI command says with which account's credentials it runs", () => {
    const raw = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const recipe = /### Diagnosing an existing setup[^]*?```sh\n([^]*?)```/.exec(raw)![1].split('\n');
    const commands = recipe.map((line, i) => ({ line, i })).filter(({ line }) => line.startsWith('aws '));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const { line, i } of commands) {
      const comment = recipe
        .slice(0, i)
        .reverse()
        .find((l) => l.startsWith('#'));
      expect(`${comment} → ${line}`).toMatch(/^# in the (key's|consumer) account/);
    }
    expect(raw).toContain('--policy file://fixed-key-policy.json');
    expect(raw).toContain('--fixed-key-policy fixed-key-policy.json');
  });
});
