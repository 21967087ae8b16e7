import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../src/errors';
import { parseContextFlags, normalizeContext } from '../../src/inputs/context';
import { readGrants } from '../../src/inputs/grants';
import { readRequests } from '../../src/inputs/requests';
import { tempDir } from '../support/temp';

const FIXTURES = path.join(__dirname, '../fixtures/key-access');
const fixture = (name: string) => path.join(FIXTURES, name);

function tmpFile(content: unknown): string {
  const dir = tempDir('keyshare-inputs-');
  const file = path.join(dir, 'input.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

async function errorOf(fn: () => unknown): Promise<InputError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toMatch(/\n/);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('grants', () => {
  const listed = JSON.parse(fs.readFileSync(fixture('grants.json'), 'utf8')).Grants[0];

  test.each(['grants.json', 'grants-array.json', 'grant-single.json'])('%s: list-grants output, a bare list and one grant read alike', (file) => {
    const { grants, truncated } = readGrants({ flag: '--grants', file: fixture(file) });
    expect(truncated).toBe(false);
    expect(grants).toHaveLength(1);
    const { KeyId, GranteePrincipal, Operations, GrantId } = listed;
    expect(grants[0]).toMatchObject({ KeyId, GranteePrincipal, Operations, GrantId });
    // CreationDate decides nothing and is dropped.
    expect(grants[0]).not.toHaveProperty('CreationDate');
  });

  test('a truncated page is flagged', () => {
    expect(readGrants({ flag: '--grants', file: tmpFile({ Grants: [listed], Truncated: true, NextMarker: 'x' }) }).truncated).toBe(true);
  });

  test('operations are spelt as KMS spells them', () => {
    const { grants } = readGrants({ flag: '--grants', file: tmpFile([{ ...listed, Operations: ['decrypt', 'CREATEGRANT'] }]) });
    expect(grants[0].Operations).toEqual(['Decrypt', 'CreateGrant']);
  });

  test('a misspelt operation is refused at its path', async () => {
    const file = tmpFile({ Grants: [listed, { ...listed, Operations: ['Decrypt', 'Decypt'] }] });
    const e = await errorOf(() => readGrants({ flag: '--grants', file }));
    expect(e.field).toBe(`--grants ${file}: Grants[1].Operations[1]`);
    expect(e.value).toBe('Decypt');
  });

  test('a grant without a grantee is refused', async () => {
    const { GranteePrincipal: _, ...noGrantee } = listed;
    const file = tmpFile(noGrantee);
    expect((await errorOf(() => readGrants({ flag: '--grants', file }))).field).toBe(`--grants ${file}: GranteePrincipal`);
  });
});

describe('--requests', () => {
  test('a list of requests in order, with actions spelt canonically and Bool context typed', async () => {
    const file = tmpFile([
      {
        principal: 'arn:aws:iam::444455556666:role/deploy',
        action: 'kms:creategrant',
        context: { 'kms:GrantIsForAWSResource': 'false', 'kms:GrantOperations': ['Decrypt'] },
      },
      { principal: 'arn:aws:sts::444455556666:assumed-role/deploy/session', action: 'kms:Decrypt', encryptionContext: { app: 'web' } },
      {
        principal: 'arn:aws:iam::444455556666:role/deploy',
        action: 'kms:CreateGrant',
        grantConstraints: { EncryptionContextSubset: { app: 'web' } },
      },
    ]);
    const requests = await readRequests({ flag: '--requests', file });
    expect(requests).toEqual([
      {
        principal: 'arn:aws:iam::444455556666:role/deploy',
        action: 'kms:CreateGrant',
        context: { 'kms:GrantIsForAWSResource': false, 'kms:GrantOperations': ['Decrypt'] },
      },
      { principal: 'arn:aws:sts::444455556666:assumed-role/deploy/session', action: 'kms:Decrypt', encryptionContext: { app: 'web' } },
      {
        principal: 'arn:aws:iam::444455556666:role/deploy',
        action: 'kms:CreateGrant',
        grantConstraints: { EncryptionContextSubset: { app: 'web' } },
      },
    ]);
  });

  test.each([
    [{ principal: 'arn:aws:iam::444455556666:role/deploy', action: 's3:GetObject' }, /\[0\]\.action: not a KMS action/],
    [{ principal: 'deploy', action: 'kms:Decrypt' }, /\[0\]\.principal: is not an IAM principal KMS can authorize/],
    [
      { Principal: 'arn:aws:iam::444455556666:role/deploy', action: 'kms:Decrypt' },
      /\[0\]\.Principal: is not a request field.*Fix: write principal /,
    ],
    [{ principal: 'arn:aws:iam::444455556666:role/deploy' }, /\[0\]\.action: /],
    [
      { principal: 'arn:aws:iam::444455556666:role/deploy', action: 'kms:Decrypt', resource: 'key/1234' },
      /\[0\]\.resource: not a KMS key or alias ARN/,
    ],
    [
      { principal: 'arn:aws:iam::444455556666:role/deploy', action: 'kms:Decrypt', context: { 'kms:GrantIsForAWSResource': 'yes' } },
      /kms:GrantIsForAWSResource is a Bool condition key/,
    ],
  ])('bad request %j', async (request, message) => {
    expect((await errorOf(() => readRequests({ flag: '--requests', file: tmpFile([request]) }))).message).toMatch(message);
  });

  test('callers the evaluator knows: an account ID stands for its root, a service principal for itself', async () => {
    const requests = await readRequests({
      flag: '--requests',
      file: tmpFile([
        { principal: '444455556666', action: 'kms:Decrypt' },
        { principal: 'ec2.amazonaws.com', action: 'kms:Decrypt' },
      ]),
    });
    expect(requests.map((r) => r.principal)).toEqual(['444455556666', 'ec2.amazonaws.com']);
  });

  test('an empty list or an object is refused', async () => {
    expect((await errorOf(() => readRequests({ flag: '--requests', file: tmpFile([]) }))).message).toMatch(/non-empty JSON list/);
    expect((await errorOf(() => readRequests({ flag: '--requests', file: tmpFile({ principal: 'x' }) }))).message).toMatch(/non-empty JSON list/);
  });
});

describe('--context', () => {
  test('values are typed by the IAM type of their key', async () => {
    expect(
      await parseContextFlags([
        'kms:GrantIsForAWSResource=TRUE',
        'kms:GrantOperations=Decrypt, CreateGrant',
        'kms:ViaService=ec2.us-west-2.amazonaws.com',
        'aws:PrincipalOrgPaths=o-a/r-b/ou-c/',
      ]),
    ).toEqual({
      'kms:GrantIsForAWSResource': true,
      'kms:GrantOperations': ['Decrypt', 'CreateGrant'],
      'kms:ViaService': 'ec2.us-west-2.amazonaws.com',
      'aws:PrincipalOrgPaths': ['o-a/r-b/ou-c/'],
    });
  });

  test('a multi-valued key given twice collects its values; a value may contain "="', async () => {
    expect(await parseContextFlags(['kms:GrantOperations=Decrypt', 'kms:GrantOperations=Encrypt', 'kms:EncryptionContext:a=b=c'])).toEqual({
      'kms:GrantOperations': ['Decrypt', 'Encrypt'],
      'kms:EncryptionContext:a': 'b=c',
    });
  });

  test.each([
    ['kms:GrantIsForAWSResource=yes', /Bool condition key.*true or false/],
    ['GrantOperations=Decrypt', /not a condition key/],
    ['kms:ViaService', /expected key=value/],
    ['=x', /expected key=value/],
  ])('%s is refused', async (flag, message) => {
    const e = await errorOf(() => parseContextFlags([flag]));
    expect(e.field).toBe('--context');
    expect(e.message).toMatch(message);
  });

  test('a single-valued key given twice is refused', async () => {
    expect((await errorOf(() => parseContextFlags(['kms:ViaService=a', 'kms:ViaService=b']))).message).toMatch(/given twice/);
  });

  test('JSON context keeps its types and converts "true" for Bool keys', async () => {
    expect(await normalizeContext('ctx', { 'kms:GrantIsForAWSResource': 'true', 'kms:GrantOperations': 'Decrypt' })).toEqual({
      'kms:GrantIsForAWSResource': true,
      'kms:GrantOperations': 'Decrypt',
    });
  });
});
