import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { generate } from '../../src/generate';
import { synthReviewWorkflow } from '../../src/generate/files';
import { COMMENT_MARKER } from '../../src/review/comment';
import { ROOT } from '../support/cli';
import { ORG_ARN, ORG_ID, OWNER } from '../support/rollouts';
import { tempDir } from '../support/temp';

/** The tests read the YAML they check as loosely typed data. */
const parseYaml = (text: string): any => load(text);

/** Both review workflows: the cdktf one in examples/, and the one `keyshare generate` emits. */
function steps(job: any): any[] {
  return job.steps as any[];
}

function expectStickyComment(job: any): void {
  const review = steps(job).find((s) => s.id === 'review');
  expect(review.run).toMatch(/review .* --format markdown --out keyshare-review\.md --fail-on .* > keyshare-review-comment\.md/);
  const comment = steps(job).find((s) => s.uses === 'actions/github-script@v7');
  expect(comment.with.script).toContain(`const marker = '${COMMENT_MARKER}';`);
  expect(comment.with.script).toMatch(/updateComment[\s\S]*else await github\.rest\.issues\.createComment/);
  expect(steps(job).at(-1).run).toBe('exit ${{ steps.review.outputs.status }}');
}

it('examples/github/keyshare-review.yml is the rendered template: synth, plan each stack, review, one comment', () => {
  const text = fs.readFileSync(path.join(ROOT, 'examples/github/keyshare-review.yml'), 'utf8');
  expect(text).toBe(synthReviewWorkflow('keyshare.yaml'));
  const workflow = parseYaml(text);
  expect(workflow.permissions['pull-requests']).toBe('write');
  const job = workflow.jobs.review;
  const plan = steps(job).find((s) => s.name === 'keyshare synth, then plan every stack');
  expect(plan.run).toMatch(
    /npx keyshare synth --config "\$KEYSHARE_CONFIG"[\s\S]*terraform -chdir="\$dir" show -json plan\.out > "\$dir\/plan\.json"/,
  );
  expect(steps(job).find((s) => s.id === 'review').run).toContain(
    '${KEYSHARE_REVIEW_INPUT:---base-config keyshare-base.yaml --config $KEYSHARE_CONFIG}',
  );
  expectStickyComment(job);
});

it('keyshare generate emits a review workflow: every root planned as JSON, then one review and one comment', () => {
  const work = tempDir('keyshare-review-gen-');
  try {
    const ids = [OWNER, ...Array.from({ length: 20 }, (_, i) => String(300000000000 + i))];
    const accounts = path.join(work, 'accounts.json');
    fs.writeFileSync(
      accounts,
      JSON.stringify({
        Accounts: ids.map((Id) => ({ Id, Arn: `arn:aws:organizations::${OWNER}:account/${ORG_ID}/${Id}`, Name: Id, Status: 'ACTIVE' })),
      }),
    );
    const config = path.join(work, 'keyshare.yaml');
    fs.writeFileSync(
      config,
      `owner: { account: "${OWNER}", region: eu-central-1 }\nkey: { alias: golden-ami }\namis: [ { id: ami-0a1b2c3d4e5f60718 } ]\nconsumers: [ { account: "${OWNER}" } ]\n` +
        `organization: { id: ${ORG_ID}, arn: "${ORG_ARN}" }\nconsumerDeployRoleArn: "arn:aws:iam::{{account}}:role/terraform-deploy"\n`,
    );
    const out = path.join(work, 'rollout');
    const result = generate({ accounts, config, out, ous: [], exclude: [], waveSize: 16, canary: 4 });
    const workflow = parseYaml(fs.readFileSync(path.join(out, '.github/workflows/keyshare-review.yml'), 'utf8'));
    const waves = result.plan.waves.map((_, i) => `plan-wave-${i + 1}`);
    expect(Object.keys(workflow.jobs)).toEqual(['plan-owner', ...waves, 'review']);
    expect(workflow.jobs.review.needs).toEqual(['plan-owner', ...waves]);
    for (const name of ['plan-owner', ...waves]) {
      const runs = steps(workflow.jobs[name])
        .map((s) => s.run)
        .filter(Boolean);
      expect(runs.slice(-2)).toEqual([
        'terraform -chdir="$ROOT" plan -input=false -lock=false -out=plan.out',
        'terraform -chdir="$ROOT" show -json plan.out > plan.json',
      ]);
    }
    expect(workflow.jobs['plan-wave-1'].strategy.matrix.account).toEqual(result.plan.waves[0].map((a) => a.account));
    expect(steps(workflow.jobs['plan-wave-1']).at(-1).with.name).toBe('account-${{ matrix.account }}');
    expectStickyComment(workflow.jobs.review);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
