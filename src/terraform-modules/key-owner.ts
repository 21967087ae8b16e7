import { aliasName, AUTOSCALING_SERVICE, autoScalingRoleName, KEY_ARN, ORG_ARN, OU_ARN } from '../policy/arns';
import { ALIAS_PREFIX, AMI_ID, AWS_MANAGED_ALIAS_PREFIX, SNAPSHOT_ID } from '../policy/formats';
import { defaultKeyDescription, KEY_OWNER_DEFAULTS } from '../model/key-defaults';
import { hclExpressionAttributes, hclString, hclTemplate, tf } from '../terraform/hcl';
import { KEY_POLICY_VARIABLES } from './key-policy';
import type { ModuleVariable, TerraformModule } from './spec';
import { allMatch, nullOr, nullOrMatches } from './validation';

/** Aliases of AWS-managed keys, which cannot be shared (the config's `keyAlias` rule). */

export const KEY_OWNER_VARIABLES: readonly ModuleVariable[] = [
  {
    name: 'alias',
    type: 'string',
    description:
      'Alias of the key the module creates, with or without the alias/ prefix, e.g. golden-ami. Consumers resolve the key through its alias ARN. Required unless existing_key_arn is given.',
    default: 'null',
    validations: [
      {
        condition: nullOr('var.alias', `!startswith(trimprefix(var.alias, ${hclString(ALIAS_PREFIX)}), ${hclString(AWS_MANAGED_ALIAS_PREFIX)})`),
        message:
          'alias must not start with aws/: those aliases are reserved for AWS-managed keys, whose policy cannot be changed and which cannot be shared with other accounts.',
      },
    ],
  },
  {
    name: 'existing_key_arn',
    type: 'string',
    description:
      "ARN of an existing customer-managed key to share instead of creating one: the module then manages that key's policy (aws_kms_key_policy) and creates no key or alias, so alias, description, enable_key_rotation and deletion_window_in_days are not used.",
    default: 'null',
    validations: [
      {
        condition: nullOrMatches('var.existing_key_arn', KEY_ARN),
        message:
          'existing_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), as `aws kms describe-key` prints it, not an alias ARN.',
      },
    ],
  },
  {
    name: 'description',
    type: 'string',
    description: 'Description of the key. Default: says which alias it encrypts AMI snapshots for.',
    default: 'null',
  },
  {
    name: 'enable_key_rotation',
    type: 'bool',
    description: 'Yearly automatic rotation of the key material.',
    default: String(KEY_OWNER_DEFAULTS.enableKeyRotation),
  },
  {
    name: 'deletion_window_in_days',
    type: 'number',
    description: 'Days KMS waits before deleting the key once deletion is scheduled, 7 to 30.',
    default: String(KEY_OWNER_DEFAULTS.deletionWindowInDays),
    validations: [
      {
        condition:
          'var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30 && floor(var.deletion_window_in_days) == var.deletion_window_in_days',
        message: 'deletion_window_in_days must be a whole number from 7 to 30, as KMS requires.',
      },
    ],
  },
  ...KEY_POLICY_VARIABLES,
  {
    name: 'amis',
    type: 'list(object({\n    id           = string\n    snapshot_ids = optional(list(string), [])\n  }))',
    description:
      'AMIs encrypted with the key to share with the consumers, each with the snapshots behind it. Consumers get launch permission on each AMI, and create-volume permission on its snapshots.',
    default: '[]',
    validations: [
      {
        condition: `${allMatch('var.amis[*].id', AMI_ID)} && ${allMatch('flatten(var.amis[*].snapshot_ids)', SNAPSHOT_ID)}`,
        message:
          'amis must name AMIs as ami- and snapshots as snap- followed by 8 or 17 lowercase hex digits, as `aws ec2 describe-images` prints them.',
      },
    ],
  },
  {
    name: 'organization_arn',
    type: 'string',
    description:
      'Organization mode: launch permission on the AMIs for the whole organization (arn:aws:organizations::<management account>:organization/o-...), when organizational_unit_arns is empty.',
    default: 'null',
    validations: [
      {
        condition: nullOrMatches('var.organization_arn', ORG_ARN),
        message:
          'organization_arn must be an organization ARN such as arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5, as `aws organizations describe-organization` prints it.',
      },
    ],
  },
  {
    name: 'organizational_unit_arns',
    type: 'list(string)',
    description: 'Organization mode: launch permission on the AMIs for these organizational units instead of the whole organization.',
    default: '[]',
    validations: [
      {
        condition: allMatch('var.organizational_unit_arns', OU_ARN),
        message: 'organizational_unit_arns must hold OU ARNs such as arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-11111111.',
      },
    ],
  },
  {
    name: 'create_service_linked_role',
    type: 'bool',
    description:
      "Same-account case only: create the owner account's Auto Scaling service-linked role, which the key policy names. When false it must exist, and the plan fails early if it does not.",
    default: 'false',
  },
  { name: 'tags', type: 'map(string)', description: 'Tags for the key and the service-linked role.', default: '{}' },
];

