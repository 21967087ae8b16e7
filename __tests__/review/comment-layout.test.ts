import { reviewRenderers } from '../../src/render/review';
import { flatTokens } from '../support/markdown';
import { planDocs, review } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A, manyConsumersYaml } from '../support/rollouts';
import * as fs from 'fs';
import * as path from 'path';
import { keyshareInProcess } from '../cli/in-process';
import { tempDir } from '../support/temp';

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
    expect(line).toMatch(/^(@@ .* @@|[+-] .*| {2}.*)$/);
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

// A first pull request of a flat rollout: one key policy statement, one launch permission and one
// change per consumer, alike but for the account.
test('a new flat rollout of 50 consumers: one diff hunk, one permission and one change line per kind, and the new key said to be so', async () => {
  const config = path.join(tempDir('keyshare-layout-'), 'keyshare.yaml');
  fs.writeFileSync(config, manyConsumersYaml(50, false));
  const r = await keyshareInProcess(['review', '--config', config, '--fail-on', 'never']);
  expect(r.status).toBe(0);
  expect(r.stdout).not.toContain('Truncated');
  expect(r.stdout).toContain('is created by this change, so a stand-in ARN takes the place of its own');
  const hunks = r.stdout.split('\n').filter((l) => /^@@ AllowConsumer\d{12}AutoScalingGrant: added/.test(l));
  expect(hunks).toHaveLength(1);
  expect(r.stdout).toContain('\n  50 alike, one per account: 200000000000, 200000000001, 200000000002, …; the first:\n');
  const launchPermissions = r.stdout.split('\n').filter((l) => l.startsWith('- **launch permission added**'));
  expect(launchPermissions).toHaveLength(1);
  expect(launchPermissions[0]).toContain('**50 alike, one per account: 200000000000, 200000000001, 200000000002, …**; the first');
  expect(r.stdout.split('\n').filter((l) => l.startsWith('- `aws_ami_launch_permission.'))).toHaveLength(1);
});

// A flat rollout near the key-policy limit: the fix the registry words as "set `organization` …".
test("a risk's fix shows the name it quotes as code, and no text shows a backtick as typed", () => {
  const near = reviewRenderers.markdown({
    report: review(planDocs(manyConsumersYaml(40, true), manyConsumersYaml(50, false))),
    options: { failOn: 'never' },
  });
  expect(near).toContain('**Fix:** set `organization` before adding more accounts');
  for (const t of flatTokens(near).filter((t) => t.type === 'text')) expect(t.content).not.toContain('`');
});
