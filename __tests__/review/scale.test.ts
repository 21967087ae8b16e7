import { render } from '../../src/render/format';
import { reviewRenderers } from '../../src/render/review';
import { COMMENT_LIMIT } from '../../src/review/comment';
import { reviewReportJsonSchemaText, reviewReportSchema } from '../../src/review/report';
import { PUBLISHED_REVIEW_SCHEMA } from '../../src/review/publish-schema';
import { reviewPlans } from '../../src/review/review';
import { changeOf, planDocs, stackPlans } from '../support/review-fixtures';
import { CONSUMER_A, ORG_YAML } from '../support/rollouts';
import { readFileSync } from 'fs';

/**
 * A thousand consumer stacks, each retiring its Auto Scaling grant: one finding and two
 * destructive changes per stack. The comment must still fit GitHub's limit, say it was cut, and
 * say where the full report is; the full report keeps everything.
 */
function thousandStacks() {
  const docs = planDocs(ORG_YAML);
  const consumer = JSON.stringify(docs.get(`consumer-${CONSUMER_A}`));
  docs.delete(`consumer-${CONSUMER_A}`);
  for (let i = 0; i < 999; i++) {
    const account = String(300000000000 + i);
    const doc = JSON.parse(consumer.split(CONSUMER_A).join(account));
    const grant = doc.resource_changes.find((rc: any) => rc.type === 'aws_kms_grant');
    Object.assign(grant.change, { actions: ['delete'], after: null, after_unknown: {} });
    docs.set(`consumer-${account}`, doc);
  }
  expect(changeOf(docs, 'owner', 'aws_kms_key')).toBeDefined();
  return reviewPlans(stackPlans(docs));
}

it('keeps a thousand-stack comment under the limit, truncated visibly, and the full report whole', () => {
  const report = thousandStacks();
  expect(report.stacks.length).toBeGreaterThanOrEqual(1000);
  expect(report.findings.filter((f) => f.rule === 'autoscaling-grant-removed')).toHaveLength(999);
  const comment = render(reviewRenderers, { report, options: { failOn: 'high', fullReport: 'keyshare-review.md' } }, 'markdown');
  expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(comment).toMatch(/\*\*Truncated\*\* to fit a pull-request comment: .*the full report is keyshare-review\.md/);
  expect(comment).toMatch(/…and \d+ more findings\./);
  const full = render(reviewRenderers, { report, options: { failOn: 'high', unlimited: true } }, 'markdown');
  expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
  expect(full).not.toContain('Truncated');
  expect(full.match(/autoscaling-grant-removed/g)).toHaveLength(999);
  const json = JSON.parse(render(reviewRenderers, { report, options: { failOn: 'high' } }, 'json'));
  expect(reviewReportSchema.safeParse(json).success).toBe(true);
});

it('the published JSON Schema is the one the code generates (npm run schema)', () => {
  expect(readFileSync(PUBLISHED_REVIEW_SCHEMA, 'utf8')).toBe(reviewReportJsonSchemaText());
});
