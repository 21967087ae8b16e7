/**
 * Values copied from AWS pages: the tests' own expectations, never computed from src/, so a
 * change to keyshare's constants has to be shown against the page.
 */

/** A scenario's source: the AWS page, and the sentence on it that decides the scenario. */
export interface Citation {
  readonly url: string;
  /** The sentence that decides the scenario, verbatim from the page. */
  readonly quote: string;
}
export const cite = (url: string, quote: string): Citation => ({ url, quote });

/**
 * The grant operations of the EC2 Auto Scaling guide's cross-account example (its create-grant command):
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
export const GUIDE_GRANT_OPERATIONS = [
  'Encrypt',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'DescribeKey',
  'CreateGrant',
];

/** The operations of the grant that fixes the launch: https://repost.aws/knowledge-center/kms-launch-ec2-instance */
export const KNOWLEDGE_CENTER_GRANT_OPERATIONS = ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'];
