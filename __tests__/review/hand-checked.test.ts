import * as fs from 'fs';
import * as path from 'path';
import { render } from '../../src/render/format';
import { reviewRenderers } from '../../src/render/review';
import { loadPlanSet } from '../../src/review/plan-set';
import { reviewReportSchema } from '../../src/review/report';
import { reviewPlans } from '../../src/review/review';
import { keyshareInProcess } from '../cli/in-process';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

/**
 * A plan written and checked by hand against the documented format (format_version 1.2): the
 * owner stack replaces its key (customer_master_key_spec), retires consumer 444455556666's grant
 * and grants 777788889999 instead (key ID known after apply), moves a launch permission, imports
 * an IAM policy, and creates an SSM parameter whose value is sensitive. Every expectation below
 * was worked out from the file, not copied from the output.
 */
const FIXTURE = path.join(ROOT, '__tests__/fixtures/review/hand-checked.plan.json');
const SECRET = 'hunter2-never-shown';

const report = () => reviewPlans(loadPlanSet([FIXTURE]));

it('counts each action as terraform plan would, data sources aside', () => {
  const r = report();
  expect(r.stacks.map((s) => [s.stack, s.account, s.formatVersion])).toEqual([['hand-checked.plan', '111122223333', '1.2']]);
  expect(r.totals).toEqual({ create: 2, update: 2, delete: 1, replace: 1, import: 1, move: 1, 'no-op': 0 });
});

it('lists the replacement and the deletion first, with reason and forcing path', () => {
  expect(report().destructive.map((c) => [c.address, c.kind, c.actionReason, c.replacePaths])).toEqual([
    ['aws_kms_key.shared', 'replace', 'replace_because_cannot_update', ['customer_master_key_spec']],
    ['aws_kms_grant.consumer_a', 'delete', 'delete_because_no_resource_config', []],
  ]);
});

it('shows moves and imports, and unknown values as known after apply', () => {
  const r = report();
  expect(r.changes.find((c) => c.address === 'aws_ami_launch_permission.consumer_b')).toMatchObject({
    moved: true,
    previousAddress: 'aws_ami_launch_permission.legacy',
  });
  expect(r.changes.find((c) => c.address === 'aws_iam_policy.reader')?.importing).toBe('arn:aws:iam::111122223333:policy/reader');
  expect(r.changes.find((c) => c.address === 'aws_kms_alias.shared')?.attributes).toEqual([
    { path: 'target_key_id', before: '1234abcd-12ab-34cd-56ef-1234567890ab', after: '(known after apply)' },
  ]);
  expect(r.permissions.find((p) => p.address === 'aws_kms_grant.consumer_b')?.after).toMatch(/on the key \(known after apply\)$/);
});

it('never shows the sensitive value, in any format', () => {
  const r = report();
  expect(r.changes.find((c) => c.address === 'aws_ssm_parameter.key_note')?.attributes.find((a) => a.path === 'value')?.after).toBe(
    '(sensitive value)',
  );
  for (const format of ['json', 'markdown', 'text'] as const)
    expect(render(reviewRenderers, { report: r, options: { failOn: 'high' } }, format)).not.toContain(SECRET);
});

it('finds the replacement and the removed Auto Scaling grant, and the access that moves', () => {
  const r = report();
  expect(r.findings.map((f) => [f.rule, f.severity, f.address])).toEqual([
    ['key-replacement', 'high', 'aws_kms_key.shared'],
    ['autoscaling-grant-removed', 'high', 'aws_kms_grant.consumer_a'],
    // The new key's policy allows no consumer kms:ListGrants: 777788889999's stack cannot read back its grant.
    ['deploy-path-broken', 'high', 'aws_kms_key.shared'],
  ]);
  const key = r.keys[0];
  expect(key.keyArnAssumed).toBe(true);
  expect(key.launch.map((l) => [l.account, l.before, l.after, l.status])).toEqual([
    ['444455556666', 'holds', 'absent', 'removed'],
    ['777788889999', 'absent', 'holds', 'holds'],
  ]);
  const who = (id: string) => key.access.find((a) => a.who.id === id)!;
  expect(who('444455556666').lost).toContain('kms:Decrypt');
  expect(who('444455556666').after).toEqual([]);
  expect(who('777788889999').gained).toContain('kms:CreateGrant (for its own Auto Scaling role)');
  expect(who('777788889999').gained).not.toContain('kms:CreateGrant (for any grantee)');
  expect(r.policies.map((p) => [p.subject, p.address, p.statements.map((s) => `${s.change} ${s.id}`)])).toEqual([
    [
      'key policy',
      'aws_kms_key.shared',
      [
        'changed AllowConsumerAccountsUseOfKey',
        'added AllowConsumer777788889999AutoScalingGrant',
        'removed AllowConsumer444455556666AutoScalingGrant',
      ],
    ],
    ['IAM policy', 'aws_iam_policy.reader', ['added ReadKey']],
  ]);
});

describe('the CLI', () => {
  let dir: string;
  beforeAll(() => (dir = tempDir('keyshare-review-cli-')));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 1 at --fail-on high and 0 at never; the JSON report follows its schema', async () => {
    const failing = await keyshareInProcess(['review', FIXTURE, '--format', 'json']);
    expect(failing.status).toBe(1);
    const parsed = reviewReportSchema.safeParse(JSON.parse(failing.stdout));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(JSON.parse(failing.stdout).failed).toBe(true);
    expect((await keyshareInProcess(['review', FIXTURE, '--fail-on', 'never'])).status).toBe(0);
  });

  it('writes the full report with --out, atomically, and never over a file it did not write', async () => {
    const out = path.join(dir, 'review.md');
    const r = await keyshareInProcess(['review', FIXTURE, '--out', out, '--fail-on', 'never']);
    expect(r.status).toBe(0);
    // The comment shortens long values and action lists, after a JSON token; the full report never cuts anything.
    const full = fs.readFileSync(out, 'utf8');
    expect(r.stdout).toContain('more characters in the full report)');
    expect(r.stdout).toMatch(/\\"Action\\":\[ … \(\d+ more characters in the full report\)/);
    expect(full).not.toMatch(/more characters in the full report|… \d+ more\)|…and \d+ more/);
    expect(full).toContain('kms:GenerateDataKeyPairWithoutPlaintext, kms:GenerateDataKeyWithoutPlaintext, kms:ReEncryptFrom, kms:ReEncryptTo)');
    expect(fs.readdirSync(dir)).toEqual(['review.md']);
    expect((await keyshareInProcess(['review', FIXTURE, '--out', out, '--fail-on', 'never'])).status).toBe(0);
    const mine = path.join(dir, 'notes.md');
    fs.writeFileSync(mine, 'my notes');
    const refused = await keyshareInProcess(['review', FIXTURE, '--out', mine]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--out: exists and is not a report keyshare review wrote.*notes\.md/);
    expect(fs.readFileSync(mine, 'utf8')).toBe('my notes');
  });

  it('reads a directory of plans and skips JSON that is not a plan', async () => {
    const stacks = path.join(dir, 'stacks');
    fs.mkdirSync(path.join(stacks, 'owner'), { recursive: true });
    fs.copyFileSync(FIXTURE, path.join(stacks, 'owner', 'plan.json'));
    fs.writeFileSync(path.join(stacks, 'owner', 'cdk.tf.json'), '{"resource": {}}');
    const r = await keyshareInProcess(['review', stacks, '--format', 'json', '--fail-on', 'never']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).stacks.map((s: { stack: string }) => s.stack)).toEqual(['owner']);
  });
});