/** The `key-owner` module: what the owner stack deploys, as plain Terraform. */
export function keyOwnerModule(): TerraformModule {
  const suffix = tf('local.owner_suffix');
  return {
    name: 'key-owner',
    summary:
      'Run in the owner account: creates the customer-managed KMS key that encrypts AMI snapshots shared with EC2 Auto Scaling in other accounts, its alias and its key policy (from the key-policy module), and shares the AMIs and their snapshots.',
    aws: true,
    variables: KEY_OWNER_VARIABLES,
    outputs: [
      {
        name: 'key_arn',
        description: 'ARN of the key (created, or existing_key_arn); consumer grants name it.',
        value: 'local.create_key ? aws_kms_key.this[0].arn : var.existing_key_arn',
        preconditions: [
          {
            condition: 'local.create_key ? var.alias != null : true',
            message: 'alias is required when the module creates the key: set alias, or existing_key_arn to share a key that exists.',
          },
          {
            condition:
              'var.organization_id == null || length(var.amis) == 0 || var.organization_arn != null || length(var.organizational_unit_arns) > 0',
            message: 'Organization mode shares the AMIs with the organization or its OUs: set organization_arn or organizational_unit_arns.',
          },
        ],
      },
      { name: 'key_id', description: 'ID of the key the module created; null with existing_key_arn.', value: 'one(aws_kms_key.this[*].key_id)' },
      {
        name: 'alias_arn',
        description: "ARN of the alias; consumers resolve the key through it with the consumer-grant module's key_arn. Null with existing_key_arn.",
        value: 'one(aws_kms_alias.this[*].arn)',
      },
      {
        name: 'alias_name',
        description: 'Name of the alias, with the alias/ prefix; null with existing_key_arn.',
        value: 'one(aws_kms_alias.this[*].name)',
      },
      { name: 'policy_json', description: 'The key policy.', value: 'module.key_policy.policy_json' },
      { name: 'policy_bytes', description: 'Size of the key policy; KMS allows 32,768 bytes.', value: 'module.key_policy.policy_bytes' },
    ],
    data: {
      aliasPrefix: hclString(ALIAS_PREFIX),
      aliasName: hclTemplate(aliasName(tf('local.alias'))),
      defaultDescription: hclTemplate(defaultKeyDescription(tf('local.alias'))),
      autoscalingService: hclString(AUTOSCALING_SERVICE),
      roleName: hclString(autoScalingRoleName()),
      suffixedRoleName: hclTemplate(autoScalingRoleName(suffix)),
      keyPolicyInputs: hclExpressionAttributes(
        KEY_POLICY_VARIABLES.map((v) => [v.name, `var.${v.name}`]),
        2,
      ).trimEnd(),
    },
  };
}
