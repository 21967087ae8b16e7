import { ALL_KMS_ACTIONS } from './actions';
import { PolicyDocument, policyDocument } from './document';

/**
 * Stand-ins that allow every KMS action, so that one policy layer at a time can be judged: `check`'s
 * least-privilege probes give the caller this IAM policy, so only the key policy can deny them, and
 * `doctor` and `review` hold one layer open to see which other layer decides.
 */
export const ALLOW_ALL_KMS_IAM_POLICY: PolicyDocument = policyDocument([{ Effect: 'Allow', Action: ALL_KMS_ACTIONS, Resource: '*' }]);

export const ALLOW_ALL_KMS_KEY_POLICY: PolicyDocument = policyDocument([
  { Effect: 'Allow', Principal: { AWS: '*' }, Action: ALL_KMS_ACTIONS, Resource: '*' },
]);
