import { parseRollout } from '../../src/config';
import { InputError } from '../../src/errors';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, OWNER } from '../support/rollouts';

/** consumerDeployRoleArn: one deploy role name for every consumer without its own. */

const withPattern = (pattern: string) => `${BASE_YAML}consumerDeployRoleArn: "${pattern}"\n`;

function failure(yaml: string): InputError {
  try {
    parseRollout(yaml, 'c.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('accepted');
}

test('fills the deploy role of consumers that have none, never the owner-as-consumer, and keeps explicit ones', () => {
  const yaml = withPattern('arn:aws:iam::{{account}}:role/terraform-deploy').replace(`deployRoleArn: "arn:aws:iam::${CONSUMER_B}:role/deploy", `, '');
  const r = parseRollout(yaml, 'c.yaml');
  const role = new Map(r.consumers.map((c) => [c.account, c.deployRoleArn]));
  expect(role.get(CONSUMER_A)).toBe(`arn:aws:iam::${CONSUMER_A}:role/deploy`);
  expect(role.get(CONSUMER_B)).toBe(`arn:aws:iam::${CONSUMER_B}:role/terraform-deploy`);
  expect(role.get(OWNER)).toBeUndefined();
  expect(r.consumerDeployRoleArn).toBe('arn:aws:iam::{{account}}:role/terraform-deploy');
});

test.each([
  ['a fixed account', 'arn:aws:iam::444455556666:role/deploy', /\{\{account\}\}/],
  ['no role name', 'arn:aws:iam::{{account}}:role/', /\{\{account\}\}/],
  ['another partition', 'arn:aws-cn:iam::{{account}}:role/deploy', /arn:aws:iam::\{\{account\}\}/],
])('a pattern with %s is refused', (_n, pattern, fix) => {
  const err = failure(withPattern(pattern));
  expect(err.field).toBe('consumerDeployRoleArn');
  expect(err.value).toBe(pattern);
  expect(err.fix).toMatch(fix);
});
