/**
 * The two worked examples of the KMS developer guide, "Troubleshooting key access"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html), with their
 * policies as the page prints them.
 */
import { authorize } from '../../src/evaluator';
import { decide, doc } from './helpers';

const KEY_ACCOUNT_2 = 'arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('KMS developer guide, Troubleshooting key access', () => {
  it('Example 1: Alice is denied: the default key policy delegates to IAM, but no IAM policy gives her access', () => {
    const keyPolicy = {
      Version: '2012-10-17' as const,
      Id: 'key-test-1',
      Statement: [
        {
          Sid: 'Delegate to IAM policies',
          Effect: 'Allow' as const,
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
    const result = decide({ keyPolicy }, 'arn:aws:iam::111122223333:user/Alice', 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toEqual([
      "the key policy delegates kms:Decrypt to account 111122223333's IAM policies (statement Delegate to IAM policies) but no IAM policy of the caller allows kms:Decrypt (no IAM policy of the caller was given)",
    ]);
    // The same key with an IAM policy for Alice: the delegation now takes effect.
    const allowed = decide(
      { keyPolicy, identityPolicies: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })] },
      'arn:aws:iam::111122223333:user/Alice',
      'kms:Decrypt',
    );
    expect(allowed.decision).toBe('Allowed');
  });

  describe('Example 2: Bob assumes the Engineering role and uses a key in another account', () => {
    const keyPolicy = {
      Id: 'key-policy-acct-2',
      Version: '2012-10-17' as const,
      Statement: [
        {
          Sid: 'Permission to use IAM policies',
          Effect: 'Allow' as const,
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'Allow account 1 to use this KMS key',
          Effect: 'Allow' as const,
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: [
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:DescribeKey',
          ],
          Resource: '*',
        },
      ],
    };
    const engineeringPolicy = doc({
      Effect: 'Allow',
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      Resource: [KEY_ACCOUNT_2],
    });
    const bob = 'arn:aws:sts::111122223333:assumed-role/Engineering/bob';
    const inputs = (identityPolicies: ReturnType<typeof doc>[]) => ({ keyArn: KEY_ACCOUNT_2, keyPolicy, identityPolicies });

    it('is allowed: the key policy allows account 1 and the role policy delegates it', () => {
      const result = authorize(inputs([engineeringPolicy]), { principal: bob, action: 'kms:GenerateDataKey' });
      expect(result.decision).toBe('Allowed');
      expect(result.trace.map((t) => `${t.source}:${t.id}`)).toEqual([
        'key-policy:Allow account 1 to use this KMS key',
        'identity-policy:Statement[0]',
      ]);
    });

    it('is denied without the role policy: across accounts the key policy alone is not enough', () => {
      const result = authorize(inputs([]), { principal: bob, action: 'kms:Decrypt' });
      expect(result.decision).toBe('ImplicitlyDenied');
      expect(result.missing[0]).toBe(
        'the key policy allows account 111122223333 (statement Allow account 1 to use this KMS key) but no IAM policy of the caller allows kms:Decrypt; across accounts both are required (no IAM policy of the caller was given)',
      );
    });

    it('is denied for an operation the key policy does not give account 1, whatever the IAM policy says', () => {
      const all = doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
      const result = authorize(inputs([all]), { principal: bob, action: 'kms:CreateGrant' });
      expect(result.decision).toBe('ImplicitlyDenied');
      expect(result.missing[0]).toMatch(
        /^the key policy has no statement that allows account 111122223333 or arn:aws:sts::111122223333:assumed-role\/Engineering\/bob kms:CreateGrant; IAM policy statement Statement\[0\] of the caller allows it, which is not enough across accounts$/,
      );
    });
  });
});
