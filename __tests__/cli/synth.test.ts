import * as fs from 'fs';
import * as path from 'path';
import { copyOfSynth, expectBadInput, keyshare, ROOT } from '../support/cli';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, manyConsumersYaml } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { exitCode } from '../../src/cli/exit';
import { RULES } from '../../src/policy/rules';
import { fileContents as files } from '../support/tree';

const EXAMPLE = path.join(ROOT, 'examples/keyshare.yaml');

function tmp(): string {
  return tempDir('keyshare-synth-');
}

describe('keyshare synth', () => {
  test('writes the owner and each cross-account consumer stack, and says so', () => {
    const dir = tmp();
    const r = keyshare(['synth', '--config', EXAMPLE, '--out', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Object.keys(files(path.join(dir, 'out'))).sort()).toEqual([
      '.keyshare-manifest.json',
      'manifest.json',
      'stacks/consumer-444455556666/cdk.tf.json',
      'stacks/consumer-777788889999/cdk.tf.json',
      'stacks/owner/cdk.tf.json',
    ]);
    expect(r.stdout).toMatch(/synthesized 3 stacks/);
    expect(r.stdout).toMatch(/3 consumers \(1 in the owner account/);
    expect(r.stdout).toMatch(/key policy \d,\d{3} of 32,768 bytes/);
    expect(r.stdout).toMatch(/check: all 17 launch steps and all \d+ deploy-path KMS calls allowed, all \d+ least-privilege probes as intended/);
    expect(r.stdout).toMatch(/\n  assuming \(not proven\):\n    - key: arn:aws:kms:/);
    // Every next step carries the config and the output directory, quoted for the shell.
    expect(r.stdout).toContain(`    KEYSHARE_CONFIG=${EXAMPLE} npx cdktf deploy --output out owner\n`);
    expect(r.stdout).toContain(`    KEYSHARE_CONFIG=${EXAMPLE} npx cdktf deploy --output out consumer-\\*\n`);
  });

  test('a config or output path with shell metacharacters is quoted in the printed commands', () => {
    const dir = tmp();
    fs.copyFileSync(EXAMPLE, path.join(dir, "my $rollout's.yaml"));
    const r = keyshare(['synth', '--config', "my $rollout's.yaml", '--out', 'out dir'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`KEYSHARE_CONFIG="my \\$rollout's.yaml" npx cdktf deploy --output 'out dir' owner`);
    expect(r.stdout).toContain(`terraform -chdir='out dir/stacks/owner' init`);
  });

  test('--hcl writes cdk.tf in place of the cdk.tf.json a previous synth wrote', () => {
    const dir = tmp();
    copyOfSynth(EXAMPLE, path.join(dir, 'out'));
    expect(keyshare(['synth', '--config', EXAMPLE, '--out', 'out', '--hcl'], dir).status).toBe(0);
    expect(Object.keys(files(path.join(dir, 'out'))).filter((f) => f.startsWith('stacks/owner/'))).toEqual([
      'stacks/owner/cdk.tf',
      'stacks/owner/metadata.json',
    ]);
  });

  test('the same input gives byte-identical output, wherever the project is', () => {
    // One run from the project root (support/cli.ts), one from another directory with a relative --out.
    const [a, b] = [tmp(), tmp()];
    copyOfSynth(EXAMPLE, path.join(a, 'cdktf.out'));
    expect(keyshare(['synth', '--config', EXAMPLE, '--out', 'cdktf.out'], b).status).toBe(0);
    expect(files(path.join(a, 'cdktf.out'))).toEqual(files(path.join(b, 'cdktf.out')));
  });

  test('bad input: exit 2, one line naming field, value and fix, and no output directory', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), fs.readFileSync(EXAMPLE, 'utf8').replace('"444455556666"', '"44445555666"'));
    const r = keyshare(['synth', '--config', 'bad.yaml', '--out', 'out'], dir);
    expectBadInput(r, /consumers\[0\]\.account/, /44445555666/, /Fix:/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['bad.yaml']);
  });

  test('an oversized key policy is refused before anything is written, and the previous output stays', () => {
    const dir = tmp();
    copyOfSynth(EXAMPLE, path.join(dir, 'out'));
    const before = files(path.join(dir, 'out'));
    fs.writeFileSync(path.join(dir, 'many.yaml'), manyConsumersYaml(150, false));
    const r = keyshare(['synth', '--config', 'many.yaml', '--out', 'out'], dir);
    // One rule, one severity, one exit code: the registry's policy-size is high, so synth exits 1 as check does.
    expect(r.status).toBe(exitCode([RULES['policy-size'].severity]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`high policy-size: the key policy is`);
    expect(r.stderr).toContain(`over the KMS limit of 32,768. Fix: ${RULES['policy-size'].fix}`);
    // The failures, then the refusal with its reason; not check's whole report (counts, assumptions).
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'keyshare: refusing to synthesize, nothing was written: check does not prove the rollout: 1 finding that fails the check (policy-size)',
    );
    expect(r.stderr).not.toMatch(/assuming|least privilege/);
    expect(files(path.join(dir, 'out'))).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['many.yaml', 'out']);
  });

  test('refuses to replace a directory that is not synth output', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'keep.txt'), 'mine');
    expectBadInput(keyshare(['synth', '--config', EXAMPLE, '--out', 'src'], dir), /--out/, /not keyshare output/);
    expect(fs.readFileSync(path.join(dir, 'src', 'keep.txt'), 'utf8')).toBe('mine');
  });

  test('a missing option is bad input too', () => {
    expect(keyshare(['synth']).status).toBe(2);
  });
});

