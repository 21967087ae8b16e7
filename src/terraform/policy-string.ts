import type { PolicyDocument } from '../policy/document';

/**
 * A policy document as the string Terraform sends to AWS, byte for byte what `JSON.stringify`
 * gives. Terraform reads `${…}` and `%{…}` in any string as its own template syntax, so IAM policy
 * variables such as `${aws:PrincipalAccount}` are escaped (`$${…}`) or Terraform would fail on an
 * unknown reference; cdktf tokens (`${TfToken[…]}`, references to other resources) stay live.
 */
export function terraformPolicyString(doc: PolicyDocument): string {
  return JSON.stringify(doc).replace(/([$%])\{(?!TfToken\[)/g, '$1$1{');
}
