import { planDocs, review } from '../support/review-fixtures';
import { reviewRenderers } from '../../src/render/review';
import { BASE_YAML, CONSUMER_A, manyConsumersYaml, OWNER, STRANGER } from '../support/rollouts';

/** The review of `before` → `after`, and the comment it posts: one review for both, the costly part at 300 accounts. */
function reviewed(before: string, after: string) {
  const report = review(planDocs(before, after));
  return { diagram: report.keys[0].diagram!, comment: reviewRenderers.markdown({ report, options: { failOn: 'never' } }) };
}

/**
 * The comment's Mermaid diagram labels each principal's edge with the kinds of access it holds
 * after the change, read with the policy vocabulary's own lists (administration probes,
 * cryptographic operations): a second administrator administers, a new consumer account uses the
 * key and grants its Auto Scaling role, and a role holding only the consumer IAM policy grants but
 * neither uses nor administers.
 */
test('each edge of the key diagram names the kinds of access the principal holds after the change', () => {
  const next = BASE_YAML.replace('role/key-admin"]', `role/key-admin", "arn:aws:iam::${OWNER}:role/second-admin"]`).replace(
    `  - { account: "${OWNER}" }`,
    `  - { account: "${OWNER}" }\n  - { account: "${STRANGER}" }`,
  );
  const { diagram, comment } = reviewed(BASE_YAML, next);
  const edge = (label: string) => diagram.edges.find((e) => e.who === label)?.access;
  expect(edge(`arn:aws:iam::${OWNER}:role/second-admin`)).toBe('administer, use, grant to anyone');
  expect(edge(`account ${STRANGER}`)).toBe('use, grant to its Auto Scaling role, grant for EBS volumes');
  expect(edge(`role launcher of account ${CONSUMER_A} (its IAM policies in the plans)`)).toBe(
    'grant to its Auto Scaling role, grant for EBS volumes',
  );
  // Who gains access is marked so: the node says what it gains, and the comment draws it as a gain.
  const gainer = diagram.edges.findIndex((e) => e.who === `account ${STRANGER}`);
  expect(diagram.edges[gainer].gains).toMatch(/^use/);
  expect(diagram.edges[gainer].loses).toBeUndefined();
  expect(comment).toContain(`  p${gainer}["account ${STRANGER}<br>gains: use`);
  expect(comment).toContain(`  class p${gainer} gains`);
});

// At 300 accounts the consumers' Auto Scaling roles are one node, and the widest grantee, the organization, comes first.
test('one node per class of principals, the organization first', () => {
  const many = manyConsumersYaml(300, true);
  const fewer = many.replace(/ {2}- \{ account: "200000000007".*\n/, '');
  const { diagram, comment } = reviewed(many, fewer);
  expect(diagram.edges[0].who).toBe('organization o-a1b2c3d4e5 (any member account)');
  expect(diagram.edges.some((e) => e.who === 'the Auto Scaling role of 299 accounts')).toBe(true);
  const leaver = diagram.edges.findIndex((e) => e.who === 'the Auto Scaling role of account 200000000007');
  expect(diagram.edges[leaver]).toMatchObject({ access: '', loses: expect.stringMatching(/^use/) });
  expect(diagram.edges.length).toBeLessThan(6);
  // It is drawn red, with a dashed edge: it has no access left.
  expect(comment).toMatch(
    new RegExp(`  p${leaver}\\["the Auto Scaling role of account 200000000007<br>loses: use[^"]*"\\] -\\.->\\|"no access left"\\| key`),
  );
  expect(comment).toContain(`  class p${leaver} loses`);
});
