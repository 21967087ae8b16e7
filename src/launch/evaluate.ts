import { authorize } from '../evaluator';
import type { AuthorizationResult, KeyAccessInputs } from '../evaluator/types';
import { LaunchPathTarget, LaunchStep, launchPath } from '../policy/launch-path';

export interface StepOutcome {
  readonly step: LaunchStep;
  /** What the step was decided against. */
  readonly inputs: KeyAccessInputs;
  readonly result: AuthorizationResult;
}

/**
 * Decides every step of one consumer's launch path. IAM policies and SCPs belong to the grant
 * creator, so only its own steps see them (SCPs never restrict service-linked roles); grants are
 * what the service-linked role's steps go through. `check` (on what keyshare emits) and `doctor`
 * (on what a user pastes) both decide the path here.
 */
export function evaluateLaunchPath(target: LaunchPathTarget, available: KeyAccessInputs): StepOutcome[] {
  return launchPath(target).map((step) => {
    const byCreator = step.request.principal === target.grantCreator;
    const inputs: KeyAccessInputs = {
      keyArn: available.keyArn,
      keyPolicy: available.keyPolicy,
      identityPolicies: byCreator ? (available.identityPolicies ?? []) : [],
      grants: step.through === 'grant' ? (available.grants ?? []) : [],
      scps: byCreator ? (available.scps ?? []) : [],
    };
    return { step, inputs, result: authorize(inputs, step.request) };
  });
}
