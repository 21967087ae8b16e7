import {
  AUTOSCALING_GRANT_OPERATIONS,
  AUTOSCALING_LAUNCH_OPERATIONS,
  CREATE_GRANT,
  EBS_VOLUME_GRANT_OPERATIONS,
  kmsAction,
} from './actions';
import { autoScalingRoleArn, Partition } from './arns';
import { GRANTEE_PRINCIPAL, GRANT_IS_FOR_AWS_RESOURCE, GRANT_OPERATIONS, VIA_SERVICE } from './conditions';
import { ec2Service } from './consumer-policy';
import type { ContextValue, KmsRequest } from '../evaluator/types';

/** Where a consumer's launch needs the key, as requests the evaluator must find allowed. */
export interface LaunchStep {
  /** Stable ID: `create-grant`, `use-through-grant:<Operation>`, `child-grant`, `same-account:<action>`. */
  readonly id: string;
  readonly title: string;
  readonly request: KmsRequest;
  /** What must allow it: the policies (key policy, and IAM across accounts), or the consumer's grant. */
  readonly through: 'policies' | 'grant';
}

/** Role name of the grant creator when none is known: doctor without --grant-creator, check without deployRoleArn. */
export const STAND_IN_GRANT_CREATOR_ROLE = 'grant-creator';

export interface LaunchPathTarget {
  readonly partition: Partition;
  readonly keyArn: string;
  /** The key's region; EC2 calls KMS there. */
  readonly region: string;
  readonly account: string;
  readonly serviceLinkedRoleSuffix?: string;
  /** Who creates the grant in the consumer account. */
  readonly grantCreator: string;
  readonly sameAccount: boolean;
  /** Context every request of this account carries, such as `aws:PrincipalOrgID`. @default none */
  readonly accountContext?: Readonly<Record<string, ContextValue>>;
}

/**
 * The launch path (ARCHITECTURE.md): cross-account, 1. the grant creator's CreateGrant, 2. the
 * service-linked role's use through its grant, 3. EC2's child grant for the volume. Same account:
 * the role's use and attachment through the key policy directly.
 */
export function launchPath(t: LaunchPathTarget): LaunchStep[] {
  return stepsOf(t).map((s) => (t.accountContext ? { ...s, request: { ...s.request, context: { ...t.accountContext, ...s.request.context } } } : s));
}

function stepsOf(t: LaunchPathTarget): LaunchStep[] {
  const role = autoScalingRoleArn(t.partition, t.account, t.serviceLinkedRoleSuffix);
  const viaEc2 = { [VIA_SERVICE]: ec2Service(t.region) };
  if (t.sameAccount) {
    return [
      ...AUTOSCALING_LAUNCH_OPERATIONS.filter((op) => op !== 'CreateGrant').map((op) => ({
        id: `same-account:${op}`,
        title: `${role} calls ${kmsAction(op)} (key policy)`,
        request: { principal: role, action: kmsAction(op), resource: t.keyArn, context: viaEc2 },
        through: 'policies' as const,
      })),
      {
        id: 'same-account:CreateGrant',
        title: `EC2 creates a grant for the volume on behalf of ${role}`,
        request: { principal: role, action: CREATE_GRANT, resource: t.keyArn, context: { ...viaEc2, [GRANT_IS_FOR_AWS_RESOURCE]: true } },
        through: 'policies',
      },
    ];
  }
  return [
    {
      id: 'create-grant',
      title: `${t.grantCreator} creates the grant for ${role}`,
      request: {
        principal: t.grantCreator,
        action: CREATE_GRANT,
        resource: t.keyArn,
        context: {
          [GRANTEE_PRINCIPAL]: role,
          [GRANT_OPERATIONS]: [...AUTOSCALING_GRANT_OPERATIONS],
          [GRANT_IS_FOR_AWS_RESOURCE]: false,
        },
      },
      through: 'policies',
    },
    ...AUTOSCALING_LAUNCH_OPERATIONS.filter((op) => op !== 'CreateGrant').map((op) => ({
      id: `use-through-grant:${op}`,
      title: `${role} calls ${kmsAction(op)} through its grant`,
      request: { principal: role, action: kmsAction(op), resource: t.keyArn, context: viaEc2 },
      through: 'grant' as const,
    })),
    {
      id: 'child-grant',
      title: `EC2 creates the volume's child grant through ${role}'s grant`,
      request: {
        principal: role,
        action: CREATE_GRANT,
        resource: t.keyArn,
        context: {
          ...viaEc2,
          [GRANTEE_PRINCIPAL]: role,
          [GRANT_OPERATIONS]: [...EBS_VOLUME_GRANT_OPERATIONS],
          [GRANT_IS_FOR_AWS_RESOURCE]: true,
        },
      },
      through: 'grant',
    },
  ];
}
