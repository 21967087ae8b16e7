import { KEY_POLICY_MAX_BYTES, PolicyDocument, policyBytes } from './document';
import { InputError } from '../errors';

/** The fix for an oversized key policy; `check`'s lint and synth's refusal both say it. */
export const KEY_POLICY_SIZE_FIX =
  'set `organization` (id, arn, optionally ouPaths): the key policy then names the organization with aws:PrincipalOrgID, whatever the number of accounts';

export function keyPolicyOverflow(doc: PolicyDocument): number | undefined {
  const bytes = policyBytes(doc);
  return bytes > KEY_POLICY_MAX_BYTES ? bytes : undefined;
}

/** KMS rejects PutKeyPolicy over the quota at apply time; refuse it at synth time instead. */
export function assertKeyPolicyFits(doc: PolicyDocument, consumerCount: number): void {
  const bytes = keyPolicyOverflow(doc);
  if (bytes !== undefined) {
    throw new InputError(
      'consumers',
      `${consumerCount} accounts`,
      `the key policy would be ${bytes} bytes, over the KMS limit of ${KEY_POLICY_MAX_BYTES}`,
      KEY_POLICY_SIZE_FIX,
    );
  }
}
