import { authorizeKnowing, type KeyAccessInputs, type Verdict } from '../evaluator';
import { autoScalingRoleArn, type Partition } from '../policy/arns';
import { DEPLOY_PHASES, deployPathOf, permissionOf, type DeployCall, type DeployPhase } from '../policy/deploy-path';
import type { PolicyDocument } from '../policy/document';
import { createGrantContext } from '../policy/grant';
import type { ContextEntry, Grant, KmsRequest } from '../policy/kms-api';

/** One call of a deploy path, as check reports it: named for the resource type, the phase and the call. */
export interface DeployStep extends Verdict {
  /** `permission`: the IAM action the call needs (`kms:ListGrants`). */
  readonly step: { readonly id: string; readonly title: string; readonly permission: string };
}

export interface DeployProof {
  /** The stack, e.g. `owner` or `consumer-444455556666`. */
  readonly stack: string;
  readonly account: string;
  /** The deploy role Terraform runs as in that account. */
  readonly role: string;
  readonly steps: readonly DeployStep[];
}

export interface DeployTarget {
  readonly stack: string;
  readonly account: string;
  readonly role: string;
  /** The types the stack emits (src/policy/deploy-path.ts, stackTypes). */
  readonly types: readonly string[];
  /** The phases Terraform runs them through: a tombstone only refreshes and destroys (TEARDOWN_PHASES). @default every phase */
  readonly phases?: readonly DeployPhase[];
  readonly partition: Partition;
  readonly keyArn: string;
  readonly keyPolicy: PolicyDocument;
  /** What the role's own IAM policies allow: the consumer IAM policy, or the owner's deploy-role policy. */
  readonly identityPolicies: readonly PolicyDocument[];
  /** The grants on the key the stack's calls may rest on (RetireGrant: the grant decides). */
  readonly grants: readonly Grant[];
  /** Auto Scaling role suffix, for the CreateGrant request the grant resource makes. */
  readonly serviceLinkedRoleSuffix?: string;
  /** Facts every request of the account carries (organization membership). */
  readonly accountContext?: Readonly<Record<string, ContextEntry>>;
  /** What else bounds the role's calls, where known (SCPs, RCPs, a permissions boundary: doctor's inputs). */
  readonly bounds?: Omit<KeyAccessInputs, 'keyArn' | 'keyPolicy' | 'identityPolicies' | 'grants'>;
}

/**
 * The KMS calls of a stack's deploy path that the evaluator can decide: those on the shared key
 * from another account (the key policy and the caller's IAM policy must both allow them), and the
 * owner's on its own key (the key policy must keep delegating to the owner's IAM policies). IAM,
 * EC2 and STS calls on the account's own resources are decided by the deploy role's IAM policy
 * alone, which keyshare does not write: the README lists them, from the same model.
 */
export function proveDeployPath(t: DeployTarget): DeployProof {
  const inputs: KeyAccessInputs = {
    ...t.bounds,
    keyArn: t.keyArn,
    keyPolicy: t.keyPolicy,
    identityPolicies: [...t.identityPolicies],
    grants: [...t.grants],
  };
  const decided = new Map<string, Verdict>();
  const steps: DeployStep[] = [];
  for (const type of t.types) {
    const entry = deployPathOf(type);
    for (const phase of t.phases ?? DEPLOY_PHASES) {
      for (const call of entry?.phases[phase] ?? []) {
        if (call.service !== 'kms' || IAM_POLICY_ONLY.has(call.action) || (call.on === 'own' && !ownsKeyCalls(type))) continue;
        const action = permissionOf(call);
        // Every context key of these requests is given: none is left unknown.
        if (!decided.has(action))
          decided.set(
            action,
            authorizeKnowing(inputs, request(t, call), () => false),
          );
        steps.push({
          step: { id: deployStepId(type, phase, call), title: deployStepTitle(t, type, phase, call), permission: action },
          ...decided.get(action)!,
        });
      }
    }
  }
  return { stack: t.stack, account: t.account, role: t.role, steps };
}

/**
 * KMS calls no key policy takes part in: "Required permissions: kms:CreateKey (IAM policy)",
 * "kms:ListAliases (IAM policy)" (KMS API reference, CreateKey, ListAliases).
 */
const IAM_POLICY_ONLY = new Set(['CreateKey', 'ListAliases']);

/** KMS calls on a key the stack itself holds (the owner's key, or its policy). */
function ownsKeyCalls(type: string): boolean {
  return type === 'aws_kms_key' || type === 'aws_kms_key_policy' || type === 'aws_kms_alias';
}

export function deployStepId(type: string, phase: DeployPhase, call: DeployCall): string {
  return `deploy:${type}:${phase}:${permissionOf(call)}`;
}

function deployStepTitle(t: DeployTarget, type: string, phase: DeployPhase, call: DeployCall): string {
  const where = call.on === 'shared-key' ? "the owner's key, across accounts (key policy and IAM policy)" : 'its own key (key policy and IAM policy)';
  return `Terraform's ${type} ${phase}: ${t.role} calls ${permissionOf(call)} on ${where}`;
}

function request(t: DeployTarget, call: DeployCall): KmsRequest {
  const action = permissionOf(call);
  const context =
    call.action === 'CreateGrant'
      ? { ...t.accountContext, ...createGrantContext(autoScalingRoleArn(t.partition, t.account, t.serviceLinkedRoleSuffix)) }
      : { ...t.accountContext };
  return { principal: t.role, action, resource: t.keyArn, context };
}