describe('keyshare synth: removing a consumer', () => {
  const STACK_B = `stacks/consumer-${CONSUMER_B}/cdk.tf.json`;
  const withoutB = (yaml: string) =>
    yaml
      .split('\n')
      .filter((l) => !l.includes(`account: "${CONSUMER_B}"`))
      .join('\n');
  const read = (dir: string, rel: string) => JSON.parse(fs.readFileSync(path.join(dir, 'out', rel), 'utf8'));
  const ownerPolicy = (dir: string): string =>
    Object.values(read(dir, 'stacks/owner/cdk.tf.json').resource.aws_kms_key as Record<string, { policy: string }>)
      .map((k) => k.policy)
      .join('\n');
  /** What a stack deploys to and where its state is: everything but cdktf's metadata comment. */
  const placement = (stack: { terraform: unknown; provider: unknown }) => ({ terraform: stack.terraform, provider: stack.provider });
  function synth(dir: string, yaml: string, ...flags: string[]) {
    fs.writeFileSync(path.join(dir, 'keyshare.yaml'), yaml);
    return keyshare(['synth', '--config', 'keyshare.yaml', '--out', 'out', ...flags], dir);
  }
  /** What `synth(dir, yaml)` writes, without running it again (support/cli.ts, copyOfSynth). */
  function synthesizedBefore(dir: string, yaml: string) {
    fs.writeFileSync(path.join(dir, 'keyshare.yaml'), yaml);
    copyOfSynth(path.join(dir, 'keyshare.yaml'), path.join(dir, 'out'));
  }

  test('writes a tombstone in its place, keeps the account for its teardown, prints the order, and drops both on --forget', () => {
    const dir = tmp();
    synthesizedBefore(dir, BASE_YAML);
    const before = read(dir, STACK_B);
    const r = synth(dir, withoutB(BASE_YAML));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^keyshare: synthesized 2 stacks into out/stacks: owner, consumer-${CONSUMER_A}; and 1 tombstone: consumer-${CONSUMER_B}\n`),
    );
    const tombstone = read(dir, STACK_B);
    // The same backend (state), provider (account, region, deploy role) and versions; nothing declared.
    expect(placement(tombstone)).toEqual(placement(before));
    expect(Object.keys(tombstone).sort()).toEqual(['//', 'provider', 'terraform']);
    expect(before.resource.aws_kms_grant).toBeDefined();
    // The owner's key policy keeps B for the teardown only; A keeps its statements.
    expect(ownerPolicy(dir)).toContain(
      `"Sid" = "AllowRemovedConsumersTeardown", "Effect" = "Allow", "Principal" = {"AWS" = "arn:aws:iam::${CONSUMER_B}:root"}, "Action" = "kms:ListGrants"`,
    );
    expect(ownerPolicy(dir)).not.toContain(`AllowConsumer${CONSUMER_B}AutoScalingGrant`);
    // The tombstone's apply first, then the owner, then --forget with the config.
    const tombstoneApply = r.stdout.indexOf(
      `terraform -chdir=out/stacks/consumer-${CONSUMER_B} init && terraform -chdir=out/stacks/consumer-${CONSUMER_B} apply`,
    );
    const ownerDeploy = r.stdout.indexOf('KEYSHARE_CONFIG=keyshare.yaml npx cdktf deploy --output out owner');
    const forget = r.stdout.indexOf(`keyshare synth --config keyshare.yaml --out out --forget ${CONSUMER_B}`);
    expect(tombstoneApply).toBeGreaterThan(0);
    expect(ownerDeploy).toBeGreaterThan(tombstoneApply);
    expect(forget).toBeGreaterThan(ownerDeploy);

    // Another synth keeps the tombstone: only --forget drops it.
    expect(synth(dir, withoutB(BASE_YAML)).status).toBe(0);
    expect(read(dir, STACK_B)).toEqual(tombstone);
    // Forgetting an account that is still a consumer, or never had a stack, is refused; nothing changes.
    const unchanged = files(path.join(dir, 'out'));
    expectBadInput(synth(dir, withoutB(BASE_YAML), '--forget', CONSUMER_A), /--forget/, new RegExp(CONSUMER_A), /Fix:/);
    expectBadInput(synth(dir, withoutB(BASE_YAML), '--forget', '123456789012'), /--forget/, /Fix:/);
    expect(files(path.join(dir, 'out'))).toEqual(unchanged);

    const forgotten = synth(dir, withoutB(BASE_YAML), '--forget', CONSUMER_B);
    expect(forgotten.status).toBe(0);
    expect(forgotten.stdout).toContain(`forgotten: the tombstone stack of ${CONSUMER_B}`);
    expect(fs.existsSync(path.join(dir, 'out', STACK_B))).toBe(false);
    expect(ownerPolicy(dir)).not.toContain(CONSUMER_B);
    expect(ownerPolicy(dir)).toContain(CONSUMER_A);
  });

  test('the tombstone keeps the state where the removed stack kept it, though the config moved the backend', () => {
    const dir = tmp();
    const backend = (prefix: string) => `backend: { s3: { bucket: states, region: us-east-1, keyPrefix: ${prefix} } }\n`;
    expect(synth(dir, BASE_YAML + backend('old')).status).toBe(0);
    expect(synth(dir, withoutB(BASE_YAML) + backend('new')).status).toBe(0);
    expect(read(dir, STACK_B).terraform.backend.s3.key).toBe(`old/consumer-${CONSUMER_B}.tfstate`);
    expect(read(dir, `stacks/consumer-${CONSUMER_A}/cdk.tf.json`).terraform.backend.s3.key).toBe(`new/consumer-${CONSUMER_A}.tfstate`);
  });

  test("after --hcl output the tombstone is the same, read from the stack's metadata.json", () => {
    const [json, hcl] = [tmp(), tmp()];
    synthesizedBefore(json, BASE_YAML);
    expect(synth(hcl, BASE_YAML, '--hcl').status).toBe(0);
    for (const dir of [json, hcl]) expect(synth(dir, withoutB(BASE_YAML)).status).toBe(0);
    expect(read(hcl, STACK_B)).toEqual(read(json, STACK_B));
  });
});
