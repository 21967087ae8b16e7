import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { generate } from '../../src/generate';
import { KEYSHARE_VERSION } from '../../src/project-root';
import { ROOT } from '../support/cli';
import { ORG_ARN, ORG_ID, OWNER } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { workflowProblems } from '../support/workflows';

/** The tests read the YAML they check as loosely typed data. */
const parseYaml = (text: string): any => load(text);

/**
 * The CI files `keyshare generate` writes, validated as GitHub reads them (support/workflows.ts:
 * the published schemas, actionlint, and our checks of job dependencies and outputs), and their
 * shape: pull requests plan only what changed, in batches; review runs from the default branch;
 * pushes to the default branch apply the reviewed plans wave by wave.
 */

const work = tempDir('keyshare-workflows-');
const ids = [OWNER, ...Array.from({ length: 30 }, (_, i) => String(300000000000 + i))];
const accounts = path.join(work, 'accounts.json');
fs.writeFileSync(
  accounts,
  JSON.stringify({ Accounts: ids.map((Id) => ({ Id, Arn: `arn:aws:organizations::${OWNER}:account/${ORG_ID}/${Id}`, Name: Id, Status: 'ACTIVE' })) }),
);
const BASE_CONFIG =
  `owner: { account: "${OWNER}", region: eu-central-1 }\nkey: { alias: golden-ami }\namis: [ { id: ami-0a1b2c3d4e5f60718 } ]\n` +
  `consumers: [ { account: "300000000001" } ]\norganization: { id: ${ORG_ID}, arn: "${ORG_ARN}" }\n` +
  `consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/terraform-deploy"\n`;

function rollout(name: string, generateSection: string): string {
  const config = path.join(work, `${name}.yaml`);
  fs.writeFileSync(config, `${BASE_CONFIG}${generateSection}`);
  const out = path.join(work, name);
  generate({ accounts, config, out, ous: [], exclude: [], waveSize: 8 });
  return out;
}

const out = rollout(
  'pinned',
  'generate: { canary: { accounts: ["300000000002"] }, keyshare: { package: "@acme/keyshare" }, defaultBranch: trunk }\n',
);
const read = (rel: string) => fs.readFileSync(path.join(out, rel), 'utf8');
const CI_FILES = [
  '.github/workflows/keyshare-plan.yml',
  '.github/workflows/keyshare-review.yml',
  '.github/workflows/keyshare-apply.yml',
  '.github/workflows/keyshare-drift.yml',
  '.github/workflows/keyshare-inventory-sync.yml',
  '.github/actions/keyshare-install/action.yml',
  '.github/actions/keyshare-terraform/action.yml',
];

test.each(CI_FILES)('%s passes the workflow schema, actionlint and the job-dependency checks', async (rel) => {
  expect(await workflowProblems(out, rel)).toEqual([]);
});

test("the cdktf project's review workflow (examples/github) passes them too", async () => {
  expect(await workflowProblems(ROOT, 'examples/github/keyshare-review.yml')).toEqual([]);
});

test('the checks fail a workflow that reads an output no job declares, or needs a job that is not there', async () => {
  const broken = path.join(work, 'broken');
  fs.mkdirSync(path.join(broken, '.github/workflows'), { recursive: true });
  const text = read('.github/workflows/keyshare-plan.yml')
    .replace('needs.roots.outputs.batches)', 'needs.roots.outputs.batch)')
    .replace('needs: roots', 'needs: rots');
  fs.writeFileSync(path.join(broken, '.github/workflows/x.yml'), text);
  const problems = await workflowProblems(broken, '.github/workflows/x.yml');
  expect(problems.join('\n')).toMatch(/rots/);
  expect(problems.join('\n')).toMatch(/reads needs\.roots/);
});

