import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../src/errors';
import { readPolicy } from '../../src/inputs/policy-document';
import { tempDir } from '../support/temp';

const FIXTURES = path.join(__dirname, '../fixtures/key-access');
const fixture = (name: string) => path.join(FIXTURES, name);

function tmpFile(content: string): string {
  const dir = tempDir('keyshare-inputs-');
  const file = path.join(dir, 'input.json');
  fs.writeFileSync(file, content);
  return file;
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toMatch(/\n/);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

/** The document inside each AWS CLI shape, parsed here independently of src/inputs. */
const iamDocument = JSON.parse(fs.readFileSync(fixture('iam-role-policy.json'), 'utf8')).PolicyDocument;

describe('policy inputs in every AWS CLI shape', () => {
  test('aws kms get-key-policy: the Policy string is parsed', () => {
    const cli = JSON.parse(fs.readFileSync(fixture('key-policy-cross-account.json'), 'utf8'));
    const doc = readPolicy({ flag: '--key-policy', file: fixture('key-policy-cross-account.json') }, 'key');
    expect(doc).toEqual(JSON.parse(cli.Policy));
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      'Enable IAM User Permissions',
      'Allow external account use of the key',
      'Allow attachment of persistent resources in external account',
    ]);
  });

  test.each([
    ['iam-policy-version.json', 'get-policy-version, Document as an object'],
    ['iam-policy-version-string.json', 'get-policy-version, Document as a JSON string'],
    ['iam-policy-version-urlencoded.json', 'get-policy-version, Document URL-encoded as the raw API returns it'],
    ['iam-role-policy.json', 'get-role-policy, PolicyDocument'],
  ])('%s (%s) gives the same document', (file) => {
    expect(readPolicy({ flag: '--iam-policy', file: fixture(file) }, 'identity')).toEqual(iamDocument);
  });

  test('aws organizations describe-policy: Policy.Content is parsed', () => {
    const doc = readPolicy({ flag: '--scp', file: fixture('scp-deny-create-grant.json') }, 'scp');
    expect(doc.Statement).toEqual([{ Sid: 'DenyKmsGrantCreation', Effect: 'Deny', Action: 'kms:CreateGrant', Resource: '*' }]);
  });

  test('a single Statement object becomes a list; a missing Version means 2008-10-17, as IAM defines', () => {
    const file = tmpFile(JSON.stringify({ Statement: { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' } }));
    const doc = readPolicy({ flag: '--key-policy', file }, 'key');
    expect(Array.isArray(doc.Statement)).toBe(true);
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Version).toBe('2008-10-17');
  });

  test('numbers in conditions become strings; booleans stay', () => {
    const file = tmpFile(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': [111122223333] }, Bool: { 'aws:SecureTransport': true } },
          },
        ],
      }),
    );
    const doc = readPolicy({ flag: '--iam-policy', file }, 'identity');
    expect(doc.Statement[0].Condition).toEqual({ StringEquals: { 'kms:CallerAccount': ['111122223333'] }, Bool: { 'aws:SecureTransport': true } });
  });
});

describe('bad policy files: one line naming the flag, the file, the problem and the fix', () => {
  test('missing file', () => {
    const e = errorOf(() => readPolicy({ flag: '--key-policy', file: '/nonexistent/key.json' }, 'key'));
    expect(e.message).toMatch(/^--key-policy: file not found \(got "\/nonexistent\/key.json"\)\. Fix: /);
  });

  test('invalid JSON names the line', () => {
    const file = tmpFile('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}');
    const e = errorOf(() => readPolicy({ flag: '--iam-policy', file }, 'identity'));
    expect(e.message).toContain(`--iam-policy ${file}`);
    expect(e.message).toMatch(/not valid JSON .*line 4/);
    expect(e.message).toMatch(/Fix: .*get-policy-version/);
  });

  test('invalid JSON inside the Policy string of get-key-policy output names the path', () => {
    const file = tmpFile(JSON.stringify({ Policy: '{"Version": "2012-10-17", "Statement": [' }));
    expect(errorOf(() => readPolicy({ flag: '--key-policy', file }, 'key')).message).toMatch(/--key-policy .*: Policy: not valid JSON/);
  });

  test('JSON that holds no policy', () => {
    const file = tmpFile(JSON.stringify({ KeyMetadata: { KeyId: 'x' } }));
    expect(errorOf(() => readPolicy({ flag: '--key-policy', file }, 'key')).message).toMatch(/not a policy document \(no Statement\)/);
  });

  test('a bad Effect is reported at its path with the value', () => {
    const file = tmpFile(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
          { Effect: 'allow', Action: 'kms:*', Resource: '*' },
        ],
      }),
    );
    const e = errorOf(() => readPolicy({ flag: '--scp', file }, 'scp'));
    expect(e.field).toBe(`--scp ${file}: Statement[1].Effect`);
    expect(e.value).toBe('allow');
  });

  test('an unknown statement element (a typo) is refused, not ignored', () => {
    const file = tmpFile(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Actions: 'kms:*', Resource: '*' }] }));
    expect(errorOf(() => readPolicy({ flag: '--iam-policy', file }, 'identity')).message).toMatch(/Statement\[0\].*Actions/);
  });

  test('a key policy given as --iam-policy is recognized by its Principal', () => {
    const e = errorOf(() => readPolicy({ flag: '--iam-policy', file: fixture('key-policy-cross-account.json') }, 'identity'));
    expect(e.field).toBe(`--iam-policy ${fixture('key-policy-cross-account.json')}: Policy.Statement[0]`);
    expect(e.message).toMatch(/is this a key policy\?.*--key-policy/);
  });

  test('a key policy statement without Principal is refused', () => {
    expect(errorOf(() => readPolicy({ flag: '--key-policy', file: fixture('iam-role-policy.json') }, 'key')).message).toMatch(
      /needs a Principal.*--iam-policy/,
    );
  });

  test('Action and NotAction together are refused', () => {
    const file = tmpFile(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:*', NotAction: 'kms:Decrypt', Resource: '*' }] }));
    expect(errorOf(() => readPolicy({ flag: '--iam-policy', file }, 'identity')).message).toMatch(/exactly one of Action and NotAction/);
  });
});
