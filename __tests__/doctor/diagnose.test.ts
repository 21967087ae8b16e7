import * as fs from 'fs';
import * as path from 'path';
import { deployWorks, diagnose, type DoctorTarget, launchWorks } from '../../src/doctor/diagnose';
import { type KeyAccessFlags, loadKeyAccess } from '../../src/inputs/key-access';
import { stepPasses } from '../../src/launch/evaluate';
import { verdictDecision } from '../../src/templates/authorization';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { autoScalingGrant } from '../../src/policy/grant';
import { keyPolicy } from '../../src/policy/key-policy';
import type { PolicyDocument } from '../../src/policy/document';
import { keyAccessFile as fixture } from '../support/cli';
import { CONSUMER_A, CONSUMER_B, ORG_ID, ORG_YAML, REGION, rollout, STRANGER } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { Setup, widened } from '../support/no-wider';
import { GUIDE_GRANT_OPERATIONS as GUIDE_OPERATIONS } from '../support/aws-pages';

/**
 * doctor's logic, `diagnose` on the documents as `loadKeyAccess` reads them from files: which step
 * fails, why, and the fix, each fix then applied and proven. The CLI's flags, formats and exit codes
 * are tested in __tests__/cli/doctor.test.ts.
 */

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

/** The documents (fixture names or paths) and the target, as doctor's flags give them. */
interface Given extends DoctorTarget {
  readonly keyPolicy: string;
  readonly iamPolicy?: string;
  readonly grants?: string;
  readonly scps?: readonly string[];
  readonly keyArn?: string;
}

/** Diagnoses `given`; `works` is what doctor's exit code says, `steps` the launch path step by step. */
async function doctor(given: Given) {
  const { keyPolicy: keyPolicyFile, iamPolicy, grants, scps, keyArn, ...target } = given;
  const flags: KeyAccessFlags = {
    keyPolicy: fixture(keyPolicyFile),
    keyArn,
    iamPolicy: iamPolicy === undefined ? [] : [fixture(iamPolicy)],
    grants: grants === undefined ? undefined : fixture(grants),
    scp: (scps ?? []).map(fixture),
  };
  const d = diagnose(await loadKeyAccess(flags), flags, target);
  return {
    works: launchWorks(d) && deployWorks(d),
    d,
    firstFailingStep: d.steps.find((s) => !stepPasses(s))?.step.id,
    steps: d.steps.map((s) => ({ id: s.step.id, principal: s.step.request.principal, decision: verdictDecision(s), dependsOn: s.dependsOn })),
  };
}