test('no workflow runs the pull request code with secrets: no pull_request_target; review runs from the default branch', () => {
  for (const rel of CI_FILES) expect(read(rel)).not.toMatch(/pull_request_target/);
  const plan = parseYaml(read('.github/workflows/keyshare-plan.yml'));
  expect(Object.keys(plan.on)).toEqual(['pull_request']);
  expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  // Forks are not planned: their code never runs with this repository's roles.
  expect(plan.jobs.plan.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');

  const review = parseYaml(read('.github/workflows/keyshare-review.yml'));
  expect(review.on).toEqual({ workflow_run: { workflows: ['keyshare plan'], types: ['completed'] } });
  const steps = review.jobs.review.steps as any[];
  for (const s of steps.filter((x) => x.uses?.startsWith('actions/checkout'))) expect(s.with?.ref).toBeUndefined();
  // The roots to expect come from this branch's script over the pull request's commits, never from an artifact.
  expect(steps.map((s) => s.run ?? '').join('\n')).toMatch(
    /\.keyshare\/changed-roots "\$\(git merge-base "\$BASE" "\$HEAD"\)" "\$HEAD" > roots\.txt/,
  );
  expect(steps.find((s) => s.id === 'review').run).toContain('keyshare review plans --expect-roots roots.txt');
});

test('pull requests plan only the changed roots, in batches; the apply runs on the default branch only, wave after wave', () => {
  const plan = parseYaml(read('.github/workflows/keyshare-plan.yml'));
  expect(plan.jobs.roots.steps.find((s: any) => s.id === 'roots').run).toMatch(
    /\.keyshare\/changed-roots "\$BASE" HEAD > roots\.txt\n.*\.keyshare\/matrix < roots\.txt/,
  );
  expect(plan.jobs.plan.strategy.matrix.include).toBe('${{ fromJSON(needs.roots.outputs.batches) }}');
  expect(plan.jobs.plan.steps.find((s: any) => s.run?.startsWith('.keyshare/plan-roots'))).toBeDefined();

  const apply = parseYaml(read('.github/workflows/keyshare-apply.yml'));
  expect(apply.on).toEqual({ push: { branches: ['trunk'] } });
  const waves = fs.readdirSync(path.join(out, 'waves')).length;
  const waveJobs = Array.from({ length: waves }, (_, i) => `apply-wave-${i + 1}`);
  expect(Object.keys(apply.jobs)).toEqual(['roots', 'apply-owner', ...waveJobs]);
  waveJobs.forEach((job, i) => {
    expect(apply.jobs[job].needs).toEqual(['roots', i === 0 ? 'apply-owner' : waveJobs[i - 1]]);
    expect(apply.jobs[job].if).toBe(`\${{ !cancelled() && !failure() && needs.roots.outputs.wave${i + 1} != '[]' }}`);
    expect(apply.jobs.roots.steps.find((s: any) => s.id === 'roots').run).toContain(`.keyshare/matrix waves/wave-0${i + 1}.txt < roots.txt`);
  });
  // Saved plans, never a new plan or -auto-approve.
  const text = read('.github/workflows/keyshare-apply.yml');
  expect(text).not.toMatch(/auto-approve|terraform .*plan/);
  expect(text).toMatch(/\.keyshare\/apply-roots plans \$ROOTS/);

  const drift = parseYaml(read('.github/workflows/keyshare-drift.yml'));
  expect(drift.on.schedule).toHaveLength(1);
  expect(drift.jobs.roots.steps.at(-1).run).toContain('.keyshare/changed-roots --all HEAD | .keyshare/matrix');
});

/** The install step of the keyshare action, run for real with bash as GitHub runs it. */
function install(dir: string, env: Record<string, string>) {
  const action = parseYaml(fs.readFileSync(path.join(dir, '.github/actions/keyshare-install/action.yml'), 'utf8'));
  const step = action.runs.steps.find((s: any) => s.run);
  const bin = tempDir('keyshare-install-bin-');
  // `npm` here stands for the registry: it records what it was asked to install.
  fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "$@" > "$(dirname "$0")/asked"\nexit 1\n', { mode: 0o755 });
  const r = spawnSync('bash', ['-e', '-c', step.run], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, KEYSHARE_VERSION: step.env.KEYSHARE_VERSION, KEYSHARE_PINNED: step.env.KEYSHARE_PINNED, ...env },
  });
  const asked = fs.existsSync(path.join(bin, 'asked')) ? fs.readFileSync(path.join(bin, 'asked'), 'utf8').trim() : undefined;
  return { ...r, asked, pinned: step.env.KEYSHARE_PINNED as string, version: step.env.KEYSHARE_VERSION as string };
}

test('the workflows install exactly the keyshare version that generated them, from the configured source', () => {
  const pinned = install(out, { KEYSHARE_SOURCE: '' });
  expect(pinned.version).toBe(KEYSHARE_VERSION);
  expect(pinned.pinned).toBe('@acme/keyshare');
  expect(pinned.asked).toBe(`install --global --no-fund --no-audit @acme/keyshare@${KEYSHARE_VERSION}`);

  const git = rollout('git', `generate: { keyshare: { git: "https://git.example.com/acme/keyshare.git", commit: "${'a1'.repeat(20)}" } }\n`);
  expect(install(git, { KEYSHARE_SOURCE: '' }).asked).toBe(
    `install --global --no-fund --no-audit git+https://git.example.com/acme/keyshare.git#${'a1'.repeat(20)}`,
  );
});

test('without a configured source, the job fails saying what to set; an unpinned source is refused', () => {
  const none = rollout('unpinned', '');
  const r = install(none, { KEYSHARE_SOURCE: '' });
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/::error title=keyshare: no source to install from::set generate\.keyshare in the keyshare config .*KEYSHARE_SOURCE/);
  expect(r.asked).toBeUndefined();
  const branch = install(none, { KEYSHARE_SOURCE: 'git+https://github.com/acme/keyshare.git#main' });
  expect(branch.status).toBe(1);
  expect(branch.stdout).toMatch(/never an unpinned name/);
  expect(install(none, { KEYSHARE_SOURCE: '@acme/keyshare' }).asked).toBe(`install --global --no-fund --no-audit @acme/keyshare@${KEYSHARE_VERSION}`);
});
