import * as fs from 'fs';
import * as path from 'path';
import { loadYaml } from '../../src/config';
import { InputError } from '../../src/errors';
import { applySuppressions, parseSuppressions, Suppression } from '../../src/review/suppressions';
import { keyshareInProcess } from '../cli/in-process';
import { expectBadInput } from '../support/cli';
import { planDocs, review } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_B } from '../support/rollouts';
import { tempDir } from '../support/temp';

// Offboarding a consumer removes its Auto Scaling grant: a deliberate high finding.
const OFFBOARD = (yaml: string) => yaml.replace(/ {2}- \{ account: "777788889999".*\n/, '');
const STACK_B = `consumer-${CONSUMER_B}`;

let dir: string;
const load = (file: string) => parseSuppressions(loadYaml('suppressions', '--suppressions', file), file);
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
beforeAll(() => (dir = tempDir('keyshare-suppressions-')));

const offboarding = (where: string, expires: string): Suppression => ({
  rule: 'autoscaling-grant-removed',
  where,
  reason: `account ${CONSUMER_B} is offboarded (CHG-1)`,
  expires,
});

describe('applySuppressions', () => {
  const { findings } = review(planDocs(BASE_YAML, OFFBOARD(BASE_YAML)));

  test('a live suppression hides the findings of its rule at its place, and says why', () => {
    expect(findings.map((f) => f.rule)).toEqual(['autoscaling-grant-removed']);
    const out = applySuppressions(findings, [offboarding(STACK_B, '2027-01-31')], '2027-01-31');
    expect(out.findings).toEqual([]);
    expect(out.suppressed).toEqual([
      expect.objectContaining({
        rule: 'autoscaling-grant-removed',
        severity: 'high',
        stack: STACK_B,
        reason: `account ${CONSUMER_B} is offboarded (CHG-1)`,
      }),
    ]);
  });

  test('STACK/ADDRESS with globs; another stack, address or rule is not hidden', () => {
    expect(applySuppressions(findings, [offboarding('consumer-*/aws_kms_grant.*', '2027-01-31')], '2026-12-07').findings).toEqual([]);
    expect(applySuppressions(findings, [offboarding('owner', '2027-01-31')], '2026-12-07').findings).toEqual(findings);
    expect(applySuppressions(findings, [offboarding(`${STACK_B}/aws_iam_policy.*`, '2027-01-31')], '2026-12-07').findings).toEqual(findings);
    const other: Suppression = { ...offboarding(STACK_B, '2027-01-31'), rule: 'rotation-disabled' };
    expect(applySuppressions(findings, [other], '2026-12-07').findings).toEqual(findings);
  });

  test('after its expiry day a suppression hides nothing and is a high finding of its own', () => {
    const out = applySuppressions(findings, [offboarding(STACK_B, '2027-01-31')], '2027-02-01');
    expect(out.suppressed).toEqual([]);
    expect(out.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['suppression-expired', 'high'],
      ['autoscaling-grant-removed', 'high'],
    ]);
    expect(out.findings[0].message).toContain(`expired on 2027-01-31 (reason given: account ${CONSUMER_B} is offboarded (CHG-1))`);
  });
});

describe('the suppressions file', () => {
  const entry = `  - { rule: autoscaling-grant-removed, where: ${STACK_B}, reason: offboarded, expires: "2027-01-31" }\n`;

  test('YAML (a bare date stays text under YAML 1.2) or JSON', () => {
    expect(load(write('s.yaml', `suppressions:\n${entry.replace('"2027-01-31"', '2027-01-31')}`))).toEqual([
      { rule: 'autoscaling-grant-removed', where: STACK_B, reason: 'offboarded', expires: '2027-01-31' },
    ]);
    expect(load(write('s.json', JSON.stringify({ suppressions: [] })))).toEqual([]);
  });

  test.each([
    [
      'a rule review does not raise',
      entry.replace('autoscaling-grant-removed', 'least-privilege'),
      'suppressions[0].rule',
      /name one of: key-deletion/,
    ],
    ['no reason', entry.replace(', reason: offboarded', ''), 'suppressions[0].reason', /say why/],
    ['an empty reason', entry.replace('reason: offboarded', 'reason: "  "'), 'suppressions[0].reason', /say why/],
    ['a date that is not on the calendar', entry.replace('2027-01-31', '2027-02-30'), 'suppressions[0].expires', /YYYY-MM-DD/],
    ['an unknown field', entry.replace('reason:', 'severity: low, reason:'), 'suppressions[0].severity', /rule, where, reason and expires/],
  ])('%s: one line naming the field and the fix', (_, text, field, fix) => {
    const file = write('bad.yaml', `suppressions:\n${text}`);
    let err: unknown;
    try {
      load(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe(`--suppressions ${file}: ${field}`);
    expect((err as InputError).fix).toMatch(fix);
  });
});

describe('review --suppressions', () => {
  test('a deliberate offboarding passes at --fail-on high, and the comment lists what was suppressed and why', async () => {
    const base = write('base.yaml', BASE_YAML);
    const next = write('next.yaml', OFFBOARD(BASE_YAML));
    expect((await keyshareInProcess(['review', '--base-config', base, '--config', next])).status).toBe(1);
    const file = write(
      'suppressions.yaml',
      `suppressions:\n  - { rule: autoscaling-grant-removed, where: ${STACK_B}, reason: offboarded in CHG-1, expires: "2999-12-31" }\n`,
    );
    const r = await keyshareInProcess(['review', '--base-config', base, '--config', next, '--suppressions', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('#### Suppressed');
    expect(r.stdout).toMatch(/- high \[`autoscaling-grant-removed`\]: .+<br>suppressed until 2999-12-31: offboarded in CHG-1/);
    const json = JSON.parse(
      (await keyshareInProcess(['review', '--base-config', base, '--config', next, '--suppressions', file, '--format', 'json'])).stdout,
    );
    expect(json.findings).toEqual([]);
    expect(json.suppressed).toHaveLength(1);
    const expired = write(
      'expired.yaml',
      `suppressions:\n  - { rule: autoscaling-grant-removed, where: ${STACK_B}, reason: offboarded, expires: "2000-01-01" }\n`,
    );
    expect(
      (await keyshareInProcess(['review', '--base-config', base, '--config', next, '--suppressions', expired, '--fail-on', 'never'])).status,
    ).toBe(0);
    expect((await keyshareInProcess(['review', '--base-config', base, '--config', next, '--suppressions', expired])).status).toBe(1);
    expectBadInput(
      await keyshareInProcess(['review', '--base-config', base, '--config', next, '--suppressions', path.join(dir, 'none.yaml')]),
      /^keyshare: --suppressions: file not found/,
    );
  });
});
