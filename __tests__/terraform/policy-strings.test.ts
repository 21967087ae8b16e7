import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { keyPolicy } from '../../src/policy/key-policy';
import { CONSUMER_B, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { resources, synthConsumer, synthOwner } from '../support/synth';
import { evaluateWithTerraform } from '../support/terraform';

/**
 * What reaches AWS is what Terraform makes of the synthesized strings, not the strings themselves:
 * Terraform reads `${…}` as its own interpolation. Real Terraform evaluates each policy here and
 * must produce exactly the pure policy document.
 */
const KEY_ARN = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const r = rollout(ORG_YAML);

test('the key policy, with its ${aws:PrincipalAccount} variables, reaches AWS unchanged', () => {
  const [key] = resources(synthOwner(r), 'aws_kms_key');
  expect(key.policy).toContain('$${aws:PrincipalAccount}');
  const { policy } = evaluateWithTerraform({ policy: key.policy });
  expect(policy).toBe(JSON.stringify(keyPolicy(r)));
});

test('the consumer IAM policy gets the resolved key ARN and nothing else changes', () => {
  const [iam] = resources(synthConsumer(r, CONSUMER_B), 'aws_iam_policy');
  const reference = /\$\{data\.aws_kms_key\.[\w-]+\.arn\}/g;
  expect(iam.policy).toMatch(reference);
  const { policy } = evaluateWithTerraform({ policy: iam.policy.replace(reference, '${var.key_arn}') }, { key_arn: KEY_ARN });
  expect(policy).toBe(JSON.stringify(consumerIamPolicy('aws', 'us-west-2', CONSUMER_B, KEY_ARN, 'web')));
});
