import { InputError } from '../errors';
import type { Rollout } from '../model/rollout';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { keyPolicy } from '../policy/key-policy';
import { KEY_POLICY_SIZE_FIX, keyPolicyOverflow } from '../policy/size';

/** KMS rejects PutKeyPolicy over the quota at apply time; the config is refused at load time instead. */
export function assertKeyPolicyFits(rollout: Rollout): void {
  const bytes = keyPolicyOverflow(keyPolicy(rollout));
  if (bytes !== undefined) {
    throw new InputError(
      'consumers',
      `${rollout.consumers.length} accounts`,
      `the key policy would be ${bytes} bytes, over the KMS limit of ${KEY_POLICY_MAX_BYTES}`,
      KEY_POLICY_SIZE_FIX,
    );
  }
}
