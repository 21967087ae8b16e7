import { AUTOSCALING_GRANT_OPERATIONS, CREATE_GRANT, KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from '../../src/policy/actions';
import { autoScalingGrant } from '../../src/policy/grant';
import { keyPolicy, SID } from '../../src/policy/key-policy';
import { CONSUMER_A, rollout } from '../support/rollouts';

/**
 * The action lists, pinned to the AWS pages they come from. Each literal below is copied from the
 * page cited, not computed from the constants, so changing a constant means showing the page that
 * supports the change.
 */

/**
 * EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes",
 * "Example 2: Key policy sections that allow cross-account access to the customer managed key":
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
const CROSS_ACCOUNT_USE_STATEMENT = `{
   "Sid": "Allow use of the key",
   "Effect": "Allow",
   "Principal": {
       "AWS": [
           "arn:aws:iam::111122223333:root"
       ]
   },
   "Action": [
       "kms:Encrypt",
       "kms:Decrypt",
       "kms:ReEncrypt*",
       "kms:GenerateDataKey*",
       "kms:DescribeKey"
   ],
   "Resource": "*"
}`;
const CROSS_ACCOUNT_GRANT_STATEMENT = `{
   "Sid": "Allow attachment of persistent resources",
   "Effect": "Allow",
   "Principal": {
       "AWS": [
           "arn:aws:iam::111122223333:root"
       ]
   },
   "Action": [
       "kms:CreateGrant"
   ],
   "Resource": "*"
}`;
/** Same page, the grant created from the external account. */
const CREATE_GRANT_COMMAND = `aws kms create-grant \\
--region us-west-2 \\
--key-id arn:aws:kms:us-west-2:444455556666:key/1a2b3c4d-5e6f-1a2b-3c4d-5e6f1a2b3c4d \\
--grantee-principal arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling \\
--operations "Encrypt" "Decrypt" "ReEncryptFrom" "ReEncryptTo" "GenerateDataKey" "GenerateDataKeyWithoutPlaintext" "DescribeKey" "CreateGrant"`;

/**
 * KMS Developer Guide, "Default key policy", "Allows key administrators to administer the KMS key":
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 */
const DEFAULT_KEY_ADMINISTRATORS_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

function operationsOf(command: string): string[] {
  const flag = /--operations ((?:"\w+" ?)+)/.exec(command);
  if (!flag) throw new Error('no --operations in the command');
  return [...flag[1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
}

describe('action lists, as the AWS pages print them', () => {
  test('what a consumer account may use the key for: the Auto Scaling guide\'s cross-account "Allow use of the key"', () => {
    expect(KEY_USE_ACTIONS).toEqual(JSON.parse(CROSS_ACCOUNT_USE_STATEMENT).Action);
  });

  test('the action a consumer account delegates with: the same page\'s "Allow attachment of persistent resources"', () => {
    expect([CREATE_GRANT]).toEqual(JSON.parse(CROSS_ACCOUNT_GRANT_STATEMENT).Action);
  });

  test("the Auto Scaling role's grant operations: the same page's create-grant command", () => {
    expect(AUTOSCALING_GRANT_OPERATIONS).toEqual(operationsOf(CREATE_GRANT_COMMAND));
  });

  test('key administration: the KMS default key administrators statement, with kms:Create* narrowed to kms:CreateAlias (it would match kms:CreateGrant)', () => {
    expect(KEY_ADMIN_ACTIONS).toEqual(DEFAULT_KEY_ADMINISTRATORS_ACTIONS.map((a) => (a === 'kms:Create*' ? 'kms:CreateAlias' : a)));
  });
});

describe('what keyshare emits carries those lists', () => {
  const r = rollout();

  test('the key policy lets consumers use the key exactly as the page does, and create grants', () => {
    const statements = keyPolicy(r).Statement;
    // The page's actions, and ListGrants, which Terraform's aws_kms_grant calls (policy/actions.ts, LIST_GRANTS).
    expect(statements.find((s) => s.Sid === SID.consumerUse)?.Action).toEqual([...JSON.parse(CROSS_ACCOUNT_USE_STATEMENT).Action, 'kms:ListGrants']);
    expect(statements.find((s) => s.Sid === SID.consumerGrant(CONSUMER_A))?.Action).toEqual(CREATE_GRANT);
  });

  test("the consumer's grant has the page's operations", () => {
    expect(autoScalingGrant('aws', 'arn:aws:kms:us-west-2:111122223333:key/k', CONSUMER_A).Operations).toEqual(operationsOf(CREATE_GRANT_COMMAND));
  });
});