function tmpFile(content: unknown, name = 'input.json'): string {
  const file = path.join(tempDir('keyshare-doctor-'), name);
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
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
function grantFromCommand(command: string): { Grants: { KeyId: string; GranteePrincipal: string; Operations: string[] }[] } {
  const words = command.split(' ');
  const value = (flag: string) => words[words.indexOf(flag) + 1];
  const start = words.indexOf('--operations') + 1;
  const end = words.findIndex((w, i) => i >= start && w.startsWith('--'));
  return { Grants: [{ KeyId: value('--key-id'), GranteePrincipal: value('--grantee-principal'), Operations: words.slice(start, end) }] };
}

/** The working cross-account setup of the fixtures: key policy, the creator's IAM policy and the grant. */
const WORKING: Given = {
  keyPolicy: 'key-policy-cross-account.json',
  consumer: CONSUMER,
  iamPolicy: 'iam-policy-version.json',
  grants: 'grants.json',
};

describe('diagnose: cross-account', () => {
  test('a working setup passes every step', async () => {
    const { works, d, steps, firstFailingStep } = await doctor({ ...WORKING, scps: ['scp-full-access.json'], keyArn: KEY });
    expect(works).toBe(true);
    expect(steps.map((s) => s.id)).toEqual(CROSS_ACCOUNT_STEPS);
    expect(steps.every((s) => s.decision === 'Allowed')).toBe(true);
    expect(d.fixes).toEqual([]);
    expect(firstFailingStep).toBeUndefined();
  });

  test('the GrantIsForAWSResource bug: names the statement and the condition, and adds the pinned statement rather than removing it', async () => {
    const given = { ...WORKING, keyArn: KEY };
    const { works, d, firstFailingStep } = await doctor({ ...given, keyPolicy: 'key-policy-grant-is-for-aws-resource.json' });
    expect(works).toBe(false);
    expect(firstFailingStep).toBe('create-grant');
    const [fix] = d.fixes;
    expect(fix.kind).toBe('add-key-policy-statement');
    expect(fix.action).toMatch(/^do not just remove the kms:GrantIsForAWSResource condition \(the account could then grant any principal\)/);
    expect(fix.steps).toEqual(['create-grant']);
    expect(fix.problem).toContain('Allow attachment of persistent resources in external account');
    expect(fix.problem).toContain('kms:GrantIsForAWSResource');
    const policy = keyPolicyDoc('key-policy-grant-is-for-aws-resource.json');
    expect(fix.blocking).toEqual(policy.Statement[2]);
    // keyshare's replacement pins the grantee to the consumer's role and has no GrantIsForAWSResource.
    const statement = fix.statement!;
    expect(statement.Principal).toEqual({ AWS: `arn:aws:iam::${CONSUMER}:root` });
    expect(statement.Action).toBe('kms:CreateGrant');
    expect(statement.Condition!.StringEquals['kms:GranteePrincipal']).toBe(SLR);
    expect(JSON.stringify(statement)).not.toContain('GrantIsForAWSResource');
    // The key policy with the fix applied is the one --fixed-key-policy writes.
    expect(d.fixedKeyPolicy?.document.Statement).toEqual([...policy.Statement, statement]);

    const removed = { ...policy, Statement: policy.Statement.map((s: object, i: number) => (i === 2 ? { ...s, Condition: undefined } : s)) };
    expect((await doctor({ ...given, keyPolicy: tmpFile(removed) })).works).toBe(true);
    const added = { ...policy, Statement: [...policy.Statement, statement] };
    expect((await doctor({ ...given, keyPolicy: tmpFile(added) })).works).toBe(true);
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
    const given = { ...WORKING, iamPolicy: undefined };
    const { works, d, steps } = await doctor(given);
    expect(works).toBe(false);
    expect(steps.find((s) => s.id === 'create-grant')?.principal).toBe(`arn:aws:iam::${CONSUMER}:role/grant-creator`);
    expect(d.inputs.join('\n')).toMatch(/IAM policies: none given, counted as none/);
    expect(d.inputs.join('\n')).toMatch(/grant creator: .*role\/grant-creator, a stand-in/);
    const [fix] = d.fixes;
    expect(fix.kind).toBe('attach-iam-statement');
    expect(fix.statement).toMatchObject({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY });
    expect(fix.command).toMatch(/^aws iam put-role-policy --role-name grant-creator /);
    expect(fix.runIn).toBe(CONSUMER);
    const attached = tmpFile({ Version: '2012-10-17', Statement: [fix.statement] });
    expect((await doctor({ ...given, iamPolicy: attached })).works).toBe(true);
    const before = { ...NONE, keyPolicy: keyPolicyDoc('key-policy-cross-account.json'), grants: grantsOf('grants.json') };
    noWider(before, { ...before, iam: [{ Version: '2012-10-17', Statement: [fix.statement!] }] });
  });

  test('an IAM policy for another key: names its Resource as the near miss', async () => {
    const other = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'WrongRegion', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY.replace('us-west-2', 'us-east-1') }],
    };
    const { works, d } = await doctor({ ...WORKING, keyArn: KEY, iamPolicy: tmpFile(other) });
    expect(works).toBe(false);
    expect(d.fixes[0].kind).toBe('attach-iam-statement');
    expect(d.fixes[0].problem).toMatch(/closest: IAM policy .* statement WrongRegion, whose Resource "arn:aws:kms:us-east-1:/);
    expect(d.fixes[0].blocking).toEqual(other.Statement[0]);
  });

  test('missing grant: the create-grant command, and that grant fixes it', async () => {
    const given = { ...WORKING, iamPolicy: 'iam-role-policy.json', grants: undefined, keyArn: KEY };
    const { works, d, steps, firstFailingStep } = await doctor(given);
    expect(works).toBe(false);
    expect(steps[0].decision).toBe('Allowed');
    expect(firstFailingStep).toBe('use-through-grant:Decrypt');
    expect(d.inputs).toContain(
      `grants: none given, counted as none; if you have created the grant, pass \`aws kms list-grants --key-id ${KEY} --output json\` output with --grants`,
    );
    expect(d.fixes).toHaveLength(1);
    const [fix] = d.fixes;
    expect(fix.kind).toBe('create-grant');
    expect(fix.steps).toEqual(CROSS_ACCOUNT_STEPS.slice(1));
    expect(fix.command).toBe(
      `aws kms create-grant --key-id ${KEY} --grantee-principal ${SLR} --operations ${GUIDE_OPERATIONS.join(' ')} --name keyshare-autoscaling --region us-west-2`,
    );
    const grant = grantFromCommand(fix.command!);
    expect((await doctor({ ...given, grants: tmpFile(grant) })).works).toBe(true);
    const before = {
      ...NONE,
      keyPolicy: keyPolicyDoc('key-policy-cross-account.json'),
      iam: [JSON.parse(fs.readFileSync(fixture('iam-role-policy.json'), 'utf8')).PolicyDocument],
    };
    noWider(before, { ...before, grants: grant.Grants });
  });

  test('a grant without the operations Auto Scaling needs: new grant, and retire the old one', async () => {
    const { works, d, steps } = await doctor({ ...WORKING, grants: 'grants-missing-operations.json' });
    expect(works).toBe(false);
    // The grant has Decrypt and DescribeKey only; create-grant is judged with those operations.
    expect(d.inputs).toContain('kms:GrantOperations of create-grant: Decrypt DescribeKey, from grant partial0000 for the Auto Scaling role');
    expect(steps.filter((s) => s.decision === 'Allowed').map((s) => s.id)).toEqual(['create-grant', 'use-through-grant:Decrypt']);
    const [fix] = d.fixes;
    expect(fix.kind).toBe('create-grant');
    expect(fix.problem).toMatch(/grant partial0000/);
    expect(fix.action).toContain(`aws kms retire-grant --key-id ${KEY} --grant-id partial0000`);
  });

  test('an SCP Deny on the grant creator: names the SCP file and statement, proposes no exemption; the role is not bound by SCPs', async () => {
    const creator = `arn:aws:sts::${CONSUMER}:assumed-role/deploy/terraform`;
    const { works, d, steps } = await doctor({
      ...WORKING,
      iamPolicy: 'iam-policy-version-urlencoded.json',
      grantCreator: creator,
      scps: ['scp-full-access.json', 'scp-deny-create-grant.json'],
    });
    expect(works).toBe(false);
    expect(steps[0]).toMatchObject({ id: 'create-grant', principal: creator, decision: 'ExplicitlyDenied' });
    expect(d.notes.join('\n')).not.toMatch(/grant creator is in account/);
    expect(steps.slice(1).every((s) => s.decision === 'Allowed')).toBe(true);
    const [fix] = d.fixes;
    expect(fix.kind).toBe('narrow-deny');
    expect(fix.problem).toContain('scp-deny-create-grant.json statement DenyKmsGrantCreation');
    expect(fix.blocking).toEqual(scpDoc('scp-deny-create-grant.json').Statement[0]);
    // A Deny is a guardrail: no statement that exempts anyone is printed.
    expect(fix.statement).toBeUndefined();
    expect(fix.action).toContain('keyshare proposes no exemption from a Deny');
  });

  test('a grant creator outside the consumer account is pointed out', async () => {
    const { d } = await doctor({
      keyPolicy: 'key-policy-cross-account.json',
      consumer: CONSUMER,
      grantCreator: 'arn:aws:iam::777788889999:role/deploy',
    });
    expect(d.notes).toContain(`the grant creator is in account 777788889999, not in the consumer account ${CONSUMER}`);
  });

  test('an SCP that allows no KMS action: says so, and the Allow statement fixes it', async () => {
    const { works, d } = await doctor({ ...WORKING, scps: ['scp-allow-ec2-only.json'] });
    expect(works).toBe(false);
    const [fix] = d.fixes;
    expect(fix.kind).toBe('allow-in-scp');
    expect(fix.problem).toContain('scp-allow-ec2-only.json');
    const scp = scpDoc('scp-allow-ec2-only.json');
    const fixed = { ...scp, Statement: [...scp.Statement, fix.statement] };
    expect((await doctor({ ...WORKING, scps: [tmpFile(fixed)] })).works).toBe(true);
    const before = {
      ...NONE,
      keyPolicy: keyPolicyDoc('key-policy-cross-account.json'),
      iam: [iamDoc('iam-policy-version.json')],
      grants: grantsOf('grants.json'),
      scps: [scp],
    };
    noWider(before, { ...before, scps: [fixed] });
  });

  test('an explicit Deny in the key policy is named as the blocking statement', async () => {
    const { works, d, steps } = await doctor({ ...WORKING, keyPolicy: 'key-policy-explicit-deny.json', keyArn: KEY });
    expect(works).toBe(false);
    expect(steps[0].decision).toBe('ExplicitlyDenied');
    const [fix] = d.fixes;
    expect(fix.kind).toBe('narrow-deny');
    expect(fix.problem).toContain('key policy statement DenyGrantsNotForAwsResources');
    expect(fix.blocking).toEqual(keyPolicyDoc('key-policy-explicit-deny.json').Statement[3]);
  });

  // One statement-ID rule (statementId in src/policy/document.ts): an empty Sid is named Statement[i]
  // by the evaluator's trace and by doctor alike, so the fix still shows the statement at fault.
  test('an explicit Deny with "Sid": "" is still named and shown as the blocking statement', async () => {
    const doc: PolicyDocument = keyPolicyDoc('key-policy-explicit-deny.json');
    const unnamed = { ...doc, Statement: doc.Statement.map((st, i) => (i === 3 ? { ...st, Sid: '' } : st)) };
    const { works, d } = await doctor({ ...WORKING, keyPolicy: tmpFile(unnamed), keyArn: KEY });
    expect(works).toBe(false);
    const [fix] = d.fixes;
    expect(fix.kind).toBe('narrow-deny');
    expect(fix.problem).toContain('key policy statement Statement[3]');
    expect(fix.blocking).toEqual(unnamed.Statement[3]);
  });

  test('custom suffix: the suffixed role is checked; without the suffix the pinned statement is named as closest', async () => {
    const given = { keyPolicy: 'key-policy-suffix.json', consumer: CONSUMER, iamPolicy: 'iam-policy-suffix.json', grants: 'grants-suffix.json' };
    const withSuffix = await doctor({ ...given, serviceLinkedRoleSuffix: 'web' });
    expect(withSuffix.works).toBe(true);
    expect(withSuffix.d.serviceLinkedRole).toBe(`${SLR}_web`);

    const without = await doctor(given);
    expect(without.works).toBe(false);
    expect(without.d.fixes[0].kind).toBe('add-key-policy-statement');
    expect(without.d.fixes[0].problem).toMatch(
      /closest: key policy statement AllowConsumerGrantForSuffixedRole, whose condition StringEquals kms:GranteePrincipal/,
    );

    const grantForDefault = await doctor({ ...given, grants: 'grants.json', serviceLinkedRoleSuffix: 'web' });
    expect(grantForDefault.works).toBe(false);
    expect(grantForDefault.d.fixes[0].command).toContain(`--grantee-principal ${SLR}_web `);
  });
});

