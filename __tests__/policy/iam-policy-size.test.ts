import { lintIamPolicy } from '../../src/check/lints';
import { SERVICE_LINKED_ROLE_SUFFIX_MAX } from '../../src/policy/formats';
import { keyArn } from '../../src/policy/arns';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { IAM_MANAGED_POLICY_MAX_CHARS, iamPolicyChars, type PolicyDocument } from '../../src/policy/document';
import { RULES } from '../../src/policy/rules';
import { CONSUMER_A, OWNER } from '../support/rollouts';

/**
 * IAM's managed-policy quota: 6,144 characters, white space not counted (IAM User Guide, "IAM and
 * AWS STS quotas"). One Deny statement whose Resource is padded to land the count exactly.
 */
function policyOf(chars: number, spaces = 0): PolicyDocument {
  const doc: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Pad',
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/',
        Condition: { StringEquals: { 'aws:PrincipalTag/t': ' '.repeat(spaces) } },
      },
    ],
  };
  doc.Statement[0].Resource = `arn:aws:s3:::b/${'x'.repeat(chars - iamPolicyChars(doc))}`;
  expect(iamPolicyChars(doc)).toBe(chars);
  return doc;
}

it('a managed policy of exactly the limit passes, one character more is the iam-policy-size finding', () => {
  expect(lintIamPolicy(policyOf(IAM_MANAGED_POLICY_MAX_CHARS), 'p')).toEqual([]);
  const [f, ...rest] = lintIamPolicy(policyOf(IAM_MANAGED_POLICY_MAX_CHARS + 1), 'aws_iam_policy.p');
  expect(rest).toEqual([]);
  expect(f).toMatchObject({ rule: 'iam-policy-size', severity: RULES['iam-policy-size'].severity, cite: RULES['iam-policy-size'].cite });
  expect(f.message).toBe(
    `aws_iam_policy.p is ${IAM_MANAGED_POLICY_MAX_CHARS + 1} characters without white space, over IAM's limit of ${IAM_MANAGED_POLICY_MAX_CHARS} for a managed policy, so IAM would refuse it`,
  );
});

it('white space is not counted, even where it makes the text longer than the limit', () => {
  const doc = policyOf(IAM_MANAGED_POLICY_MAX_CHARS, 500);
  expect(JSON.stringify(doc, null, 2).length).toBeGreaterThan(IAM_MANAGED_POLICY_MAX_CHARS + 500);
  expect(lintIamPolicy(doc, 'p')).toEqual([]);
});

it('the consumer IAM policy keyshare emits fits with room to spare, in every partition and with the longest suffix', () => {
  for (const [partition, region] of [
    ['aws', 'us-west-2'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-cn', 'cn-northwest-1'],
  ] as const) {
    const key = keyArn(partition, region, OWNER, '1234abcd-12ab-34cd-56ef-1234567890ab');
    const policy = consumerIamPolicy(partition, region, CONSUMER_A, key, 's'.repeat(SERVICE_LINKED_ROLE_SUFFIX_MAX));
    expect(lintIamPolicy(policy, 'the consumer IAM policy')).toEqual([]);
    expect(iamPolicyChars(policy)).toBeLessThan(IAM_MANAGED_POLICY_MAX_CHARS / 2);
  }
});
