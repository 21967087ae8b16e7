import { checkRollout } from '../../src/check/check';
import { keyPolicy } from '../../src/policy/key-policy';
import type { PolicyDocument } from '../../src/policy/document';
import { checkRenderers } from '../../src/render/check';
import { flatTokens } from '../support/markdown';
import { manyConsumersYaml, rollout } from '../support/rollouts';

/**
 * check's markdown is read in a pull request's 880-pixel comment column: each finding stacked,
 * severity and rule, then what is wrong, then its fix, so no column of a wide table hides the fix;
 * a name the fix quotes shows as code, not as backticks typed.
 */
const markdown = checkRenderers.markdown(checkRollout(rollout(manyConsumersYaml(150, false))));
const tokens = flatTokens(markdown);

test('a failing finding comes first after the heading, its fix right under it, the quoted name a code span', () => {
  const lines = markdown.split('\n');
  expect(lines[0]).toBe('### keyshare check: ❌ not proven: 1 finding that fails the check (policy-size)');
  expect(lines.slice(2, 5)).toEqual([
    expect.stringMatching(
      /^🔴 \*\*high\*\* \[`policy-size`\]\(https:\/\/docs\.aws\.amazon\.com\/kms\/latest\/developerguide\/resource-limits\.html\)<br>$/,
    ),
    expect.stringMatching(/^the key policy is \d{2,3},\d{3} bytes, over the KMS limit of 32,768<br>$/),
    expect.stringMatching(/^\*\*Fix:\*\* set `organization` \(id, arn, optionally ouPaths\): /),
  ]);
  expect(tokens.filter((t) => t.type === 'code_inline').map((t) => t.content)).toContain('organization');
});

test('no text shows a backtick as typed, and no table is wider than three columns', () => {
  for (const t of tokens.filter((t) => t.type === 'text')) expect(t.content).not.toContain('`');
  let columns = 0;
  for (const t of tokens) {
    if (t.type === 'tr_open') columns = 0;
    if (t.type === 'th_open' || t.type === 'td_open') columns++;
    expect(columns).toBeLessThanOrEqual(3);
  }
});

test('findings and failing steps alike but for their account are one entry in the comment, and every one in the text report', () => {
  const flat = rollout(manyConsumersYaml(20, false));
  const policy = keyPolicy(flat);
  // The classic mistake on every consumer's CreateGrant statement: 20 findings, one per account.
  const broken: PolicyDocument = {
    ...policy,
    Statement: policy.Statement.map((st) =>
      st.Action === 'kms:CreateGrant' && st.Condition?.StringEquals
        ? { ...st, Condition: { ...st.Condition, Bool: { 'kms:GrantIsForAWSResource': true } } }
        : st,
    ),
  };
  const report = checkRollout(flat, broken);
  expect(report.findings.filter((f) => f.rule === 'cross-account-grant-for-aws-resource')).toHaveLength(20);
  const md = checkRenderers.markdown(report);
  expect(md.match(/cross-account-grant-for-aws-resource/g)).toHaveLength(2); // the heading's reason, and the one entry
  expect(md).toContain('· **20 alike, one per account: 200000000000, 200000000001, 200000000002, …**; the first:<br>');
  // The failing steps too: one <details> per kind of failure, the first of each shown.
  const summaries = md.split('\n').filter((l) => l.startsWith('<details><summary>'));
  expect(summaries.length).toBeGreaterThan(0);
  expect(summaries.length).toBeLessThan(5);
  for (const line of summaries)
    expect(line).toContain(' · 20 alike, one per account: 200000000000, 200000000001, 200000000002, …; the first shown</summary>');
  expect(md).not.toContain('more failures are not shown');
  expect(checkRenderers.text(report).match(/cross-account-grant-for-aws-resource:/g)).toHaveLength(20);
  expect(checkRenderers.text(report).match(/^ {2}FAIL 2\d{11} create-grant:/gm)).toHaveLength(20);
});
