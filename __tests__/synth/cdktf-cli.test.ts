import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from '@cdktf/hcl2json';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { keyPolicy } from '../../src/policy/key-policy';
import { copyOfSynth, keyshare, ROOT } from '../support/cli';
import { rollout } from '../support/rollouts';
import { evaluateWithTerraform } from '../support/terraform';
import { tempDir } from '../support/temp';

/**
 * cdktf.json makes the cdktf CLI run the same app as `keyshare synth`, and `cdktf synth --hcl`
 * (the exit to plain HCL Terraform, cdktf being deprecated upstream) yields HCL that HashiCorp's
 * parser reads and whose key policy Terraform evaluates to the pure document.
 */
const ORG_EXAMPLE = 'examples/keyshare-org.yaml';
const KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function cdktfSynth(out: string, ...flags: string[]): void {
  cdktfSynthWith({ KEYSHARE_CONFIG: ORG_EXAMPLE }, out, ...flags);
}

/**
 * The project's cdktf CLI, the one `npx cdktf` finds in node_modules/.bin, run with node directly:
 * npx itself cost about 0.45 s of CPU per command.
 */
const CDKTF = path.join(ROOT, 'node_modules/.bin/cdktf');

function cdktfSynthWith(env: Record<string, string>, out: string, ...flags: string[]): void {
  const r = spawnSync(process.execPath, [CDKTF, 'synth', '--output', out, ...flags], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1', CI: '1' },
  });
  expect({ status: r.status, stderr: r.status === 0 ? '' : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, stderr: '' });
}

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

const work = tempDir('keyshare-cdktf-');
const stacks = ['owner', 'consumer-444455556666', 'consumer-777788889999'];

test('npx cdktf synth writes what keyshare synth writes, and either may write over the other', () => {
  const viaCdktf = path.join(work, 'cdktf-json');
  cdktfSynth(viaCdktf);
  copyOfSynth(ORG_EXAMPLE, path.join(work, 'keyshare-json'));
  for (const stack of stacks) {
    const rel = `stacks/${stack}/cdk.tf.json`;
    const [a, b] = [JSON.parse(read(path.join(viaCdktf, rel))), JSON.parse(read(path.join(work, 'keyshare-json', rel)))];
    // Only the relative path of local state differs: each tool puts it beside the directory it was run from.
    delete a.terraform.backend;
    delete b.terraform.backend;
    expect(a).toEqual(b);
  }
  // The same writer, the same manifest: keyshare synth takes over cdktf's output (the next test, the reverse).
  const over = keyshare(['synth', '--config', ORG_EXAMPLE, '--out', viaCdktf]);
  expect(over.stderr).toBe('');
  expect(over.status).toBe(0);
}, 600_000); // two or three cdktf synths, each a few seconds alone and over a minute on a loaded 2-core machine

test('cdktf synth --hcl replaces cdk.tf.json with fmt-clean HCL whose policies evaluate to the pure documents', async () => {
  const hclDir = path.join(work, 'hcl');
  copyOfSynth(ORG_EXAMPLE, hclDir);
  cdktfSynth(hclDir, '--hcl');
  for (const stack of stacks) expect(fs.readdirSync(path.join(hclDir, 'stacks', stack)).sort()).toEqual(['cdk.tf', 'metadata.json']);
  const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', path.join(hclDir, 'stacks')], { encoding: 'utf8' });
  expect(fmt.stdout).toBe('');
  expect(fmt.status).toBe(0);
  const parsed: Record<string, any> = {};
  for (const stack of stacks) parsed[stack] = await parse(`${stack}/cdk.tf`, read(path.join(hclDir, 'stacks', stack, 'cdk.tf')));
  const r = rollout(read(path.join(ROOT, ORG_EXAMPLE)));
  const [key] = Object.values(parsed.owner.resource.aws_kms_key) as any[][];
  const consumerPolicy = (stack: string) => (Object.values(parsed[stack].resource.aws_iam_policy) as any[][])[0][0].policy as string;
  // One Terraform root evaluates the key policy and each consumer's IAM policy.
  const evaluated = evaluateWithTerraform(
    {
      owner: key[0].policy,
      ...Object.fromEntries(stacks.slice(1).map((stack) => [stack, consumerPolicy(stack).replace('data.aws_kms_key.shared-key.arn', 'var.key_arn')])),
    },
    { key_arn: KEY_ARN },
  );
  expect(JSON.parse(evaluated.owner as string)).toEqual(keyPolicy(r));
  for (const stack of stacks.slice(1)) {
    const [grant] = Object.values(parsed[stack].resource.aws_kms_grant) as any[][];
    expect(grant[0].key_id).toBe('${data.aws_kms_key.shared-key.arn}');
    const consumer = r.consumers.find((c) => stack.endsWith(c.account))!;
    const expected = consumerIamPolicy(r.partition, r.owner.region, consumer.account, KEY_ARN, consumer.serviceLinkedRoleSuffix);
    expect(JSON.parse(evaluated[stack] as string)).toEqual(expected);
  }
}, 600_000); // two or three cdktf synths, each a few seconds alone and over a minute on a loaded 2-core machine

test("a removed consumer: cdktf synth writes keyshare synth's tombstone, and KEYSHARE_FORGET is --forget", () => {
  const full = path.join(ROOT, ORG_EXAMPLE);
  const without = path.join(work, 'without-b.yaml');
  const removed = '777788889999';
  // The org example lists B as one consumer entry whose lines follow `- account: "777788889999"`, up to the next entry.
  const lines = read(full).split('\n');
  const start = lines.findIndex((l) => l.includes(`account: "${removed}"`));
  const end = lines.findIndex((l, i) => i > start && /^\s*- account:|^\S/.test(l));
  fs.writeFileSync(without, [...lines.slice(0, start), ...lines.slice(end)].join('\n'));
  const [viaKeyshare, viaCdktf] = [path.join(work, 'removed-keyshare'), path.join(work, 'removed-cdktf')];
  for (const dir of [viaKeyshare, viaCdktf]) copyOfSynth(ORG_EXAMPLE, dir);
  expect(keyshare(['synth', '--config', without, '--out', viaKeyshare]).status).toBe(0);
  cdktfSynthWith({ KEYSHARE_CONFIG: without }, viaCdktf);
  const tombstone = `stacks/consumer-${removed}/cdk.tf.json`;
  const [a, b] = [JSON.parse(read(path.join(viaKeyshare, tombstone))), JSON.parse(read(path.join(viaCdktf, tombstone)))];
  expect(a.resource).toBeUndefined();
  // Only the relative path of local state differs, as above.
  delete a.terraform.backend;
  delete b.terraform.backend;
  expect(b).toEqual(a);
  cdktfSynthWith({ KEYSHARE_CONFIG: without, KEYSHARE_FORGET: removed }, viaCdktf);
  expect(fs.existsSync(path.join(viaCdktf, tombstone))).toBe(false);
}, 600_000);
