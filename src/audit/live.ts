import type { DoctorTarget } from '../doctor/diagnose';
import type { KeyAccessFlags, LoadedKeyAccess } from '../inputs/key-access';
import type { Consumer, Rollout } from '../model/rollout';
import { apiAction } from '../policy/actions';
import { parseKmsArn } from '../policy/arns';
import { PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS } from '../policy/conditions';
import type { ContextValue } from '../policy/kms-api';
import type { AccountState, Snapshot } from './snapshot';

/** What `doctor` takes, from the live state of one account: the four documents, where each came from, and the account's context. */
export interface LiveDoctorInputs {
  readonly loaded: LoadedKeyAccess;
  readonly flags: KeyAccessFlags;
  readonly target: DoctorTarget;
}

/**
 * The snapshot as doctor's inputs for one consumer: the live key policy and grants (from the owner),
 * the grant creator's IAM policies and the SCPs along the account's path. `aws:PrincipalOrgID` and
 * `aws:PrincipalOrgPaths` come from the path ListParents walked, facts only the caller knew before.
 */
export function liveDoctorInputs(
  snapshot: Snapshot,
  rollout: Rollout,
  consumer: Consumer,
  state: AccountState | undefined,
): LiveDoctorInputs | undefined {
  const { keyArn, keyPolicy } = snapshot.owner;
  if (!keyArn || !keyPolicy) return undefined;
  const orgId = snapshot.organization?.id ?? rollout.organization?.id;
  const context: Record<string, ContextValue> = {
    ...(orgId && state?.orgPath && { [PRINCIPAL_ORG_ID]: orgId }),
    ...(state?.orgPath && { [PRINCIPAL_ORG_PATHS]: [state.orgPath] }),
  };
  const failed = [...snapshot.owner.failures, ...(state?.failures ?? []), ...(state?.unreachable ? [state.unreachable] : [])];
  return {
    loaded: {
      keyArn: { arn: keyArn, source: 'flag' },
      keyPolicy,
      identityPolicies: state?.identityPolicies ?? [],
      grants: snapshot.owner.grants ?? [],
      scps: state?.scps ?? [],
      // The RCPs along the key owner's path bound the key (Organizations User Guide, "Resource control
      // policies (RCPs)"); the evaluator exempts the management account's resources, service-linked
      // roles and RetireGrant.
      rcps: snapshot.owner.rcps ?? [],
      keyInManagementAccount: snapshot.organization !== undefined && snapshot.organization.managementAccount === snapshot.owner.account,
      notes: failed.map((f) => `${f.action} on ${f.target} failed (${f.error}): what it reads counts as none`),
    },
    flags: {
      keyPolicy: `${apiAction('kms', 'GetKeyPolicy')} ${keyArn}`,
      iamPolicy:
        state?.identityPolicies && state.grantCreator
          ? [`the policies of ${state.grantCreator} (${apiAction('iam', 'GetPolicyVersion')}, ${apiAction('iam', 'GetRolePolicy')})`]
          : [],
      grants: `${apiAction('kms', 'ListGrants')} ${keyArn}`,
      scp: state?.scps && state.orgPath ? [`the SCPs along ${state.orgPath} (${apiAction('organizations', 'DescribePolicy')})`] : [],
      rcp: snapshot.owner.rcps ? [`the RCPs along the key owner's path (${apiAction('organizations', 'DescribePolicy')})`] : [],
    },
    target: { consumer: consumer.account, serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix, grantCreator: state?.grantCreator, context },
  };
}

/** The rollout `doctor --live` collects: one key (by ARN), one consumer, no AMIs. */
export function doctorRollout(keyArn: string, consumer: { account: string; serviceLinkedRoleSuffix?: string; grantCreator?: string }): Rollout {
  const key = parseKmsArn(keyArn)!;
  return {
    partition: key.partition,
    owner: { account: key.account, region: key.region },
    key: { alias: '', administrators: [], arn: keyArn },
    amis: [],
    consumers: [
      {
        account: consumer.account,
        sameAccount: consumer.account === key.account,
        ...(consumer.serviceLinkedRoleSuffix && { serviceLinkedRoleSuffix: consumer.serviceLinkedRoleSuffix }),
        ...(consumer.grantCreator && { deployRoleArn: consumer.grantCreator }),
        createServiceLinkedRole: false,
        attachPolicyToRoles: [],
      },
    ],
  };
}
