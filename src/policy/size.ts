import { IAM_MANAGED_POLICY_MAX_CHARS, iamPolicyChars, KEY_POLICY_MAX_BYTES, PolicyDocument, policyBytes } from './document';

/** Bytes of a key policy over the KMS quota (rule `policy-size` in rules.ts), or undefined when it fits. */
export function keyPolicyOverflow(doc: PolicyDocument): number | undefined {
  const bytes = policyBytes(doc);
  return bytes > KEY_POLICY_MAX_BYTES ? bytes : undefined;
}

/** Over 80% of the quota (rule `policy-size-near-limit`): a few more listed accounts and it no longer fits. */
export function keyPolicyNearLimit(doc: PolicyDocument): boolean {
  return policyBytes(doc) > KEY_POLICY_MAX_BYTES * 0.8;
}

/** Characters of a managed IAM policy over IAM's quota (rule `iam-policy-size` in rules.ts), or undefined when it fits. */
export function iamPolicyOverflow(doc: PolicyDocument): number | undefined {
  const chars = iamPolicyChars(doc);
  return chars > IAM_MANAGED_POLICY_MAX_CHARS ? chars : undefined;
}
