import { Fn } from 'cdktf';
import type { PolicyDocument } from '../policy/document';

/**
 * A policy document as a Terraform `jsonencode(...)` expression. Terraform reads `${…}` in any
 * string as its own interpolation; through jsonencode cdktf escapes IAM policy variables such
 * as `${aws:PrincipalAccount}` itself, keeps references to other resources live, and renders
 * valid HCL under `cdktf synth --hcl` (a JSON string holding a reference does not survive that
 * conversion). Terraform sorts object keys in jsonencode; KMS and IAM do not care about order.
 */
export function terraformPolicyString(doc: PolicyDocument): string {
  return Fn.jsonencode(doc);
}
