import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { keyPolicy } from '../../src/policy/key-policy';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { resources, synthConsumer, synthOwner } from '../support/synth';
import { evaluateWithTerraform } from '../support/terraform';

/**
 * What reaches AWS is what Terraform makes of the synthesized expressions, not the text itself:
 * Terraform reads `${…}` as its own interpolation. Real Terraform evaluates each policy here and
 * must produce exactly the pure policy document (key order aside, which IAM and KMS ignore).
 */
const KEY_ARN = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KEY_REFERENCE = /data\.aws_kms_key\.[\w-]+\.arn/g;

describe.each([
  ['listed consumers', BASE_YAML],
  ['organization mode, with ${aws:PrincipalAccount} variables', ORG_YAML],
])('%s', (_, yaml) => {
  const r = rollout(yaml);

  test('the key policy reaches AWS unchanged', () => {
    const [key] = resources(synthOwner(r), 'aws_kms_key');
    const { policy } = evaluateWithTerraform({ policy: key.policy });
    expect(JSON.parse(policy as string)).toEqual(keyPolicy(r));
  });

  test.each([CONSUMER_A, CONSUMER_B])('consumer %s IAM policy gets the resolved key ARN and nothing else changes', (account) => {
    const consumer = r.consumers.find((c) => c.account === account)!;
    const [iam] = resources(synthConsumer(r, account), 'aws_iam_policy');
    expect(iam.policy).toMatch(KEY_REFERENCE);
    const { policy } = evaluateWithTerraform({ policy: iam.policy.replace(KEY_REFERENCE, 'var.key_arn') }, { key_arn: KEY_ARN });
    expect(JSON.parse(policy as string)).toEqual(consumerIamPolicy('aws', 'us-west-2', account, KEY_ARN, consumer.serviceLinkedRoleSuffix));
  });
});
