import * as fs from 'fs';
import * as path from 'path';
import { expectBadInput, keyAccessArgs, KeyAccessArgs, keyAccessFile as fixture, keyshare } from '../support/cli';
import { oracle } from '../support/oracle';
import { readPolicy } from '../../src/inputs/policy-document';
import { keyshareInProcess as run } from './in-process';
import { tempDir } from '../support/temp';

const KEY = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONSUMER = '444455556666';
const DEPLOY = `arn:aws:iam::${CONSUMER}:role/deploy`;
const SLR = `arn:aws:iam::${CONSUMER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const GRANT_CONTEXT = [`kms:GranteePrincipal=${SLR}`, 'kms:GrantOperations=Decrypt,CreateGrant', 'kms:GrantIsForAWSResource=false'];
/** The deploy role's CreateGrant for the Auto Scaling role, on the cross-account key policy with its IAM policy. */
const CREATE_GRANT: KeyAccessArgs = {
  keyPolicy: 'key-policy-cross-account.json',
  iamPolicy: 'iam-policy-version.json',
  keyArn: KEY,
  principal: DEPLOY,
  action: 'kms:CreateGrant',
  context: GRANT_CONTEXT,
};
const explain = (a: KeyAccessArgs, ...more: string[]) => run(['explain', ...keyAccessArgs(a), ...more]);

function tmpFile(content: unknown): string {
  const file = path.join(tempDir('keyshare-explain-'), 'requests.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('keyshare explain: one request', () => {
  test('cross-account CreateGrant allowed by the key policy and the caller IAM policy together (exit 0)', async () => {
    const r = await explain(CREATE_GRANT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`1. kms:CreateGrant by ${DEPLOY}: Allowed`);
    // KMS guide: across accounts both must allow, so both appear in the trace.
    expect(r.stdout).toMatch(/allow key policy Allow attachment of persistent resources in external account/);
    expect(r.stdout).toMatch(/allow IAM policy AllowCreationOfGrantForTheKMSKeyinExternalAccount/);
    expect(r.stdout).toContain('1 of 1 request allowed.');
  });

  test('the same request without the IAM policy is implicitly denied (exit 1), and says what is missing', async () => {
    const r = await explain({ ...CREATE_GRANT, iamPolicy: undefined });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(': ImplicitlyDenied');
    expect(r.stdout).toMatch(/missing: .*IAM policy/);
  });

  test('the GrantIsForAWSResource bug: denied, and the failing condition is named', async () => {
    const r = await explain({ ...CREATE_GRANT, keyPolicy: 'key-policy-grant-is-for-aws-resource.json', iamPolicy: 'iam-role-policy.json' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/missing: .*kms:GrantIsForAWSResource/);
  });

  test('an explicit Deny in the key policy or an SCP is ExplicitlyDenied and names the statement', async () => {
    const keyDeny = await explain({ ...CREATE_GRANT, keyPolicy: 'key-policy-explicit-deny.json' });
    expect(keyDeny.status).toBe(1);
    expect(keyDeny.stdout).toContain(': ExplicitlyDenied');
    expect(keyDeny.stdout).toMatch(/deny key policy DenyGrantsNotForAwsResources/);

    const scpDeny = await explain({ ...CREATE_GRANT, keyArn: undefined, scps: ['scp-full-access.json', 'scp-deny-create-grant.json'] });
    expect(scpDeny.status).toBe(1);
    expect(scpDeny.stdout).toMatch(/deny SCP DenyKmsGrantCreation/);
  });

  test('SCPs do not restrict the service-linked role; its grant allows it', async () => {
    const r = await explain({
      keyPolicy: 'key-policy-root-only.json',
      grants: 'grants.json',
      scps: ['scp-allow-ec2-only.json'],
      principal: SLR,
      action: 'kms:Decrypt',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/allow grant 0c237476/);
    // The key ARN came from the grants, and the output says so.
    expect(r.stdout).toContain(`key: ${KEY}`);
    expect(r.stdout).toMatch(/note: no --key-arn given: using .*the grants or IAM policies name/);
  });

  test('without --key-arn and nothing naming the key, a placeholder in the root delegation account is used and said', async () => {
    const r = await explain({ keyPolicy: 'key-policy-root-only.json', principal: 'arn:aws:iam::111122223333:root', action: 'kms:Decrypt' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^key: arn:aws:kms:[a-z0-9-]+:111122223333:key\/.*\nnote: no --key-arn given: using the placeholder/);
  });

  test('markdown: a table row per request and the details', async () => {
    const r = await explain(
      { keyPolicy: 'key-policy-cross-account.json', keyArn: KEY, principal: DEPLOY, action: 'kms:Decrypt' },
      '--format',
      'markdown',
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^### keyshare explain/);
    expect(r.stdout).toContain('| # | principal | action | decision |');
    expect(r.stdout).toContain(`| 1 | \`${DEPLOY}\` | \`kms:Decrypt\` | ❌ ImplicitlyDenied |`);
    expect(r.stdout).toContain('<details><summary>1. kms:Decrypt: ImplicitlyDenied</summary>');
  });
});

