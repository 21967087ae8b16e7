import { CheckReport, checkRollout, passed } from '../check/check';
import { FindingsError } from '../errors';
import { Rollout } from '../model/rollout';
import { checkRenderers } from '../render/check';
import { policyBytes } from '../policy/document';
import { keyPolicy } from '../policy/key-policy';

/** What must hold before any Terraform is written: `check` proves the rollout (else: findings). */
export function assertDeployable(rollout: Rollout): { readonly report: CheckReport; readonly keyPolicyBytes: number } {
  const policy = keyPolicy(rollout);
  const report = checkRollout(rollout, policy);
  if (!passed(report)) {
    throw new FindingsError(`${checkRenderers.text(report)}keyshare: refusing to synthesize a rollout that check does not prove; nothing was written`);
  }
  return { report, keyPolicyBytes: policyBytes(policy) };
}
