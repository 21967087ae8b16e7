import { parse } from '@cdktf/hcl2json';
import { autoScalingRoleName, parseKmsArn } from '../../src/policy/arns';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { autoScalingGrant } from '../../src/policy/grant';
import { renderTerraformModules } from '../../src/terraform-modules';
import { applyRoot, moduleCalls } from '../support/terraform-cli';
import { requireTerraform } from '../support/terraform';

/**
 * consumer-grant needs the AWS provider, which cannot be installed here. Its IAM policy, its grant
 * and its role name are expressions over locals, though: this test lifts them out of the generated
 * main.tf with HashiCorp's parser into a provider-free module, with the module's own variables.tf,
 * and has real Terraform evaluate them. The two locals that read data sources (the key ARN behind an
 * alias, the caller's account) are given as inputs.
 */

const files = renderTerraformModules();
const A = '444455556666';

interface Case {
  readonly key_arn: string;
  readonly account_id: string;
  readonly service_linked_role_suffix?: string;
}

const CASES: Record<string, Case> = {
  default_role: { key_arn: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', account_id: A },
  suffix: {
    key_arn: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    account_id: A,
    service_linked_role_suffix: 'web',
  },
  china: { key_arn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab', account_id: A },
  gov_suffix: {
    key_arn: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    account_id: A,
    service_linked_role_suffix: 'a.b@c',
  },
};

type Block = Record<string, unknown>;

async function liftedModule(): Promise<string> {
  const main = (await parse('main.tf', files.get('consumer-grant/main.tf') ?? '')) as {
    locals: Block[];
    resource: Record<string, Record<string, Block[]>>;
    data: Record<string, Record<string, Block[]>>;
  };
  const locals = Object.assign({}, ...main.locals) as Block;
  const [policy] = main.resource.aws_iam_policy.grant_creator;
  const [grant] = main.resource.aws_kms_grant.autoscaling;
  const [role] = main.data.aws_iam_role.autoscaling;
  return JSON.stringify({
    locals: { ...locals, key_arn: '${var.key_arn}', account_id: '${var.account_id}' },
    output: {
      policy: { value: policy.policy },
      grant: { value: { Name: grant.name, KeyId: grant.key_id, GranteePrincipal: grant.grantee_principal, Operations: grant.operations } },
      role_name: { value: role.name },
    },
  });
}

describe('consumer-grant module in real Terraform', () => {
  beforeAll(() => requireTerraform());

  it('creates the IAM policy, the grant and the role lookup that keyshare synth creates', async () => {
    const outputs = (await applyRoot({
      'consumer-grant/variables.tf': files.get('consumer-grant/variables.tf') ?? '',
      'consumer-grant/main.tf.json': await liftedModule(),
      'main.tf.json': moduleCalls('./consumer-grant', { ...CASES }),
    })) as Record<string, { policy: string; grant: unknown; role_name: string }>;
    for (const [name, c] of Object.entries(CASES)) {
      const key = parseKmsArn(c.key_arn);
      if (!key) throw new Error(`${c.key_arn} is not a KMS ARN`);
      const { policy, grant, role_name } = outputs[name];
      expect({ case: name, policy: JSON.parse(policy) as unknown }).toEqual({
        case: name,
        policy: consumerIamPolicy(key.partition, key.region, c.account_id, c.key_arn, c.service_linked_role_suffix),
      });
      expect({ case: name, grant }).toEqual({
        case: name,
        grant: autoScalingGrant(key.partition, c.key_arn, c.account_id, c.service_linked_role_suffix),
      });
      expect({ case: name, role_name }).toEqual({ case: name, role_name: autoScalingRoleName(c.service_linked_role_suffix) });
    }
  });
});
