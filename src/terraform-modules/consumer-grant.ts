import { AUTOSCALING_SERVICE, autoScalingRoleArn, autoScalingRoleName, KMS_ARN, Partition } from '../policy/arns';
import { CONSUMER_POLICY_NAME, consumerIamPolicy } from '../policy/consumer-policy';
import { AUTOSCALING_GRANT_NAME, autoScalingGrant } from '../policy/grant';
import { ACCOUNT_ID as ACCOUNT_ID_FORMAT, ALIAS_PREFIX, ROLE_NAME } from '../policy/formats';
import { HclValue, hclString, hclTemplate, hclValue, tf, tfWhole } from '../terraform/hcl';
import { SUFFIX_MESSAGE, SUFFIX_OK } from './key-policy';
import { code } from '../templates/escape';
import type { ModuleVariable, TerraformModule } from './spec';
import { allMatch, matches, nullOr, nullOrMatches } from './validation';

const P = tf('local.partition') as Partition;
const ACCOUNT_ID = tf('local.account_id');
const SUFFIX = tf('var.service_linked_role_suffix');
const ROLE_ARN = tfWhole('local.service_linked_role_arn');
const KEY_ARN = tf('local.key_arn');

export const CONSUMER_GRANT_VARIABLES: readonly ModuleVariable[] = [
  {
    name: 'key_arn',
    type: 'string',
    description:
      "ARN of the shared key in the owner account, or an alias ARN of it (arn:aws:kms:<region>:<owner>:alias/<name>), which the module resolves with DescribeKey. A grant on another account's key must name the key by its full key ARN.",
    validations: [
      {
        condition: matches('var.key_arn', KMS_ARN),
        message:
          'key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (arn:aws:kms:<region>:<account>:alias/<name>): a key in another account is known only by its ARN.',
      },
    ],
  },
  {
    name: 'account_id',
    type: 'string',
    description:
      "The consumer account this module deploys into; its Auto Scaling service-linked role gets the grant. Default: the AWS provider's account.",
    default: 'null',
    validations: [
      {
        condition: nullOrMatches('var.account_id', ACCOUNT_ID_FORMAT),
        message: 'account_id must be a 12-digit AWS account ID, e.g. "444455556666".',
      },
    ],
  },
  {
    name: 'service_linked_role_suffix',
    type: 'string',
    description:
      "Custom suffix of the account's Auto Scaling service-linked role (AWSServiceRoleForAutoScaling_<suffix>). Default: the default role.",
    default: 'null',
    validations: [
      {
        condition: nullOr('var.service_linked_role_suffix', `(${SUFFIX_OK('var.service_linked_role_suffix')})`),
        message: `service_linked_role_suffix must be ${SUFFIX_MESSAGE}.`,
      },
    ],
  },
  {
    name: 'create_service_linked_role',
    type: 'bool',
    description:
      'Create the Auto Scaling service-linked role. When false it must exist already (it does once the account has had an Auto Scaling group), and the plan fails early, naming the role, if it does not.',
    default: 'false',
  },
  {
    name: 'policy_name',
    type: 'string',
    description:
      'Name of the IAM policy that lets grant creators create the grant and people who launch instances use the key through EC2; unique per account.',
    default: hclString(CONSUMER_POLICY_NAME),
  },
  {
    name: 'attach_policy_to_roles',
    type: 'list(string)',
    description:
      "Names of roles in this account that get the IAM policy, such as the role Terraform deploys with. A cross-account KMS call needs the caller's IAM policy as well as the key policy.",
    default: '[]',
    validations: [
      {
        condition: allMatch('var.attach_policy_to_roles', ROLE_NAME),
        message: 'attach_policy_to_roles must hold role names (the part after role/), not ARNs.',
      },
    ],
  },
  {
    name: 'tags',
    type: 'map(string)',
    description: 'Tags for the IAM policy and the service-linked role.',
    default: '{}',
  },
];

/** The `consumer-grant` module: what a consumer stack deploys, as plain Terraform. */
export function consumerGrantModule(): TerraformModule {
  const grant = autoScalingGrant(P, KEY_ARN, ACCOUNT_ID, ROLE_ARN);
  return {
    name: 'consumer-grant',
    summary:
      "Run in a consumer account: creates the KMS grant that lets the account's EC2 Auto Scaling service-linked role launch instances from AMIs encrypted with a key in another account, and the IAM policy its grant creators need.",
    aws: true,
    variables: CONSUMER_GRANT_VARIABLES,
    outputs: [
      { name: 'key_arn', description: 'Full ARN of the shared key, resolved from the alias ARN when one was given.', value: 'local.key_arn' },
      { name: 'grant_id', description: 'ID of the Auto Scaling grant.', value: 'aws_kms_grant.autoscaling.grant_id' },
      { name: 'policy_arn', description: 'ARN of the IAM policy for grant creators and launchers.', value: 'aws_iam_policy.grant_creator.arn' },
      { name: 'policy_json', description: 'The IAM policy document.', value: 'aws_iam_policy.grant_creator.policy' },
      {
        name: 'service_linked_role_arn',
        description: 'ARN of the Auto Scaling service-linked role the grant is for.',
        value: 'local.service_linked_role_arn',
      },
    ],
    data: {
      readme: { grantName: code(AUTOSCALING_GRANT_NAME), roleName: `${code(autoScalingRoleName())} (or ${code(autoScalingRoleName('<suffix>'))})` },
      kmsArn: hclString(KMS_ARN.source),
      aliasPrefix: hclString(ALIAS_PREFIX),
      autoscalingService: hclString(AUTOSCALING_SERVICE),
      roleName: hclString(autoScalingRoleName()),
      suffixedRoleName: hclTemplate(autoScalingRoleName(SUFFIX)),
      roleArn: hclTemplate(autoScalingRoleArn(P, ACCOUNT_ID)),
      suffixedRoleArn: hclTemplate(autoScalingRoleArn(P, ACCOUNT_ID, SUFFIX)),
      policy: hclValue(consumerIamPolicy(P, tf('local.region'), ACCOUNT_ID, KEY_ARN, ROLE_ARN) as unknown as HclValue, 2),
      grantName: hclString(AUTOSCALING_GRANT_NAME),
      grantKeyId: hclTemplate(grant.KeyId),
      granteePrincipal: hclTemplate(grant.GranteePrincipal),
      grantOperations: hclValue(grant.Operations, 2),
    },
  };
}