/** Requests without grants, so the independent simulator can decide them too. */
const BATCH = [
  {
    principal: DEPLOY,
    action: 'kms:CreateGrant',
    context: { 'kms:GranteePrincipal': SLR, 'kms:GrantOperations': ['Decrypt'], 'kms:GrantIsForAWSResource': false },
  },
  { principal: 'arn:aws:iam::999900001111:root', action: 'kms:Decrypt' },
  { principal: `arn:aws:sts::${CONSUMER}:assumed-role/deploy/terraform`, action: 'kms:CreateGrant', context: { 'kms:GrantIsForAWSResource': false } },
  { principal: DEPLOY, action: 'kms:Decrypt' },
  { principal: 'arn:aws:iam::111122223333:role/admin', action: 'kms:PutKeyPolicy' },
  { principal: DEPLOY, action: 'kms:ScheduleKeyDeletion' },
];

/** explain --requests FILE --format json on the cross-account key policy and IAM policy. */
const BATCH_ARGS = (file: string) => [
  'explain',
  ...keyAccessArgs({ keyPolicy: 'key-policy-cross-account.json', iamPolicy: 'iam-policy-version.json', keyArn: KEY }),
  '--requests',
  file,
  '--format',
  'json',
];

describe('keyshare explain --requests', () => {
  test('json: one result per request, in order, each {principal, action, decision, dependsOn, trace, missing}; decisions agree with iam-simulate', async () => {
    const file = tmpFile(BATCH);
    const r = await run(BATCH_ARGS(file));
    expect(r.status).toBe(1);
    const results = JSON.parse(r.stdout);
    expect(results).toHaveLength(BATCH.length);
    results.forEach((res: Record<string, unknown>, i: number) => {
      expect(Object.keys(res).sort()).toEqual(['action', 'decision', 'dependsOn', 'missing', 'principal', 'trace']);
      expect(res.principal).toBe(BATCH[i].principal);
      expect(res.action).toBe(BATCH[i].action);
    });
    const keyPolicy = readPolicy({ flag: '--key-policy', file: fixture('key-policy-cross-account.json') }, 'key');
    const iam = readPolicy({ flag: '--iam-policy', file: fixture('iam-policy-version.json') }, 'identity');
    const expected = await Promise.all(
      BATCH.map((b) =>
        oracle({
          keyPolicy,
          keyArn: KEY,
          principal: b.principal,
          action: b.action,
          identityPolicies: [iam],
          context: Object.fromEntries(Object.entries(b.context ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : String(v)])),
        }),
      ),
    );
    expect(results.map((res: { decision: string }) => res.decision)).toEqual(expected);
    // Sanity of the batch itself: it mixes allowed and denied requests.
    expect(new Set(expected).size).toBeGreaterThan(1);
  });

  test('real CLI: same batch twice is byte-identical; exit 1 when any is denied', () => {
    const file = tmpFile(BATCH);
    const args = BATCH_ARGS(file);
    const first = keyshare(args);
    const second = keyshare(args);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(1);
    expect(JSON.parse(first.stdout)).toHaveLength(BATCH.length);
    expect(second.stdout).toBe(first.stdout);
  });
});

describe('keyshare explain: bad input exits 2 with one line', () => {
  test.each([
    [['--principal', DEPLOY, '--action', 'kms:Decrypt', '--requests', '/tmp/r.json'], /--requests: given together with --principal/],
    [['--action', 'kms:Decrypt'], /--principal: is required without --requests/],
    [['--principal', DEPLOY, '--action', 'kms:Decrpyt'], /--action: not a KMS action \(got "kms:Decrpyt"\)/],
    [['--principal', 'deploy', '--action', 'kms:Decrypt'], /--principal: is not an IAM principal KMS can authorize/],
    [['--principal', DEPLOY, '--action', 'kms:Decrypt', '--context', 'kms:GrantIsForAWSResource=maybe'], /--context: .*Bool/],
    [['--principal', DEPLOY, '--action', 'kms:Decrypt', '--format', 'yaml'], /--format/],
    [
      ['--principal', DEPLOY, '--action', 'kms:Decrypt', '--key-arn', 'arn:aws:kms:us-west-2:111122223333:alias/golden'],
      /--key-arn: an alias ARN.*describe-key/,
    ],
    [
      ['--principal', DEPLOY, '--action', 'kms:Decrypt', '--grants', fixture('key-policy-cross-account.json')],
      /--grants .*: (GranteePrincipal|KeyId|Operations)/,
    ],
  ])('%j', async (args, message) => {
    const r = await run(['explain', '--key-policy', fixture('key-policy-cross-account.json'), ...args]);
    expect(r.stdout).toBe('');
    expectBadInput(r, message);
  });

  test('real CLI: a missing key policy file', () => {
    const r = keyshare(['explain', '--key-policy', '/nonexistent/key.json', '--principal', DEPLOY, '--action', 'kms:Decrypt']);
    expect(r.stdout).toBe('');
    expectBadInput(r, /^keyshare: --key-policy: file not found \(got "\/nonexistent\/key.json"\)/);
  });
});
