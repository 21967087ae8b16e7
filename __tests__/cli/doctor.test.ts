import * as fs from 'fs';
import * as path from 'path';
import { expectBadInput, keyshare } from '../support/cli';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { autoScalingGrant } from '../../src/policy/grant';
import { keyPolicy } from '../../src/policy/key-policy';
import type { PolicyDocument } from '../../src/policy/document';
import { CONSUMER_A, CONSUMER_B, ORG_ID, ORG_YAML, REGION, rollout, STRANGER } from '../support/rollouts';
import { keyshareInProcess as run } from './in-process';
import { tempDir } from '../support/temp';
import { Setup, widened } from '../support/no-wider';
import { GUIDE_GRANT_OPERATIONS as GUIDE_OPERATIONS } from '../support/aws-pages';

const fixture = (name: string) => path.join(__dirname, '../fixtures/key-access', name);
const OWNER = '111122223333';
const CONSUMER = '444455556666';
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SLR = `arn:aws:iam::${CONSUMER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const CROSS_ACCOUNT_STEPS = [
  'create-grant',
  'use-through-grant:Decrypt',
  'use-through-grant:GenerateDataKeyWithoutPlaintext',
  'use-through-grant:ReEncryptFrom',
  'use-through-grant:ReEncryptTo',
  'child-grant',
];

interface Report {
  works: boolean;
  firstFailingStep: string | null;
  serviceLinkedRole: string;
  awsManagedKey: string | null;
  steps: { id: string; decision: string; principal: string }[];
  fixes: { steps: string[]; kind: string; problem: string; action: string; blocking?: any; statement?: any; command?: string }[];
  inputs: string[];
  notes: string[];
}

function tmpFile(content: unknown, name = 'input.json'): string {
  const file = path.join(tempDir('keyshare-doctor-'), name);
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Runs doctor with --format json; returns the exit code and the parsed report. */
async function doctor(...args: string[]): Promise<{ status: number | null; report: Report }> {
  const r = await run(['doctor', ...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  return { status: r.status, report: JSON.parse(r.stdout) };
}

const iamDoc = (name: string) => JSON.parse(fs.readFileSync(fixture(name), 'utf8')).PolicyVersion.Document;
const grantsOf = (name: string) => JSON.parse(fs.readFileSync(fixture(name), 'utf8')).Grants;
const NONE: Setup = { keyPolicy: { Version: '2012-10-17', Statement: [] }, iam: [], grants: [], scps: [] };
/** check's least-privilege probes newly allowed once the fix is applied: must be none. */
const noWider = (before: Setup, after: Setup, creator = `arn:aws:iam::${CONSUMER}:role/grant-creator`) =>
  expect(widened(before, after, { keyArn: KEY, owner: OWNER, consumer: CONSUMER, creator })).toEqual([]);

const keyPolicyDoc = (name: string) => JSON.parse(JSON.parse(fs.readFileSync(fixture(name), 'utf8')).Policy);
const scpDoc = (name: string) => JSON.parse(JSON.parse(fs.readFileSync(fixture(name), 'utf8')).Policy.Content);

/** `aws kms create-grant` arguments as the grant list-grants would then print. */
function grantFromCommand(command: string): unknown {
  const words = command.split(' ');
  const value = (flag: string) => words[words.indexOf(flag) + 1];
  const start = words.indexOf('--operations') + 1;
  const end = words.findIndex((w, i) => i >= start && w.startsWith('--'));
  return { Grants: [{ KeyId: value('--key-id'), GranteePrincipal: value('--grantee-principal'), Operations: words.slice(start, end) }] };
}

describe('keyshare doctor: cross-account', () => {
  test('a working setup passes every step (exit 0)', async () => {
    const { status, report } = await doctor(
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--grants',
      fixture('grants.json'),
      '--scp',
      fixture('scp-full-access.json'),
      '--key-arn',
      KEY,
    );
    expect(status).toBe(0);
    expect(report.works).toBe(true);
    expect(report.steps.map((s) => s.id)).toEqual(CROSS_ACCOUNT_STEPS);
    expect(report.steps.every((s) => s.decision === 'Allowed')).toBe(true);
    expect(report.fixes).toEqual([]);
    expect(report.firstFailingStep).toBeNull();
  });

  test('the GrantIsForAWSResource bug: names the statement and the condition, and adds the pinned statement rather than removing it', async () => {
    const args = ['--consumer', CONSUMER, '--iam-policy', fixture('iam-policy-version.json'), '--grants', fixture('grants.json'), '--key-arn', KEY];
    const { status, report } = await doctor('--key-policy', fixture('key-policy-grant-is-for-aws-resource.json'), ...args);
    expect(status).toBe(1);
    expect(report.firstFailingStep).toBe('create-grant');
    const [fix] = report.fixes;
    expect(fix.kind).toBe('add-key-policy-statement');
    expect(fix.action).toMatch(/^do not just remove the kms:GrantIsForAWSResource condition \(the account could then grant any principal\)/);
    expect(fix.steps).toEqual(['create-grant']);
    expect(fix.problem).toContain('Allow attachment of persistent resources in external account');
    expect(fix.problem).toContain('kms:GrantIsForAWSResource');
    const policy = keyPolicyDoc('key-policy-grant-is-for-aws-resource.json');
    expect(fix.blocking).toEqual(policy.Statement[2]);
    // keyshare's replacement pins the grantee to the consumer's role and has no GrantIsForAWSResource.
    expect(fix.statement.Principal).toEqual({ AWS: `arn:aws:iam::${CONSUMER}:root` });
    expect(fix.statement.Action).toBe('kms:CreateGrant');
    expect(fix.statement.Condition.StringEquals['kms:GranteePrincipal']).toBe(SLR);
    expect(JSON.stringify(fix.statement)).not.toContain('GrantIsForAWSResource');

    const removed = { ...policy, Statement: policy.Statement.map((s: any, i: number) => (i === 2 ? { ...s, Condition: undefined } : s)) };
    expect((await doctor('--key-policy', tmpFile(removed), ...args)).status).toBe(0);
    const added = { ...policy, Statement: [...policy.Statement, fix.statement] };
    expect((await doctor('--key-policy', tmpFile(added), ...args)).status).toBe(0);
    const before = { ...NONE, keyPolicy: policy, iam: [iamDoc('iam-policy-version.json')], grants: grantsOf('grants.json') };
    noWider(before, { ...before, keyPolicy: added });
    // Removing the condition instead would let the account grant any principal: the probes see it.
    expect(
      widened(
        before,
        { ...before, keyPolicy: removed },
        { keyArn: KEY, owner: OWNER, consumer: CONSUMER, creator: `arn:aws:iam::${CONSUMER}:role/grant-creator` },
      ),
    ).not.toEqual([]);
  });

  test('missing IAM policy: says it was not given, and the statement to attach fixes it', async () => {
    const args = ['--key-policy', fixture('key-policy-cross-account.json'), '--consumer', CONSUMER, '--grants', fixture('grants.json')];
    const { status, report } = await doctor(...args);
    expect(status).toBe(1);
    expect(report.steps.find((s) => s.id === 'create-grant')?.principal).toBe(`arn:aws:iam::${CONSUMER}:role/grant-creator`);
    expect(report.inputs.join('\n')).toMatch(/IAM policies: none given, counted as none/);
    expect(report.inputs.join('\n')).toMatch(/grant creator: .*role\/grant-creator, a stand-in/);
    const [fix] = report.fixes;
    expect(fix.kind).toBe('attach-iam-statement');
    expect(fix.statement).toMatchObject({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY });
    expect(fix.command).toMatch(/^aws iam put-role-policy --role-name grant-creator /);
    const attached = tmpFile({ Version: '2012-10-17', Statement: [fix.statement] });
    expect((await doctor(...args, '--iam-policy', attached)).status).toBe(0);
    const before = { ...NONE, keyPolicy: keyPolicyDoc('key-policy-cross-account.json'), grants: grantsOf('grants.json') };
    noWider(before, { ...before, iam: [{ Version: '2012-10-17', Statement: [fix.statement] }] });
  });

  test('an IAM policy for another key: names its Resource as the near miss', async () => {
    const other = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'WrongRegion', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY.replace('us-west-2', 'us-east-1') }],
    };
    const { status, report } = await doctor(
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--grants',
      fixture('grants.json'),
      '--key-arn',
      KEY,
      '--iam-policy',
      tmpFile(other),
    );
    expect(status).toBe(1);
    expect(report.fixes[0].kind).toBe('attach-iam-statement');
    expect(report.fixes[0].problem).toMatch(/closest: IAM policy .* statement WrongRegion, whose Resource "arn:aws:kms:us-east-1:/);
    expect(report.fixes[0].blocking).toEqual(other.Statement[0]);
  });

  test('missing grant: prints the create-grant command, and that grant fixes it', async () => {
    const args = [
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-role-policy.json'),
      '--key-arn',
      KEY,
    ];
    const { status, report } = await doctor(...args);
    expect(status).toBe(1);
    expect(report.steps[0].decision).toBe('Allowed');
    expect(report.firstFailingStep).toBe('use-through-grant:Decrypt');
    expect(report.inputs.join('\n')).toContain(
      `grants: none given, counted as none; if you have created the grant, pass \`aws kms list-grants --key-id ${KEY} --output json\` output with --grants`,
    );
    expect(report.fixes).toHaveLength(1);
    const [fix] = report.fixes;
    expect(fix.kind).toBe('create-grant');
    expect(fix.steps).toEqual(CROSS_ACCOUNT_STEPS.slice(1));
    expect(fix.command).toBe(
      `aws kms create-grant --key-id ${KEY} --grantee-principal ${SLR} --operations ${GUIDE_OPERATIONS.join(' ')} --name keyshare-autoscaling --region us-west-2`,
    );
    expect((await doctor(...args, '--grants', tmpFile(grantFromCommand(fix.command as string)))).status).toBe(0);
    const before = {
      ...NONE,
      keyPolicy: keyPolicyDoc('key-policy-cross-account.json'),
      iam: [JSON.parse(fs.readFileSync(fixture('iam-role-policy.json'), 'utf8')).PolicyDocument],
    };
    noWider(before, { ...before, grants: (grantFromCommand(fix.command as string) as { Grants: any[] }).Grants });
  });

  test('a grant without the operations Auto Scaling needs: new grant, and retire the old one', async () => {
    const { status, report } = await doctor(
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--grants',
      fixture('grants-missing-operations.json'),
    );
    expect(status).toBe(1);
    // The grant has Decrypt and DescribeKey only; create-grant is judged with those operations.
    expect(report.inputs).toContain('kms:GrantOperations of create-grant: Decrypt DescribeKey, from grant partial0000 for the Auto Scaling role');
    expect(report.steps.filter((s) => s.decision === 'Allowed').map((s) => s.id)).toEqual(['create-grant', 'use-through-grant:Decrypt']);
    const [fix] = report.fixes;
    expect(fix.kind).toBe('create-grant');
    expect(fix.problem).toMatch(/grant partial0000/);
    expect(fix.action).toContain(`aws kms retire-grant --key-id ${KEY} --grant-id partial0000`);
  });

  test('an SCP Deny on the grant creator: names the SCP file and statement, proposes no exemption; the role is not bound by SCPs', async () => {
    const creator = `arn:aws:sts::${CONSUMER}:assumed-role/deploy/terraform`;
    const args = [
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version-urlencoded.json'),
      '--grants',
      fixture('grants.json'),
      '--grant-creator',
      creator,
      '--scp',
      fixture('scp-full-access.json'),
    ];
    const { status, report } = await doctor(...args, '--scp', fixture('scp-deny-create-grant.json'));
    expect(status).toBe(1);
    expect(report.steps[0]).toMatchObject({ id: 'create-grant', principal: creator, decision: 'ExplicitlyDenied' });
    expect(report.notes.join('\n')).not.toMatch(/grant creator is in account/);
    expect(report.steps.slice(1).every((s) => s.decision === 'Allowed')).toBe(true);
    const [fix] = report.fixes;
    expect(fix.kind).toBe('narrow-deny');
    expect(fix.problem).toContain('scp-deny-create-grant.json statement DenyKmsGrantCreation');
    expect(fix.blocking).toEqual(scpDoc('scp-deny-create-grant.json').Statement[0]);
    // A Deny is a guardrail: no statement that exempts anyone is printed.
    expect(fix.statement).toBeUndefined();
    expect(fix.action).toContain('keyshare proposes no exemption from a Deny');
  });

  test('a grant creator outside the consumer account is pointed out', async () => {
    const { report } = await doctor(
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--grant-creator',
      'arn:aws:iam::777788889999:role/deploy',
    );
    expect(report.notes).toContain(`the grant creator is in account 777788889999, not in the consumer account ${CONSUMER}`);
  });

  test('an SCP that allows no KMS action: says so, and the Allow statement fixes it', async () => {
    const args = [
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--grants',
      fixture('grants.json'),
    ];
    const { status, report } = await doctor(...args, '--scp', fixture('scp-allow-ec2-only.json'));
    expect(status).toBe(1);
    const [fix] = report.fixes;
    expect(fix.kind).toBe('allow-in-scp');
    expect(fix.problem).toContain('scp-allow-ec2-only.json');
    const scp = scpDoc('scp-allow-ec2-only.json');
    expect((await doctor(...args, '--scp', tmpFile({ ...scp, Statement: [...scp.Statement, fix.statement] }))).status).toBe(0);
    const before = {
      ...NONE,
      keyPolicy: keyPolicyDoc('key-policy-cross-account.json'),
      iam: [iamDoc('iam-policy-version.json')],
      grants: grantsOf('grants.json'),
      scps: [scp],
    };
    noWider(before, { ...before, scps: [{ ...scp, Statement: [...scp.Statement, fix.statement] }] });
  });

  test('an explicit Deny in the key policy is named as the blocking statement', async () => {
    const { status, report } = await doctor(
      '--key-policy',
      fixture('key-policy-explicit-deny.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--grants',
      fixture('grants.json'),
      '--key-arn',
      KEY,
    );
    expect(status).toBe(1);
    expect(report.steps[0].decision).toBe('ExplicitlyDenied');
    const [fix] = report.fixes;
    expect(fix.kind).toBe('narrow-deny');
    expect(fix.problem).toContain('key policy statement DenyGrantsNotForAwsResources');
    expect(fix.blocking).toEqual(keyPolicyDoc('key-policy-explicit-deny.json').Statement[3]);
  });

  // One statement-ID rule (statementId in src/policy/document.ts): an empty Sid is named Statement[i]
  // by the evaluator's trace and by doctor alike, so the fix still shows the statement at fault.
  test('an explicit Deny with "Sid": "" is still named and shown as the blocking statement', async () => {
    const doc: PolicyDocument = keyPolicyDoc('key-policy-explicit-deny.json');
    const unnamed = { ...doc, Statement: doc.Statement.map((st, i) => (i === 3 ? { ...st, Sid: '' } : st)) };
    const { status, report } = await doctor(
      '--key-policy',
      tmpFile(unnamed),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--grants',
      fixture('grants.json'),
      '--key-arn',
      KEY,
    );
    expect(status).toBe(1);
    const [fix] = report.fixes;
    expect(fix.kind).toBe('narrow-deny');
    expect(fix.problem).toContain('key policy statement Statement[3]');
    expect(fix.blocking).toEqual(unnamed.Statement[3]);
  });

  test('custom suffix: the suffixed role is checked; without the suffix the pinned statement is named as closest', async () => {
    const args = [
      '--key-policy',
      fixture('key-policy-suffix.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-suffix.json'),
      '--grants',
      fixture('grants-suffix.json'),
    ];
    const withSuffix = await doctor(...args, '--service-linked-role-suffix', 'web');
    expect(withSuffix.status).toBe(0);
    expect(withSuffix.report.serviceLinkedRole).toBe(`${SLR}_web`);

    const without = await doctor(...args);
    expect(without.status).toBe(1);
    expect(without.report.fixes[0].kind).toBe('add-key-policy-statement');
    expect(without.report.fixes[0].problem).toMatch(
      /closest: key policy statement AllowConsumerGrantForSuffixedRole, whose condition StringEquals kms:GranteePrincipal/,
    );

    const grantForDefault = await doctor(...args.slice(0, -2), '--grants', fixture('grants.json'), '--service-linked-role-suffix', 'web');
    expect(grantForDefault.status).toBe(1);
    expect(grantForDefault.report.fixes[0].command).toContain(`--grantee-principal ${SLR}_web `);
  });
});

