import { planDocs, review } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A, OWNER, STRANGER } from '../support/rollouts';

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
  const diagram = review(planDocs(BASE_YAML, next)).keys[0].diagram!;
  const edge = (label: string) => diagram.edges.find((e) => e.who === label)?.access;
  expect(edge(`arn:aws:iam::${OWNER}:role/second-admin`)).toBe('administer, use, grant to anyone');
  expect(edge(`account ${STRANGER}`)).toBe('use, grant to its Auto Scaling role, grant for EBS volumes');
  expect(edge(`role launcher of account ${CONSUMER_A} (its IAM policies in the plans)`)).toBe(
    'grant to its Auto Scaling role, grant for EBS volumes',
  );
});
