import * as path from 'path';
import { InputError } from '../../src/errors';
import { validKeyArn, keyPolicyOwner, namedKeyArns, resolveKeyArn } from '../../src/inputs/key-arn';
import { readPolicy } from '../../src/inputs/policy-document';
import { readGrants } from '../../src/inputs/grants';

const fixture = (name: string) => path.join(__dirname, '../fixtures/key-access', name);
const keyPolicy = (name: string) => readPolicy({ flag: '--key-policy', file: fixture(name) }, 'key');
const KEY = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('the key ARN', () => {
  test('--key-arn wins', () => {
    expect(resolveKeyArn('arn:aws:kms:eu-west-1:111122223333:key/abc', keyPolicy('key-policy-cross-account.json'), [KEY])).toEqual({
      arn: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
      source: 'flag',
    });
  });

  test('without it, the one key ARN the grants and IAM policies name in the key account', () => {
    const grants = readGrants({ flag: '--grants', file: fixture('grants.json') }).grants;
    const iam = [readPolicy({ flag: '--iam-policy', file: fixture('iam-policy-version.json') }, 'identity')];
    const named = namedKeyArns(grants, iam);
    expect(new Set(named)).toEqual(new Set([KEY]));
    expect(resolveKeyArn(undefined, keyPolicy('key-policy-cross-account.json'), named)).toEqual({ arn: KEY, source: 'inputs' });
  });

  test('else a placeholder in the account of the root delegation statement', () => {
    const choice = resolveKeyArn(undefined, keyPolicy('key-policy-cross-account.json'), []);
    expect(choice.source).toBe('placeholder');
    expect(choice.arn).toMatch(/^arn:aws:kms:[a-z0-9-]+:111122223333:key\//);
  });

  test("the placeholder's region comes from a kms:ViaService value when the policy has one", () => {
    expect(resolveKeyArn(undefined, keyPolicy('key-policy-aws-managed.json'), []).arn).toMatch(/^arn:aws:kms:us-west-2:111122223333:key\//);
  });

  test('no root delegation and no --key-arn: an InputError asking for --key-arn', () => {
    const policy = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt', Resource: '*' }],
    };
    expect(() => resolveKeyArn(undefined, policy, [])).toThrow(/--key-arn: not given.*Fix: pass --key-arn/);
  });

  test('a root statement with a condition or fewer actions is not root delegation', () => {
    const policy = keyPolicy('key-policy-aws-managed.json');
    // aws/ebs names the account root only for Describe*, Get*, List*, RevokeGrant.
    expect(keyPolicyOwner(policy)).toEqual({ partition: 'aws', account: '111122223333', from: 'aws-managed' });
    expect(keyPolicyOwner(keyPolicy('key-policy-root-only.json'))).toEqual({ partition: 'aws', account: '111122223333', from: 'root-delegation' });
  });

  test('alias ARNs: refused with the describe-key fix, except AWS-managed aliases, which doctor flags', () => {
    expect(() => validKeyArn('--key-arn', 'arn:aws:kms:us-west-2:111122223333:alias/golden-ami')).toThrow(
      /aws kms describe-key --key-id arn:aws:kms:us-west-2:111122223333:alias\/golden-ami/,
    );
    expect(validKeyArn('--key-arn', 'arn:aws:kms:us-west-2:111122223333:alias/aws/ebs')).toBe('arn:aws:kms:us-west-2:111122223333:alias/aws/ebs');
    expect(() => validKeyArn('--key-arn', '1234abcd-12ab-34cd-56ef-1234567890ab')).toThrow(InputError);
  });
});
