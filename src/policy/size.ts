import { KEY_POLICY_MAX_BYTES, PolicyDocument, policyBytes } from './document';

/** The fix for an oversized key policy; `check`'s lint and synth's refusal both say it. */
export const KEY_POLICY_SIZE_FIX =
  'set `organization` (id, arn, optionally ouPaths): the key policy then names the organization with aws:PrincipalOrgID, whatever the number of accounts';

export function keyPolicyOverflow(doc: PolicyDocument): number | undefined {
  const bytes = policyBytes(doc);
  return bytes > KEY_POLICY_MAX_BYTES ? bytes : undefined;
}