describe('diagnose: same account and AWS-managed keys', () => {
  test('same account: the service-linked role through the key policy', async () => {
    const { works, d, steps } = await doctor({ keyPolicy: 'key-policy-same-account.json', consumer: OWNER, keyArn: KEY });
    expect(works).toBe(true);
    expect(steps.map((s) => s.id)).toEqual(
      ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'].map((op) => `same-account:${op}`),
    );
    expect(d.inputs.join('\n')).toMatch(/same account/);
  });

  test('same account without the role statements: the two statements to add, which fix it', async () => {
    const { works, d } = await doctor({ keyPolicy: 'key-policy-root-only.json', consumer: OWNER, keyArn: KEY });
    expect(works).toBe(false);
    expect(d.fixes.map((f) => f.kind)).toEqual(['add-key-policy-statement', 'add-key-policy-statement']);
    const role = `arn:aws:iam::${OWNER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    for (const f of d.fixes) expect(f.statement!.Principal).toEqual({ AWS: role });
    // EC2 creates the volume's grant, so here the attachment statement does carry GrantIsForAWSResource.
    expect(d.fixes[1].statement!.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': true } });
    const root = JSON.parse(fs.readFileSync(fixture('key-policy-root-only.json'), 'utf8'));
    const fixed = { Version: '2012-10-17', Statement: [root.Statement, ...d.fixes.map((f) => f.statement)] };
    expect((await doctor({ keyPolicy: tmpFile(fixed), consumer: OWNER, keyArn: KEY })).works).toBe(true);
  });

  test('an AWS-managed key is flagged as unshareable across accounts, by policy shape or by alias', async () => {
    const byShape = await doctor({ keyPolicy: 'key-policy-aws-managed.json', consumer: CONSUMER });
    expect(byShape.works).toBe(false);
    expect(byShape.d.awsManaged).toMatch(/AWS-managed shape/);
    expect(byShape.d.fixes.map((f) => f.kind)).toEqual(['use-customer-managed-key']);
    expect(byShape.d.fixes[0].command).toMatch(/^aws ec2 copy-image .*--encrypted --kms-key-id/);

    const byAlias = await doctor({
      keyPolicy: 'key-policy-cross-account.json',
      consumer: CONSUMER,
      keyArn: `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`,
    });
    expect(byAlias.works).toBe(false);
    expect(byAlias.d.awsManaged).toMatch(/alias\/aws\//);

    // In its own account aws/ebs works: any principal of the account may use it through EC2.
    expect((await doctor({ keyPolicy: 'key-policy-aws-managed.json', consumer: OWNER })).works).toBe(true);
  });
});

describe("diagnose on keyshare's own output", () => {
  const KEY_B = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  test.each([
    [CONSUMER_A, undefined],
    [CONSUMER_B, 'web'],
  ])('the key policy, IAM policy and grant keyshare emits for consumer %s (suffix %s) let it launch', async (account, suffix) => {
    const r = rollout();
    const files = {
      keyPolicy: tmpFile(keyPolicy(r)),
      iamPolicy: tmpFile(consumerIamPolicy(r.partition, REGION, account, KEY_B, suffix)),
      grants: tmpFile(autoScalingGrant(r.partition, KEY_B, account, suffix)),
      keyArn: KEY_B,
    };
    const { works, d } = await doctor({ ...files, consumer: account, serviceLinkedRoleSuffix: suffix });
    expect(d.fixes).toEqual([]);
    expect(works).toBe(true);
    // A stranger gets nothing from the same documents.
    expect((await doctor({ ...files, consumer: STRANGER })).works).toBe(false);
  });

  test('same-account consumer of the same rollout', async () => {
    expect((await doctor({ keyPolicy: tmpFile(keyPolicy(rollout())), consumer: OWNER, keyArn: KEY_B })).works).toBe(true);
  });

  test('organization mode: membership not given is unknown, not denied; the context decides it', async () => {
    const given = {
      keyPolicy: tmpFile(keyPolicy(rollout(ORG_YAML))),
      iamPolicy: tmpFile(consumerIamPolicy('aws', REGION, CONSUMER_A, KEY_B)),
      grants: tmpFile(autoScalingGrant('aws', KEY_B, CONSUMER_A)),
      consumer: CONSUMER_A,
      keyArn: KEY_B,
    };
    const unknown = await doctor(given);
    expect(unknown.works).toBe(false);
    expect(unknown.steps[0]).toMatchObject({ id: 'create-grant', decision: 'Unknown', dependsOn: ['aws:PrincipalOrgID'] });
    expect(unknown.d.fixes.map((f) => f.kind)).toEqual(['pass-context']);
    expect(unknown.d.fixes[0].action).toBe(
      'pass --context aws:PrincipalOrgID=… with the value for this account and key (AWS global condition context keys)',
    );
    expect((await doctor({ ...given, context: { 'aws:PrincipalOrgID': ORG_ID } })).works).toBe(true);
    expect((await doctor({ ...given, context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } })).works).toBe(false);
  });
});
