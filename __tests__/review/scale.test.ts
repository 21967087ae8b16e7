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
 * destructive changes per stack. `distinct` names each stack's grant resource apart, so no two
 * findings are alike.
 */
function thousandStacks(distinct: boolean) {
  const docs = planDocs(ORG_YAML);
  const consumer = JSON.stringify(docs.get(`consumer-${CONSUMER_A}`));
  docs.delete(`consumer-${CONSUMER_A}`);
  for (let i = 0; i < 999; i++) {
    const account = String(300000000000 + i);
    const doc = JSON.parse(consumer.split(CONSUMER_A).join(account));
    const grant = doc.resource_changes.find((rc: any) => rc.type === 'aws_kms_grant');
    Object.assign(grant.change, { actions: ['delete'], after: null, after_unknown: {} });
    if (distinct) Object.assign(grant, { address: `aws_kms_grant.grant_${i}`, name: `grant_${i}` });
    docs.set(`consumer-${account}`, doc);
  }
  expect(changeOf(docs, 'owner', 'aws_kms_key')).toBeDefined();
  return reviewPlans(stackPlans(docs));
}

const markdownOf = (report: ReturnType<typeof thousandStacks>, unlimited = false) =>
  render(reviewRenderers, { report, options: { failOn: 'high', fullReport: 'keyshare-review.md', unlimited } }, 'markdown');

it('a thousand stacks alike but for their account: one risk, and who loses access in the first screen', () => {
  const report = thousandStacks(false);
  expect(report.findings.filter((f) => f.rule === 'autoscaling-grant-removed')).toHaveLength(999);
  const comment = markdownOf(report);
  expect(comment).not.toContain('Truncated');
  expect(comment.match(/autoscaling-grant-removed/g)).toHaveLength(1);
  // Once per stack: its stacks say where, and no note repeats them as accounts.
  expect(comment).toContain('in 999 stacks (consumer-300000000000, consumer-300000000001, consumer-300000000002, …)');
  expect(comment).not.toContain('alike, one per account');
  // The first screen: the heading, the risk, then who gains or loses access.
  const lines = comment.split('\n');
  expect(lines.findIndex((l) => l.startsWith('#### Who gains or loses access'))).toBeLessThan(20);
  expect(comment).toMatch(/\| 999 accounts \| `consumer-300000000000` and 998 more alike \|/);
  // The full report names every account of the group.
  const full = markdownOf(report, true);
  for (let i = 0; i < 999; i++) expect(full).toContain(String(300000000000 + i));
  expect(full).not.toContain(', …');
});

it('keeps a thousand-stack comment under the limit, truncated visibly, and the full report whole', () => {
  const report = thousandStacks(true);
  expect(report.stacks.length).toBeGreaterThanOrEqual(1000);
  expect(report.findings.filter((f) => f.rule === 'autoscaling-grant-removed')).toHaveLength(999);
  const comment = markdownOf(report);
  expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(comment).toMatch(/\*\*Truncated\*\* to fit a pull-request comment: .*the full report is keyshare-review\.md/);
  expect(comment).toMatch(/…and \d+ more findings\./);
  const full = markdownOf(report, true);
  expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
  expect(full).not.toContain('Truncated');
  expect(full.match(/autoscaling-grant-removed/g)).toHaveLength(999);
  const json = JSON.parse(render(reviewRenderers, { report, options: { failOn: 'high' } }, 'json'));
  expect(reviewReportSchema.safeParse(json).success).toBe(true);
});

it('the published JSON Schema is the one the code generates (npm run schema)', () => {
  expect(readFileSync(PUBLISHED_REVIEW_SCHEMA, 'utf8')).toBe(reviewReportJsonSchemaText());
});
