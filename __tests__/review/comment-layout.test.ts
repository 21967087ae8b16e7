import { reviewRenderers } from '../../src/render/review';
import { flatTokens } from '../support/markdown';
import { planDocs, review } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A } from '../support/rollouts';

/**
 * The comment is read in GitHub's 880-pixel column: a code block scrolls sideways where a line is
 * longer than about 100 characters, and `<summary>` shows markdown as typed. A consumer whose Auto
 * Scaling role has a long suffix makes the longest unbroken words a policy diff holds (its ARN).
 */
const SUFFIX = 'platform-golden-ami-launchers-eu';
const next = BASE_YAML.replace(`attachPolicyToRoles: [launcher] }`, `attachPolicyToRoles: [launcher], serviceLinkedRoleSuffix: ${SUFFIX} }`);
const comment = reviewRenderers.markdown({ report: review(planDocs(BASE_YAML, next)), options: { failOn: 'never' } });
const tokens = flatTokens(comment);

test('policy diffs are diff blocks whose every line fits the column, long ARNs broken at the column', () => {
  const diffs = tokens.filter((t) => t.type === 'fence' && t.info === 'diff');
  expect(diffs.length).toBeGreaterThan(0);
  const lines = diffs.flatMap((t) => t.content.trimEnd().split('\n'));
  for (const line of lines) {
    expect(line.length).toBeLessThanOrEqual(100);
    expect(line).toMatch(/^(@@ .* @@|[+-] .*)$/);
  }
  // The role's ARN is there, in pieces that rejoin to it.
  const role = `arn:aws:iam::${CONSUMER_A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_${SUFFIX}`;
  expect(role.length).toBeGreaterThan(100);
  const joined = lines.map((l) => l.replace(/^[+-] {5}/, '')).join('');
  expect(joined).toContain(role);
});

test('<summary> lines hold HTML only: no markdown GitHub would show as typed', () => {
  const summaries = comment.split('\n').filter((l) => l.startsWith('<details><summary>'));
  expect(summaries.length).toBeGreaterThan(2);
  for (const line of summaries) expect(line).not.toMatch(/[`*]/);
});
