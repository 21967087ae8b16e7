import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { synthReviewWorkflow } from '../../src/generate/files';
import { COMMENT_MARKER } from '../../src/review/comment';
import { ROOT } from '../support/cli';

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
  // Never an empty comment: without a report, the comment says so and links the run.
  expect(comment.with.script).toMatch(/report\.startsWith\(marker\)[\s\S]*keyshare review wrote no report/);
  expect(steps(job).at(-1).run).toBe('exit "${STATUS:-1}"');
}

it('examples/github/keyshare-review.yml is the rendered template: synth, plan each stack, review, one comment', () => {
  const text = fs.readFileSync(path.join(ROOT, 'examples/github/keyshare-review.yml'), 'utf8');
  expect(text).toBe(synthReviewWorkflow('keyshare.yaml'));
  const workflow = parseYaml(text);
  expect(workflow.permissions['pull-requests']).toBe('write');
  const job = workflow.jobs.review;
  const plan = steps(job).find((s) => s.name === 'keyshare synth, then plan every stack');
  expect(plan.run).toMatch(
    /npx --no-install keyshare synth --config "\$KEYSHARE_CONFIG"[\s\S]*terraform -chdir="\$dir" show -json plan\.out > "\$dir\/plan\.json"[\s\S]*> "\$dir\/plan\.failed"/,
  );
  expect(steps(job).find((s) => s.id === 'review').run).toContain('${KEYSHARE_REVIEW_INPUT:-$KEYSHARE_BASE_INPUT --config $KEYSHARE_CONFIG}');
  expectStickyComment(job);
});
