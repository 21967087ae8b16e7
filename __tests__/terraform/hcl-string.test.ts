import fc from 'fast-check';
import { hclString } from '../../src/terraform/hcl';
import { applyRoot } from '../support/terraform-cli';
import { requireTerraform } from '../support/terraform';

/**
 * hclString must give back, through real Terraform, exactly the text it quoted: template sequences
 * (`${`, `%{`), escapes, control characters and any Unicode. One root holds every sample.
 */

const TRICKY = [
  '${aws:PrincipalAccount}',
  'arn:aws:iam::${aws:PrincipalAccount}:role/x',
  '%{ if true }x%{ endif }',
  '$${already}',
  '$$',
  '$',
  '%',
  '"quoted" \\ back\\slash',
  'line\nbreak\r\ttab',
  '\u0000\u0001\u001f\u007f',
  'ünïcødé ✓ 🚀',
  '',
];

describe('hclString in real Terraform', () => {
  beforeAll(() => requireTerraform());

  it('round-trips every string', async () => {
    const samples = [...TRICKY, ...fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { seed: 10, numRuns: 200 })];
    const tf = samples.map((s, i) => `output "s${i}" {\n  value = ${hclString(s)}\n}\n`).join('');
    const out = (await applyRoot({ 'main.tf': tf })) as Record<string, string>;
    // HCL normalizes string literals to Unicode NFC (HCL native syntax specification, "Template Expressions").
    samples.forEach((s, i) => expect({ i, value: out[`s${i}`] }).toEqual({ i, value: s.normalize('NFC') }));
  });
});
