import { CREATE_GRANT, DESCRIBE_KEY, KEY_USE_ACTIONS, LIST_GRANTS, RETIRE_GRANT } from './actions';
import { autoScalingRoleArn, Partition } from './arns';
import { GRANT_IS_FOR_AWS_RESOURCE, VIA_SERVICE } from './conditions';
import { PolicyDocument, policyDocument } from './document';
import { autoScalingGrantConditions } from './key-policy';

export const CONSUMER_SID = {
  describe: 'DescribeSharedKey',
  createGrant: 'CreateAutoScalingGrantOnSharedKey',
  useThroughEc2: 'UseSharedKeyThroughEc2',
  attachThroughEc2: 'AttachSharedKeyThroughEc2',
  retireGrant: 'RetireAutoScalingGrantOnSharedKey',
  listGrants: 'ListGrantsOnSharedKey',
} as const;

/** Default name of the consumer IAM policy below, in the cdktf construct and the Terraform module alike. */
export const CONSUMER_POLICY_NAME = 'keyshare-shared-ami-key';

/**
 * Name of the consumer IAM policy: per key alias in the stacks keyshare synthesizes (unique per account
 * and key), else the default. `doctor`'s printed put-role-policy command uses the default too.
 */
export function consumerIamPolicyName(alias?: string): string {
  return alias === undefined ? CONSUMER_POLICY_NAME : `keyshare-${alias.replace(/\//g, '-')}`;
}

export function ec2Service(region: string): string {
  return `ec2.${region}.amazonaws.com`;
}

/**
 * IAM policy for principals in a consumer account. A cross-account KMS call needs the caller's
 * own IAM policy as well as the key policy (KMS developer guide, "Allowing users in other accounts
 * to use a KMS key"). It lets a grant creator (the Terraform deploy role) give the Auto Scaling
 * role its grant with exactly the key policy's scope, and lets people who launch instances
 * themselves use the key, but only through EC2 in the key's region.
 */
export function consumerIamPolicy(partition: Partition, region: string, account: string, keyArn: string, suffix?: string): PolicyDocument {
  const viaEc2 = { StringEquals: { [VIA_SERVICE]: ec2Service(region) } };
  return policyDocument([
    // Direct, not via EC2: Terraform and Auto Scaling's console validation describe the key.
    { Sid: CONSUMER_SID.describe, Effect: 'Allow', Action: DESCRIBE_KEY, Resource: keyArn },
    {
      Sid: CONSUMER_SID.createGrant,
      Effect: 'Allow',
      Action: CREATE_GRANT,
      Resource: keyArn,
      Condition: autoScalingGrantConditions([autoScalingRoleArn(partition, account, suffix)]),
    },
    {
      Sid: CONSUMER_SID.useThroughEc2,
      Effect: 'Allow',
      Action: [...KEY_USE_ACTIONS],
      Resource: keyArn,
      Condition: viaEc2,
    },
    {
      Sid: CONSUMER_SID.attachThroughEc2,
      Effect: 'Allow',
      Action: CREATE_GRANT,
      Resource: keyArn,
      Condition: { ...viaEc2, Bool: { [GRANT_IS_FOR_AWS_RESOURCE]: true } },
    },
    // Destroying the consumer stack retires the grant. A key policy cannot allow that ("The
    // kms:RetireGrant permission is not effective in a key policy"); the account that created the
    // grant may retire it, through a principal its IAM policy allows kms:RetireGrant (KMS developer
    // guide, "Retiring and revoking grants", https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html).
    { Sid: CONSUMER_SID.retireGrant, Effect: 'Allow', Action: RETIRE_GRANT, Resource: keyArn },
    // Terraform reads the grant back with ListGrants after creating it, on every refresh and after
    // retiring it; the key policy allows it too (actions.ts, LIST_GRANTS).
    { Sid: CONSUMER_SID.listGrants, Effect: 'Allow', Action: LIST_GRANTS, Resource: keyArn },
  ]);
}
