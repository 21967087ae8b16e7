import { ADMINISTRATION_PROBES, AUTOSCALING_GRANT_OPERATIONS, CREATE_GRANT, kmsAction, STRANGER_PROBES } from '../policy/actions';
import { autoScalingRoleArn, Partition, parseRootArn, roleArn } from '../policy/arns';
import { ALLOW_ALL_KMS_IAM_POLICY } from '../policy/allow-all';
import type { PolicyDocument } from '../policy/document';
import { createGrantContext } from '../policy/grant';
import type { ContextEntry, KmsRequest } from '../policy/kms-api';

/**
 * Least-privilege probes: requests that must be decided as the rollout intends. Denied probes
 * give the caller `kms:*` in its own IAM policy, so only the key policy can stop them.
 */
export interface Probe {
  readonly id: string;
  readonly title: string;
  readonly request: KmsRequest;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly expect: 'Allowed' | 'Denied';
}

/** Not on the launch path, so a consumer may not put it in a grant. */
export const OPERATION_BEYOND_PATH = 'RetireGrant';

export interface ProbeScope {
  readonly partition: Partition;
  readonly keyArn: string;
  readonly owner: string;
}

export function strangerProbes(scope: ProbeScope, stranger: string): Probe[] {
  const principal = roleArn(scope.partition, stranger, 'stranger');
  return [
    ...STRANGER_PROBES.map((op) =>
      denied(`stranger:${op}`, `a stranger account (${stranger}) calls ${kmsAction(op)}`, scope, principal, kmsAction(op)),
    ),
    denied(
      `stranger:CreateGrant`,
      `a stranger account grants its own Auto Scaling role`,
      scope,
      principal,
      CREATE_GRANT,
      createGrantContext(autoScalingRoleArn(scope.partition, stranger)),
    ),
  ];
}

/** A consumer's grant creator, even with kms:* in IAM, grants only its own role, only the path's operations, and administers nothing. */
export function consumerProbes(
  scope: ProbeScope,
  creator: string,
  account: string,
  ownRole: string,
  otherAccount: string,
  accountContext: Readonly<Record<string, ContextEntry>>,
  /** organization.grantee any-account: granting another account's Auto Scaling role is the documented trade-off. */
  otherAccountGrantable = false,
): Probe[] {
  const probe = (id: string, title: string, action: string, context: Record<string, ContextEntry> = {}) =>
    denied(`${account}:${id}`, title, scope, creator, action, { ...accountContext, ...context });
  const grantOtherAccount = probe(
    'grant-other-account',
    `${account} grants the Auto Scaling role of account ${otherAccount}`,
    CREATE_GRANT,
    createGrantContext(autoScalingRoleArn(scope.partition, otherAccount)),
  );
  return [
    probe(
      'grant-other-role',
      `${account} grants a role that is not its Auto Scaling role`,
      CREATE_GRANT,
      createGrantContext(roleArn(scope.partition, account, 'not-autoscaling')),
    ),
    otherAccountGrantable
      ? {
          ...grantOtherAccount,
          title: `${grantOtherAccount.title} (allowed by organization.grantee: any-account, the documented form)`,
          expect: 'Allowed' as const,
        }
      : grantOtherAccount,
    probe(
      'grant-beyond-path',
      `${account} grants ${OPERATION_BEYOND_PATH}, beyond the launch path`,
      CREATE_GRANT,
      createGrantContext(ownRole, [...AUTOSCALING_GRANT_OPERATIONS, OPERATION_BEYOND_PATH]),
    ),
    ...ADMINISTRATION_PROBES.map((op) => probe(`administer:${op}`, `${account} calls ${kmsAction(op)}`, kmsAction(op))),
  ];
}

/** The owner administers: its IAM principals through root delegation, its named administrators directly. */
export function ownerProbes(scope: ProbeScope, administrators: readonly string[]): Probe[] {
  const ownerRole = roleArn(scope.partition, scope.owner, 'owner-admin');
  const adminProbes = administrators
    .filter((a) => parseRootArn(a) === undefined)
    .flatMap((admin) => [
      {
        id: `administrator:${admin}`,
        title: `administrator ${admin} schedules key deletion`,
        request: request(scope, admin, kmsAction('ScheduleKeyDeletion')),
        identityPolicies: [],
        expect: 'Allowed' as const,
      },
      {
        id: `administrator-decrypts:${admin}`,
        title: `administrator ${admin} decrypts`,
        request: request(scope, admin, kmsAction('Decrypt')),
        identityPolicies: [],
        expect: 'Denied' as const,
      },
    ]);
  return [
    {
      id: 'owner-administers',
      title: `an IAM principal of the owner account (${scope.owner}) with kms:* changes the key policy`,
      request: request(scope, ownerRole, kmsAction('PutKeyPolicy')),
      identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY],
      expect: 'Allowed',
    },
    ...adminProbes,
  ];
}

function request(scope: ProbeScope, principal: string, action: string, context: Record<string, ContextEntry> = {}): KmsRequest {
  return { principal, action, resource: scope.keyArn, context };
}

function denied(id: string, title: string, scope: ProbeScope, principal: string, action: string, context: Record<string, ContextEntry> = {}): Probe {
  return { id, title, request: request(scope, principal, action, context), identityPolicies: [ALLOW_ALL_KMS_IAM_POLICY], expect: 'Denied' };
}
