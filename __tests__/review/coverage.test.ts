import * as fs from 'fs';
import * as path from 'path';
import { keyshare, ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

/**
 * A review that fails closed: a root the change touches whose plan failed, is errored, or is
 * missing is named as not reviewed, and the review fails whatever --fail-on says.
 */

const PLAN = fs.readFileSync(path.join(ROOT, '__tests__/fixtures/review/hand-checked.plan.json'), 'utf8');
const work = tempDir('keyshare-coverage-');

/** A plan set laid out as `.keyshare/plan-roots` writes it: <plans>/<root>/plan.json, or plan.failed. */
function planSet(name: string, roots: Record<string, string | { failed: string } | { errored: true }>): string {
  const dir = path.join(work, name);
  for (const [root, content] of Object.entries(roots)) {
    fs.mkdirSync(path.join(dir, root), { recursive: true });
    if (typeof content === 'string') fs.writeFileSync(path.join(dir, root, 'plan.json'), content);
    else if ('failed' in content) fs.writeFileSync(path.join(dir, root, 'plan.failed'), content.failed);
    else fs.writeFileSync(path.join(dir, root, 'plan.json'), JSON.stringify({ ...JSON.parse(PLAN), errored: true }));
  }
  return dir;
}

function expectRoots(name: string, roots: readonly string[]): string {
  const file = path.join(work, `${name}.txt`);
  fs.writeFileSync(file, roots.map((r) => `${r}\n`).join(''));
  return file;
}

const review = (args: readonly string[]) => keyshare(['review', ...args, '--fail-on', 'never'], work);

test('a failed plan: the review fails and names the root as not reviewed, with the start of its error', () => {
  const plans = planSet('failed', {
    owner: PLAN,
    'accounts/300000000001': PLAN,
    'accounts/300000000002': { failed: 'Error: assuming role arn:aws:iam::300000000002:role/terraform-deploy: AccessDenied' },
  });
  const r = review([plans, '--expect-roots', expectRoots('failed', ['owner', 'accounts/300000000001', 'accounts/300000000002'])]);
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/accounts\/300000000002: not reviewed: its plan failed: Error: assuming role .*AccessDenied/);
  expect(r.stdout).not.toMatch(/accounts\/300000000001: not reviewed/);
  expect(r.stdout).toMatch(/plan-not-reviewed/);
  // Without --expect-roots the failure marker alone is enough.
  const alone = review([plans]);
  expect(alone.status).toBe(1);
  expect(alone.stdout).toMatch(/accounts\/300000000002: not reviewed: its plan failed/);
});

test('a root of --expect-roots without a plan, and an errored plan, are not reviewed; a full set passes', () => {
  const plans = planSet('missing', { owner: PLAN, 'accounts/300000000003': { errored: true } });
  const r = review([
    plans,
    '--format',
    'json',
    '--expect-roots',
    expectRoots('missing', ['owner', 'accounts/300000000003', 'accounts/300000000004']),
  ]);
  expect(r.status).toBe(1);
  const report = JSON.parse(r.stdout);
  const unreviewed = report.findings.filter((f: { rule: string }) => f.rule === 'plan-not-reviewed');
  expect(unreviewed.map((f: { message: string }) => f.message)).toEqual([
    'accounts/300000000003: not reviewed: Terraform marks its plan as errored (planning failed part way)',
    'accounts/300000000004: not reviewed: no plan was found for it',
  ]);

  const full = review([planSet('full', { owner: PLAN }), '--expect-roots', expectRoots('full', ['owner'])]);
  expect(full.status).toBe(0);
});

test('every plan missing (a fork, or every plan job failed): each root is named; no root changed: a report, not an error', () => {
  const r = review([path.join(work, 'no-artifacts'), '--expect-roots', expectRoots('all', ['owner', 'accounts/300000000005'])]);
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/owner: not reviewed: no plan was found for it/);
  expect(r.stdout).toMatch(/accounts\/300000000005: not reviewed: no plan was found for it/);
  const none = review([path.join(work, 'no-artifacts'), '--expect-roots', expectRoots('none', [])]);
  expect(none.status).toBe(0);
  expect(none.stdout.trim()).not.toBe('');
});

test('the first pull request of a cdktf project: --config without --base-config reviews everything as new', () => {
  const r = keyshare(['review', '--config', path.join(ROOT, 'examples/keyshare.yaml'), '--format', 'json', '--fail-on', 'never']);
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).totals.create).toBeGreaterThan(0);
});