describe('keyshare doctor: same account and AWS-managed keys', () => {
  test('same account: the service-linked role through the key policy (exit 0)', async () => {
    const { status, report } = await doctor('--key-policy', fixture('key-policy-same-account.json'), '--consumer', OWNER, '--key-arn', KEY);
    expect(status).toBe(0);
    expect(report.steps.map((s) => s.id)).toEqual(
      ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'].map((op) => `same-account:${op}`),
    );
    expect(report.inputs.join('\n')).toMatch(/same account/);
  });

  test('same account without the role statements: the two statements to add, which fix it', async () => {
    const { status, report } = await doctor('--key-policy', fixture('key-policy-root-only.json'), '--consumer', OWNER, '--key-arn', KEY);
    expect(status).toBe(1);
    expect(report.fixes.map((f) => f.kind)).toEqual(['add-key-policy-statement', 'add-key-policy-statement']);
    const role = `arn:aws:iam::${OWNER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    for (const f of report.fixes) expect(f.statement.Principal).toEqual({ AWS: role });
    // EC2 creates the volume's grant, so here the attachment statement does carry GrantIsForAWSResource.
    expect(report.fixes[1].statement.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': true } });
    const root = JSON.parse(fs.readFileSync(fixture('key-policy-root-only.json'), 'utf8'));
    const fixed = { Version: '2012-10-17', Statement: [root.Statement, ...report.fixes.map((f) => f.statement)] };
    expect((await doctor('--key-policy', tmpFile(fixed), '--consumer', OWNER, '--key-arn', KEY)).status).toBe(0);
  });

  test('an AWS-managed key is flagged as unshareable across accounts, by policy shape or by alias', async () => {
    const byShape = await doctor('--key-policy', fixture('key-policy-aws-managed.json'), '--consumer', CONSUMER);
    expect(byShape.status).toBe(1);
    expect(byShape.report.awsManagedKey).toMatch(/AWS-managed shape/);
    expect(byShape.report.fixes.map((f) => f.kind)).toEqual(['use-customer-managed-key']);
    expect(byShape.report.fixes[0].command).toMatch(/^aws ec2 copy-image .*--encrypted --kms-key-id/);

    const byAlias = await doctor(
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--key-arn',
      `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`,
    );
    expect(byAlias.status).toBe(1);
    expect(byAlias.report.awsManagedKey).toMatch(/alias\/aws\//);

    // In its own account aws/ebs works: any principal of the account may use it through EC2.
    const own = await doctor('--key-policy', fixture('key-policy-aws-managed.json'), '--consumer', OWNER);
    expect(own.status).toBe(0);
  });
});

describe("keyshare doctor on keyshare's own output", () => {
  const KEY_B = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  test.each([
    [CONSUMER_A, undefined],
    [CONSUMER_B, 'web'],
  ])('the key policy, IAM policy and grant keyshare emits for consumer %s (suffix %s) let it launch', async (account, suffix) => {
    const r = rollout();
    const files = [
      '--key-policy',
      tmpFile(keyPolicy(r)),
      '--iam-policy',
      tmpFile(consumerIamPolicy(r.partition, REGION, account, KEY_B, suffix)),
      '--grants',
      tmpFile(autoScalingGrant(r.partition, KEY_B, account, suffix)),
    ];
    const args = [...files, '--consumer', account, '--key-arn', KEY_B, ...(suffix ? ['--service-linked-role-suffix', suffix] : [])];
    const { status, report } = await doctor(...args);
    expect(report.fixes).toEqual([]);
    expect(status).toBe(0);
    // A stranger gets nothing from the same documents.
    expect((await doctor(...files, '--consumer', STRANGER, '--key-arn', KEY_B)).status).toBe(1);
  });

  test('same-account consumer of the same rollout', async () => {
    expect((await doctor('--key-policy', tmpFile(keyPolicy(rollout())), '--consumer', OWNER, '--key-arn', KEY_B)).status).toBe(0);
  });

  test('organization mode: membership not given is unknown, not denied; --context decides it', async () => {
    const args = [
      '--key-policy',
      tmpFile(keyPolicy(rollout(ORG_YAML))),
      '--iam-policy',
      tmpFile(consumerIamPolicy('aws', REGION, CONSUMER_A, KEY_B)),
      '--grants',
      tmpFile(autoScalingGrant('aws', KEY_B, CONSUMER_A)),
      '--consumer',
      CONSUMER_A,
      '--key-arn',
      KEY_B,
    ];
    const unknown = await doctor(...args);
    expect(unknown.status).toBe(1);
    expect(unknown.report.steps[0]).toMatchObject({ id: 'create-grant', decision: 'Unknown', dependsOn: ['aws:PrincipalOrgID'] });
    expect(unknown.report.fixes.map((f) => f.kind)).toEqual(['pass-context']);
    expect(unknown.report.fixes[0].action).toBe(
      'pass --context aws:PrincipalOrgID=… with the value for this account and key (AWS global condition context keys)',
    );
    expect((await doctor(...args, '--context', `aws:PrincipalOrgID=${ORG_ID}`)).status).toBe(0);
    expect((await doctor(...args, '--context', 'aws:PrincipalOrgID=o-zzzzzzzzzz')).status).toBe(1);
  });
});

describe('keyshare doctor: formats and bad input', () => {
  test('markdown: verdict, one table row per step, fixes; byte-identical on a second run', async () => {
    const args = [
      'doctor',
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--format',
      'markdown',
    ];
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
    const r = keyshare([
      'doctor',
      '--key-policy',
      fixture('key-policy-cross-account.json'),
      '--consumer',
      CONSUMER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
      '--grants',
      fixture('grants.json'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}PASS {2}1\. create-grant:/m);
    expect(r.stdout).toContain("Result: the launch works: every step of account 444455556666's launch path is allowed.");
  });

  /** The classic failure: the key policy's CreateGrant statement requires kms:GrantIsForAWSResource. */
  const CLASSIC_BUG = [
    'doctor',
    '--key-policy',
    fixture('key-policy-grant-is-for-aws-resource.json'),
    '--consumer',
    CONSUMER,
    '--iam-policy',
    fixture('iam-policy-version.json'),
    '--grants',
    fixture('grants.json'),
  ];

  test('the GrantIsForAWSResource bug: exit 1, FAIL, the statement and the condition', () => {
    const r = keyshare(CLASSIC_BUG);
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
    const args = [...CLASSIC_BUG, '--grant-creator', `arn:aws:iam::${CONSUMER}:role/deploy`];
    const r = keyshare([...args, '--fixed-key-policy', fixed]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `   Command, run with credentials of account ${OWNER}:\n     aws kms put-key-policy --key-id ${KEY} --policy-name default --policy file://${fixed} --region us-west-2\n`,
    );
    expect(r.stdout).toContain(`Key policy with the fixes added: written to ${fixed}`);
    const written = JSON.parse(fs.readFileSync(fixed, 'utf8'));
    expect(Object.keys(written)).toEqual(['Version', 'Id', 'Statement']);
    const after = keyshare([...args.map((a) => (a === fixture('key-policy-grant-is-for-aws-resource.json') ? fixed : a))]);
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
    const r = keyshare([
      'doctor',
      '--key-policy',
      fixture('key-policy-root-only.json'),
      '--consumer',
      OWNER,
      '--iam-policy',
      fixture('iam-policy-version.json'),
    ]);
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
