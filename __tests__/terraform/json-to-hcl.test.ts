import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from '@cdktf/hcl2json';
import { buildApp } from '../../src/stacks/app';
import { terraformJsonToHcl } from '../../src/terraform/json-to-hcl';
import { BASE_YAML, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { requireTerraform } from '../support/terraform';
import { tempDir } from '../support/temp';

/**
 * `synth --hcl` renders each stack's JSON configuration as native syntax itself: every template,
 * escape and reference must mean in HCL what it meant in JSON, and the file must be fmt-clean.
 */

const KEY_ARN = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const S3_AND_KEY = `${BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${KEY_ARN}",`)}
backend: { s3: { bucket: state, region: us-west-2, keyPrefix: ks, roleArn: "arn:aws:iam::${OWNER}:role/state" } }
`;

describe('JSON-syntax strings become the same HCL values', () => {
  const attr = (value: string) =>
    terraformJsonToHcl({ output: { o: { value } } })
      .split('\n')[1]
      .trim();

  test.each([
    ['a literal', 'plain', 'value = "plain"'],
    ['a whole interpolation, as the bare expression', '${data.aws_kms_key.k.arn}', 'value = data.aws_kms_key.k.arn'],
    ['a template', 'arn:${var.p}:x/${var.n}', 'value = "arn:${var.p}:x/${var.n}"'],
    [
      'an escaped literal template sequence (an IAM policy variable)',
      'iam::$${aws:PrincipalAccount}:root',
      'value = "iam::$${aws:PrincipalAccount}:root"',
    ],
    ['quotes and backslashes', 'say "hi" \\ bye', 'value = "say \\"hi\\" \\\\ bye"'],
    ['braces inside a string inside the expression', '${jsonencode({"a" = "}{", "b" = {}})}', 'value = jsonencode({ "a" = "}{", "b" = {} })'],
  ])('%s', (_what, json, hcl) => expect(attr(json)).toBe(hcl));

  test('a template directive is refused rather than guessed', () => {
    expect(() => attr('%{if true}x%{endif}')).toThrow(/template directives/);
  });
});

describe('synthesized stacks as HCL', () => {
  beforeAll(() => requireTerraform('terraform fmt -check judges the HCL synth writes'));

  test.each([
    ['listed consumers', BASE_YAML],
    ['organization mode', ORG_YAML],
    ['an existing key and an S3 backend', S3_AND_KEY],
  ])('%s: fmt-clean, and parsed back it holds what cdk.tf.json holds', async (_what, yaml) => {
    const dir = tempDir('keyshare-hcl-');
    const [jsonDir, hclDir] = [path.join(dir, 'json'), path.join(dir, 'hcl')];
    buildApp(rollout(yaml), jsonDir).synth();
    buildApp(rollout(yaml), hclDir, { hcl: true }).synth();
    const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', path.join(hclDir, 'stacks')], { encoding: 'utf8' });
    expect(fmt.stdout).toBe('');
    expect(fmt.status).toBe(0);
    for (const stack of fs.readdirSync(path.join(jsonDir, 'stacks'))) {
      const json = JSON.parse(fs.readFileSync(path.join(jsonDir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const hcl = await parse('cdk.tf', fs.readFileSync(path.join(hclDir, 'stacks', stack, 'cdk.tf'), 'utf8'));
      // Every resource and data source, by type and name, with the same attributes.
      for (const kind of ['resource', 'data'] as const) {
        for (const [type, named] of Object.entries<Record<string, Record<string, unknown>>>(json[kind] ?? {})) {
          for (const [name, body] of Object.entries(named)) {
            const parsed = hcl[kind][type][name][0] as Record<string, unknown>;
            expect(Object.keys(parsed).sort()).toEqual(
              Object.keys(body)
                .filter((k) => k !== '//')
                .sort(),
            );
            for (const [k, v] of Object.entries(body)) {
              if (typeof v === 'string' && !v.includes('${')) expect(parsed[k]).toBe(v);
            }
          }
        }
      }
      expect(hcl.terraform[0].required_version).toBe(json.terraform.required_version);
      expect(hcl.terraform[0].required_providers[0].aws.version).toBe(json.terraform.required_providers.aws.version);
      const [type] = Object.keys(json.terraform.backend);
      expect(hcl.terraform[0].backend[type][0]).toEqual(json.terraform.backend[type]);
      expect(hcl.provider.aws[0].allowed_account_ids).toEqual(json.provider.aws[0].allowed_account_ids);
      if (json.provider.aws[0].assume_role) expect(hcl.provider.aws[0].assume_role[0].role_arn).toBe(json.provider.aws[0].assume_role[0].role_arn);
    }
  });
});
