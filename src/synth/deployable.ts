import { checkRollout, tallyRollout } from '../check/check';
import { FindingsError } from '../errors';
import { Rollout } from '../model/rollout';
import { checkRefusalText } from '../render/check';
import { policyBytes } from '../policy/document';
import { keyPolicy } from '../policy/key-policy';

export { rolloutAssumptions } from '../check/check';

export interface Deployable {
  readonly keyPolicyBytes: number;
  /** Launch steps and least-privilege probes that check proved. */
  readonly proven: { readonly steps: number; readonly deploySteps: number; readonly probes: number };
  /** What the proof assumes, said in the summary. */
  readonly assumptions: readonly string[];
}

/**
 * What must hold before any Terraform is written: `check` proves the rollout (else: findings).
 * Only counts are kept: check's full report (about 24 MB at 3,000 consumers) is built only to
 * say what failed.
 */
export function assertDeployable(rollout: Rollout): Deployable {
  const policy = keyPolicy(rollout);
  const tally = tallyRollout(rollout, policy);
  if (!tally.passed) {
    // Only a failure needs the full report, to say what failed.
    const report = checkRollout(rollout, policy);
    throw new FindingsError(
      checkRefusalText(report, 'keyshare: refusing to synthesize, nothing was written: check does not prove the rollout').trimEnd(),
    );
  }
  return {
    keyPolicyBytes: policyBytes(policy),
    proven: { steps: tally.steps, deploySteps: tally.deploySteps, probes: tally.probes },
    assumptions: tally.assumptions,
  };
}
