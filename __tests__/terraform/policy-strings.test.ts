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
  const keyPolicyText = () => resources(synthOwner(r), 'aws_kms_key')[0].policy as string;
  const iamPolicyText = (account: string) => resources(synthConsumer(r, account), 'aws_iam_policy')[0].policy as string;

  /** One Terraform root evaluates the key policy and both IAM policies (3 terraform commands, not 9); each test reads its own. */
  let evaluated: Record<string, unknown> | undefined;
  function evaluatedPolicy(output: string): unknown {
    evaluated ??= evaluateWithTerraform(
      {
        key: keyPolicyText(),
        ...Object.fromEntries([CONSUMER_A, CONSUMER_B].map((a) => [`iam_${a}`, iamPolicyText(a).replace(KEY_REFERENCE, 'var.key_arn')])),
      },
      { key_arn: KEY_ARN },
    );
    return JSON.parse(evaluated[output] as string);
  }

  test('the key policy reaches AWS unchanged', () => {
    expect(evaluatedPolicy('key')).toEqual(keyPolicy(r));
  });

  test.each([CONSUMER_A, CONSUMER_B])('consumer %s IAM policy gets the resolved key ARN and nothing else changes', (account) => {
    const consumer = r.consumers.find((c) => c.account === account)!;
    expect(iamPolicyText(account)).toMatch(KEY_REFERENCE);
    expect(evaluatedPolicy(`iam_${account}`)).toEqual(consumerIamPolicy('aws', 'us-west-2', account, KEY_ARN, consumer.serviceLinkedRoleSuffix));
  });
});
