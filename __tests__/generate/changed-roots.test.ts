import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generate } from '../../src/generate';
import { BATCH } from '../../src/generate/files';
import { ORG_ARN, ORG_ID, OWNER } from '../support/rollouts';
import { tempDir } from '../support/temp';

/**
 * `.keyshare/changed-roots BASE HEAD` run for real, with git, in a repository that holds a
 * generated rollout in a subdirectory: a change to one account's inputs, regenerated and
 * committed, touches exactly that account's root. `.keyshare/matrix` batches what it prints.
 */

const work = tempDir('keyshare-changed-roots-');
const repo = path.join(work, 'repo');
const out = path.join(repo, 'infra', 'rollout');
const ids = [OWNER, ...Array.from({ length: 40 }, (_, i) => String(300000000000 + i))];

function inventory(list: readonly string[]): string {
  const file = path.join(work, `accounts-${list.length}-${list.at(-1)}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      Accounts: list.map((Id) => ({ Id, Arn: `arn:aws:organizations::${OWNER}:account/${ORG_ID}/${Id}`, Name: `n${Id}`, Status: 'ACTIVE' })),
    }),
  );
  return file;
}

function config(roles: string, suffix = ''): string {
  const file = path.join(work, `config-${roles}-${suffix}.yaml`);
  fs.writeFileSync(
    file,
    `owner: { account: "${OWNER}", region: eu-central-1 }\nkey: { alias: golden-ami }\namis: [ { id: ami-0a1b2c3d4e5f60718, snapshotIds: [snap-0123456789abcdef0] } ]\n` +
      `consumers:\n  - { account: "300000000007", attachPolicyToRoles: [${roles}] }\n` +
      (suffix ? `  - { account: "300000000009", serviceLinkedRoleSuffix: ${suffix} }\n` : '') +
      `organization: { id: ${ORG_ID}, arn: "${ORG_ARN}" }\n` +
      `backend: { s3: { bucket: keyshare-state, region: eu-central-1 } }\n` +
      `consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/terraform-deploy"\n`,
  );
  return file;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

function commit(accounts: string, cfg: string, message: string, more: { forget?: string[] } = {}): string {
  generate({ accounts, config: cfg, out, ous: [], exclude: [], waveSize: 16, ...more });
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', message);
  return git('rev-parse', 'HEAD');
}

/** Runs the script as CI does: from the rollout, or from anywhere by its path. */
function changedRoots(args: string[], cwd = out) {
  const r = spawnSync(path.join(out, '.keyshare/changed-roots'), args, { cwd, encoding: 'utf8' });
  return { status: r.status, roots: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
}

beforeAll(() => {
  fs.mkdirSync(repo, { recursive: true });
  git('init', '-q');
  git('config', 'user.email', 'keyshare@example.com');
  git('config', 'user.name', 'keyshare test');
  git('commit', '-q', '--allow-empty', '-m', 'before the rollout');
});

describe('a rollout committed to git', () => {
  let first: string;
  beforeAll(() => {
    first = commit(inventory(ids), config('deployer'), 'first rollout');
  });

  test('the script is executable, and its first commit touches every root', () => {
    expect(fs.statSync(path.join(out, '.keyshare/changed-roots')).mode & 0o111).toBe(0o111);
    const all = changedRoots(['--all', 'HEAD']).roots;
    expect(all[0]).toBe('owner');
    expect(all).toHaveLength(41);
    // The pull request that adds the rollout plans every root.
    expect(changedRoots([git('rev-list', '--max-parents=0', 'HEAD'), 'HEAD']).roots).toEqual(all);
  });

  test("one account's inputs change: exactly that account's root, from any working directory", () => {
    const base = git('rev-parse', 'HEAD');
    const head = commit(inventory(ids), config('deployer, platform'), 'one account attaches the policy to another role');
    expect(changedRoots([base, head]).roots).toEqual(['accounts/300000000007']);
    expect(changedRoots([base, 'HEAD'], '/').roots).toEqual(['accounts/300000000007']);
    expect(changedRoots(['HEAD~1', 'HEAD'], path.join(out, 'accounts')).roots).toEqual(['accounts/300000000007']);
    // Nothing changed: nothing to plan.
    expect(changedRoots([head, head]).roots).toEqual([]);
  });

  test('an account joins and one leaves: the newcomer and the tombstone; the owner root does not grow', () => {
    const base = git('rev-parse', 'HEAD');
    const next = [...ids.filter((id) => id !== '300000000020'), '300000000099'];
    const head = commit(inventory(next), config('deployer, platform'), 'inventory sync');
    expect(changedRoots([base, head]).roots).toEqual(['accounts/300000000020', 'accounts/300000000099']);
    expect(fs.readFileSync(path.join(out, 'accounts/300000000020/main.tf'), 'utf8')).toMatch(/left the rollout/);
    // Forgetting the tombstone once destroyed removes the root: nothing is left to plan there.
    const forgot = commit(inventory(next), config('deployer, platform'), 'forget', { forget: ['300000000020'] });
    expect(changedRoots([head, forgot]).roots).toEqual([]);
  });

  test("the owner's files change (a suffix the key policy names): the owner and that account", () => {
    const base = git('rev-parse', 'HEAD');
    const head = commit(inventory([...ids.filter((id) => id !== '300000000020'), '300000000099']), config('deployer, platform', 'web'), 'suffix');
    expect(changedRoots([base, head]).roots).toEqual(['owner', 'accounts/300000000009']);
  });

  test('a change to the shared modules touches every root; files outside the roots touch none', () => {
    const base = git('rev-parse', 'HEAD');
    fs.appendFileSync(path.join(out, 'modules/consumer-grant/notes.md'), 'x\n');
    fs.writeFileSync(path.join(out, 'README.local.md'), 'mine\n');
    fs.writeFileSync(path.join(repo, 'elsewhere.txt'), 'not the rollout\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'modules and other files');
    expect(changedRoots([base, 'HEAD']).roots).toEqual(changedRoots(['--all', 'HEAD']).roots);
    git('rm', '-q', path.join(out, 'modules/consumer-grant/notes.md'));
    git('commit', '-q', '-m', 'undo');
    const onlyOther = git('rev-parse', 'HEAD');
    fs.writeFileSync(path.join(out, 'README.local.md'), 'mine, edited\n');
    git('commit', '-q', '-am', 'a file beside the roots');
    expect(changedRoots([onlyOther, 'HEAD']).roots).toEqual([]);
    expect(first).toMatch(/^[0-9a-f]{40}$/);
  });

  test('a revision that is not a commit, or a wrong call: exit 2 with the fix', () => {
    const r = changedRoots(['no-such-ref', 'HEAD']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-such-ref is not a commit of this repository; fetch it first/);
    expect(changedRoots(['HEAD']).status).toBe(2);
  });
});

describe('.keyshare/matrix', () => {
  const matrix = (input: string, args: string[] = []) =>
    JSON.parse(execFileSync(path.join(out, '.keyshare/matrix'), args, { input, encoding: 'utf8' })) as { batch: number; roots: string }[];
  const roots = (n: number) => ['owner', ...Array.from({ length: n - 1 }, (_, i) => `accounts/${String(200000000000 + i)}`)];

  test('one changed account is one job; every root is planned once, in order', () => {
    expect(matrix('accounts/300000000007\n')).toEqual([{ batch: 1, roots: 'accounts/300000000007' }]);
    expect(matrix('owner\naccounts/300000000007\n')).toEqual([{ batch: 1, roots: 'owner accounts/300000000007' }]);
    expect(matrix('')).toEqual([]);
    const batches = matrix(`${roots(95).join('\n')}\n`);
    expect(batches).toHaveLength(10);
    expect(batches.flatMap((b) => b.roots.split(' '))).toEqual(roots(95));
  });

  test(`5,001 roots are ${BATCH.maxJobs} jobs; a wave file keeps only its roots; anything not a root is dropped`, () => {
    const batches = matrix(`${roots(5001).join('\n')}\n`);
    expect(batches).toHaveLength(BATCH.maxJobs);
    expect(batches.flatMap((b) => b.roots.split(' '))).toEqual(roots(5001));
    const wave = path.join(work, 'wave.txt');
    fs.writeFileSync(wave, 'accounts/200000000003\n');
    expect(matrix(`${roots(10).join('\n')}\n`, [wave])).toEqual([{ batch: 1, roots: 'accounts/200000000003' }]);
    expect(matrix('accounts/1"}]\n../x\nowner\n')).toEqual([{ batch: 1, roots: 'owner' }]);
  });
});
