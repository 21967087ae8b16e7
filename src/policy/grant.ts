import { AUTOSCALING_GRANT_OPERATIONS } from './actions';
import { GRANTEE_PRINCIPAL, GRANT_IS_FOR_AWS_RESOURCE, GRANT_OPERATIONS } from './conditions';
import type { ContextValue, Grant } from './kms-api';
import { autoScalingRoleArn, Partition } from './arns';

/**
 * The request context of a CreateGrant (KMS developer guide, "AWS KMS condition keys"): the grantee
 * and operations of the grant being created, and whether an AWS service creates it for a resource
 * (`kms:GrantIsForAWSResource`: false when a principal calls CreateGrant itself). The launch path,
 * `check`'s probes and `review` build every CreateGrant request with it.
 */
export function createGrantContext(
  grantee: string,
  operations: readonly string[] = AUTOSCALING_GRANT_OPERATIONS,
  forAwsResource = false,
): Record<string, ContextValue> {
  return { [GRANTEE_PRINCIPAL]: grantee, [GRANT_OPERATIONS]: [...operations], [GRANT_IS_FOR_AWS_RESOURCE]: forAwsResource };
}

/** Name of the grant keyshare creates; lets `review` and people listing grants recognize it. */
export const AUTOSCALING_GRANT_NAME = 'keyshare-autoscaling';

/**
 * The grant a consumer account creates for its own Auto Scaling service-linked role.
 * `KeyId` must be the full key ARN: KMS accepts nothing shorter for a key in another account
 * (KMS API reference, CreateGrant, KeyId).
 */
export function autoScalingGrant(partition: Partition, keyArn: string, account: string, suffix?: string): Grant {
  return {
    Name: AUTOSCALING_GRANT_NAME,
    KeyId: keyArn,
    GranteePrincipal: autoScalingRoleArn(partition, account, suffix),
    Operations: [...AUTOSCALING_GRANT_OPERATIONS],
  };
}
