import * as fs from 'fs';
import * as path from 'path';
import { expectBadInput, keyAccessArgs, KeyAccessArgs, keyAccessFile as fixture, keyshare } from '../support/cli';
import { keyshareInProcess as run } from './in-process';
import { tempDir } from '../support/temp';

/**
 * doctor as a command: flags, formats, exit codes, --fixed-key-policy. Its diagnoses and fixes are
 * tested on `diagnose` itself, in __tests__/doctor/.
 */

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** A working cross-account setup: key policy, the grant creator's IAM policy and the Auto Scaling role's grant. */
const WORKING: KeyAccessArgs = {
  keyPolicy: 'key-policy-cross-account.json',
  consumer: CONSUMER,
  iamPolicy: 'iam-policy-version.json',
  grants: 'grants.json',
};
/** The classic failure: the key policy's CreateGrant statement requires kms:GrantIsForAWSResource. */
const CLASSIC_BUG: KeyAccessArgs = { ...WORKING, keyPolicy: 'key-policy-grant-is-for-aws-resource.json' };
const doctorArgs = (a: KeyAccessArgs, ...more: string[]) => ['doctor', ...keyAccessArgs(a), ...more];

describe('keyshare doctor: formats and bad input', () => {
  test('json: exit 1 and the machine shape of a diagnosis, first failing step first', async () => {
    const r = await run(doctorArgs({ ...CLASSIC_BUG, keyArn: KEY }, '--format', 'json'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'works',
        'consumer',
        'keyArn',
        'awsManagedKey',
        'firstFailingStep',
        'steps',
        'fixes',
        'fixedKeyPolicy',
        'inputs',
        'notes',
      ]),
    );
    expect(report).toMatchObject({ works: false, consumer: CONSUMER, keyArn: KEY, awsManagedKey: null, firstFailingStep: 'create-grant' });
    expect(report.steps[0]).toMatchObject({ id: 'create-grant', decision: 'ImplicitlyDenied', action: 'kms:CreateGrant' });
    expect(report.fixes.map((f: { kind: string }) => f.kind)).toEqual(['add-key-policy-statement']);
    expect(report.fixedKeyPolicy.document.Statement).toContainEqual(report.fixes[0].statement);
    expect((await run(doctorArgs({ ...WORKING, keyArn: KEY }, '--format', 'json'))).status).toBe(0);
  });

  test('markdown: verdict, one table row per step, fixes; byte-identical on a second run', async () => {
    const args = doctorArgs({ ...WORKING, grants: undefined }, '--format', 'markdown');
    const r = await run(args);
    expect((await run(args)).stdout).toBe(r.stdout);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^### keyshare doctor\n/);
    expect(r.stdout.match(/^\| \d \| `/gm)).toHaveLength(6);
    expect(r.stdout).toContain('#### Fixes');
    expect(r.stdout).toContain('```sh\n   aws kms create-grant');
  });

  test.each([
    [['--consumer', '12345'], /--consumer: is not a 12-digit AWS account ID/],
    [['--consumer', CONSUMER, '--service-linked-role-suffix', 'a b'], /--service-linked-role-suffix: is not a valid service-linked role suffix/],
    [['--consumer', CONSUMER, '--grant-creator', 'deploy'], /--grant-creator: is not an IAM principal KMS can authorize/],
    [['--consumer', CONSUMER, '--iam-policy', fixture('key-policy-cross-account.json')], /--iam-policy .*is this a key policy\?/],
    [[], /--consumer/],
  ])('%j', async (args, message) => {
    const r = await run(['doctor', '--key-policy', fixture('key-policy-cross-account.json'), ...args]);
    expect(r.stdout).toBe('');
    expectBadInput(r, message);
  });
});

describe('keyshare doctor: the real binary', () => {
  test('working setup: exit 0 and the verdict', () => {
    const r = keyshare(doctorArgs(WORKING));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}PASS {2}1\. create-grant:/m);
    expect(r.stdout).toContain("Result: the launch works: every step of account 444455556666's launch path is allowed.");
  });

  test('the GrantIsForAWSResource bug: exit 1, FAIL, the statement and the condition', () => {
    const r = keyshare(doctorArgs(CLASSIC_BUG));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}FAIL {2}1\. create-grant:/m);
    expect(r.stdout).toMatch(
      /statement Allow attachment of persistent resources in external account allows kms:CreateGrant only when kms:GrantIsForAWSResource is true/,
    );
    expect(r.stdout).toContain('Fix: do not just remove the kms:GrantIsForAWSResource condition');
  });

  // put-key-policy takes the bare document, not the {"Policy": …, "PolicyName": …} that get-key-policy prints.
  test('--fixed-key-policy writes the key policy with the fix added, which then proves the launch; the command names the file and the account', () => {
    const dir = tempDir('keyshare-doctor-');
    const fixed = path.join(dir, 'fixed.json');
    const given = { ...CLASSIC_BUG, grantCreator: `arn:aws:iam::${CONSUMER}:role/deploy` };
    const args = doctorArgs(given);
    const r = keyshare([...args, '--fixed-key-policy', fixed]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `   Command, run with credentials of account ${OWNER}:\n     aws kms put-key-policy --key-id ${KEY} --policy-name default --policy file://${fixed} --region us-west-2\n`,
    );
    expect(r.stdout).toContain(`Key policy with the fixes added: written to ${fixed}`);
    const written = JSON.parse(fs.readFileSync(fixed, 'utf8'));
    expect(Object.keys(written)).toEqual(['Version', 'Id', 'Statement']);
    const after = keyshare(doctorArgs({ ...given, keyPolicy: fixed }));
    expect(after.stdout).toMatch(/^ {2}PASS {2}1\. create-grant:/m);
    expect(after.status).toBe(0);
    // The same run again may replace its own file; a file with other content is the user's.
    expect(keyshare([...args, '--fixed-key-policy', fixed]).status).toBe(1);
    fs.writeFileSync(fixed, '{"mine": true}');
    expectBadInput(keyshare([...args, '--fixed-key-policy', fixed]), /--fixed-key-policy: exists and is not the key policy this run would write/);
    expect(fs.readFileSync(fixed, 'utf8')).toBe('{"mine": true}');
  });

  test('without --fixed-key-policy the command reads a file doctor names, and says how to have it written', () => {
    const r = keyshare(['doctor', '--key-policy', fixture('key-policy-grant-is-for-aws-resource.json'), '--consumer', CONSUMER]);
    expect(r.stdout).toContain('--policy file://fixed-key-policy.json');
    expect(r.stdout).toContain('pass --fixed-key-policy fixed-key-policy.json to have doctor write it');
    expect(r.stdout).toMatch(new RegExp(`Command, run with credentials of account ${CONSUMER}:\\n {5}aws kms create-grant`));
  });

  // The service-linked role holds no IAM policy anyone passes: --iam-policy is the grant creator's.
  test('a service-linked role step is not told that no IAM policy was given when --iam-policy was', () => {
    const r = keyshare(doctorArgs({ keyPolicy: 'key-policy-root-only.json', consumer: OWNER, iamPolicy: 'iam-policy-version.json' }));
    expect(r.stdout).toMatch(/delegates kms:Decrypt to account 111122223333's IAM policies/);
    expect(r.stdout).not.toContain('no IAM policy of the caller was given');
  });

  test('bad JSON: exit 2, one line, no stack, no output', () => {
    const bad = path.join(tempDir('keyshare-doctor-'), 'grants.json');
    fs.writeFileSync(bad, '{"Grants": [');
    const r = keyshare(['doctor', '--key-policy', fixture('key-policy-cross-account.json'), '--consumer', CONSUMER, '--grants', bad]);
    expect(r.stdout).toBe('');
    expectBadInput(r, /^keyshare: --grants .*grants\.json: not valid JSON/);
  });
});
