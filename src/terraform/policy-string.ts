import { Fn, Token } from 'cdktf';
import type { PolicyDocument } from '../policy/document';

/**
 * A policy document as a Terraform expression that evaluates to its JSON. Terraform reads `${…}`
 * in any string as its own interpolation, and cdktf's `synth --hcl` mangles a JSON string that
 * holds a reference, so:
 * - a document with no references is `jsonencode(...)`: cdktf escapes IAM policy variables such
 *   as `${aws:PrincipalAccount}` inside it, and it renders as valid HCL;
 * - a document that names other resources (a key ARN known only at apply time) is built around
 *   placeholders and becomes `replace(replace("<json>", p1, ref1), p2, ref2)`: one string literal
 *   instead of a jsonencode tree, which made synth four times slower at 1,000 consumers.
 */
export function terraformPolicyString(doc: PolicyDocument, references: Readonly<Record<string, string>> = {}): string {
  const placeholders = Object.keys(references);
  if (placeholders.length === 0) return Fn.jsonencode(doc);
  const json = JSON.stringify(doc);
  if (/[$%]\{/.test(json)) throw new Error('a policy with references must not contain template sequences');
  return placeholders.reduce((expr, p) => Token.asString(Fn.replace(expr, p, references[p])), Fn.rawString(json));
}
