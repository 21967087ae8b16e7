import { accountRootArn, autoScalingRoleArn, Partition, PARTITIONS, PRINCIPAL_ARN_PATTERN } from '../policy/arns';
import { KEY_USE_ACTIONS, LIST_GRANTS } from '../policy/actions';
import { GRANT_IS_FOR_AWS_RESOURCE, GRANT_OPERATIONS, GRANTEE_PRINCIPAL, PRINCIPAL_ACCOUNT_VARIABLE } from '../policy/conditions';
import { code } from '../templates/escape';
import { KEY_POLICY_MAX_BYTES, policyDocument } from '../policy/document';
import type { PolicyStatement } from '../policy/document';
import {
  Audience,
  administratorsStatement,
  audienceConditions,
  consumerGrantStatement,
  consumerUseStatement,
  DEFAULT_ORGANIZATION_GRANTEE,
  ORGANIZATION_GRANTEES,
  organizationGrantStatement,
  ownerAutoScalingAttachmentStatement,
  ownerAutoScalingUseStatement,
  rootDelegationStatement,
} from '../policy/key-policy';
import { ACCOUNT_ID, ORG_ID, OU_PATH, OU_PATH_END, SERVICE_LINKED_ROLE_SUFFIX, SERVICE_LINKED_ROLE_SUFFIX_MAX } from '../policy/formats';
import { hclInlineList, HclValue, hclString, hclTemplate, hclValue, tf, tfWhole } from '../terraform/hcl';
import type { ModuleVariable, TerraformModule } from './spec';
import { allMatch, matches, nullOrMatches } from './validation';

/** `condition` that `expr` is a service-linked role suffix IAM accepts. */
export const SUFFIX_OK = (expr: string) => `${matches(expr, SERVICE_LINKED_ROLE_SUFFIX)} && length(${expr}) <= ${SERVICE_LINKED_ROLE_SUFFIX_MAX}`;
export const SUFFIX_MESSAGE = `1 to ${SERVICE_LINKED_ROLE_SUFFIX_MAX} letters, digits and +=,.@_- characters, as IAM CreateServiceLinkedRole requires of CustomSuffix`;

const P = tf('var.partition') as Partition;
const OWNER = tf('var.owner_account_id');
const ORGANIZATION = tf('var.organization_id');
/** Loop variables of the module's `for` expressions. */
const ID = tf('id');
const SUFFIX = tf('suffix');
const PATH = tf('path');

/** `local.compact.<name>`: a list of one as a plain string, as the builders write it. */
const compact = (name: string) => tfWhole(`local.compact.${name}`);

const render = (statement: unknown, indent: number) => hclValue(statement as HclValue, indent);

/** The one string in `value` that holds `token`: where a builder put an element of a list. */
function elementOf(value: unknown, token: string): string {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      if (v.includes(token)) found.push(v);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  if (found.length !== 1) throw new Error(`expected one string holding ${token}, found ${found.length}`);
  return found[0];
}

export const KEY_POLICY_VARIABLES: readonly ModuleVariable[] = [
  {
    name: 'owner_account_id',
    type: 'string',
    description: 'Account that owns the key: root delegation names it, and listing it among consumer_account_ids is the same-account case.',
    validations: [
      { condition: matches('var.owner_account_id', ACCOUNT_ID), message: 'owner_account_id must be a 12-digit AWS account ID, e.g. "111122223333".' },
    ],
  },
  {
    name: 'consumer_account_ids',
    type: 'list(string)',
    description:
      "Accounts whose Auto Scaling groups launch from AMIs encrypted with the key. The owner's own ID here names the owner's Auto Scaling service-linked role in the policy (same-account case). In organization mode, list the accounts that use a suffix or the owner; the organization's other members need no listing.",
    default: '[]',
    validations: [
      {
        condition: allMatch('var.consumer_account_ids', ACCOUNT_ID),
        message: 'consumer_account_ids must hold 12-digit AWS account IDs, e.g. "444455556666".',
      },
      {
        condition: 'length(distinct(var.consumer_account_ids)) == length(var.consumer_account_ids)',
        message: 'consumer_account_ids lists an account twice: list each account once.',
      },
    ],
  },
  {
    name: 'administrator_arns',
    type: 'list(string)',
    description:
      "IAM roles or users of the owner account that administer the key without cryptographic use. Root delegation already lets the owner account's IAM policies decide.",
    default: '[]',
    validations: [
      {
        condition: allMatch('var.administrator_arns', PRINCIPAL_ARN_PATTERN),
        message:
          'administrator_arns must hold IAM role or user ARNs such as arn:aws:iam::111122223333:role/key-admin, not assumed-role session ARNs.',
      },
    ],
  },
  {
    name: 'service_linked_role_suffixes',
    type: 'map(string)',
    description: "Custom suffix of a consumer's Auto Scaling service-linked role (AWSServiceRoleForAutoScaling_<suffix>), by account ID.",
    default: '{}',
    validations: [
      {
        condition: `alltrue([for id, suffix in var.service_linked_role_suffixes : ${matches('id', ACCOUNT_ID)} && ${SUFFIX_OK('suffix')}])`,
        message: `service_linked_role_suffixes maps 12-digit account IDs to suffixes of ${SUFFIX_MESSAGE}.`,
      },
    ],
  },
  {
    name: 'organization_id',
    type: 'string',
    description:
      'Organization mode: name consumers by aws:PrincipalOrgID instead of one statement per account, so the policy stays the same size whatever the number of accounts. Default: consumers one by one.',
    default: 'null',
    validations: [
      {
        condition: nullOrMatches('var.organization_id', ORG_ID),
        message:
          'organization_id must be an AWS Organizations ID such as o-a1b2c3d4e5, as `aws organizations describe-organization --query Organization.Id` prints it.',
      },
    ],
  },
  {
    name: 'organization_paths',
    type: 'list(string)',
    description:
      'Organization mode only: limit consumers to accounts under these aws:PrincipalOrgPaths entries, e.g. o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/. Default: the whole organization.',
    default: '[]',
    validations: [
      {
        condition: allMatch('var.organization_paths', OU_PATH),
        message:
          'organization_paths must hold paths such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/, the form the aws:PrincipalOrgPaths condition key compares.',
      },
    ],
  },
  {
    name: 'organization_grantee',
    type: 'string',
    description:
      "Organization mode: how the CreateGrant statement names the grantee. own-account: each member may grant only its own account's Auto Scaling role, through ${aws:PrincipalAccount} in kms:GranteePrincipal, which no AWS KMS page shows in a key policy (keyshare check lists it as an assumption; were it not resolved, CreateGrant would be denied). any-account: documented behaviour only (StringLike on kms:GranteePrincipal with any account's AWSServiceRoleForAutoScaling*), but a member may then create a grant for another account's Auto Scaling role.",
    default: hclString(DEFAULT_ORGANIZATION_GRANTEE),
    validations: [
      {
        condition: `contains(${hclInlineList(ORGANIZATION_GRANTEES)}, var.organization_grantee)`,
        message: `organization_grantee must be one of ${ORGANIZATION_GRANTEES.join(', ')}.`,
      },
    ],
  },
  {
    name: 'partition',
    type: 'string',
    description: 'AWS partition of every ARN in the policy.',
    default: hclString('aws'),
    validations: [
      {
        condition: `contains(${hclInlineList(PARTITIONS)}, var.partition)`,
        message: `partition must be one of ${PARTITIONS.join(', ')}.`,
      },
    ],
  },
];

/** Organization mode's statements differ in shape with and without paths, so the module keeps both, by `local.organization_scope`. */
function organizationStatements(build: (audience: Extract<Audience, { kind: 'organization' }>) => PolicyStatement) {
  const scope = (ouPaths: readonly string[]) => build({ kind: 'organization', id: ORGANIZATION, ouPaths });
  return { paths: scope([tfWhole('local.lists.organization_path_patterns')]), whole: scope([]) };
}

/** The organization CreateGrant statement for each `organization_grantee`, each by `local.organization_scope`. */
function organizationGrantStatements() {
  return Object.fromEntries(
    ORGANIZATION_GRANTEES.map((grantee) => [
      grantee,
      organizationStatements((audience) => organizationGrantStatement(P, audience, [compact('organization_grantees')], grantee)),
    ]),
  );
}

/**
 * The `key-policy` module: keyPolicy() as Terraform. Each statement is its builder's output for
 * symbolic arguments; the module's own logic only picks statements and lists accounts, in the
 * order keyPolicy() does, and the equality test proves both agree.
 */
export function keyPolicyModule(): TerraformModule {
  return {
    name: 'key-policy',
    summary:
      'Builds the key policy of a KMS key shared with EC2 Auto Scaling in other accounts, exactly as `keyshare synth` writes it. No provider: it runs offline.',
    aws: false,
    variables: KEY_POLICY_VARIABLES,
    outputs: [
      {
        name: 'policy_json',
        description: 'The key policy document, compact JSON, for aws_kms_key.policy or aws_kms_key_policy.policy.',
        value: 'local.policy_json',
        preconditions: [
          {
            condition: 'var.organization_id != null || length(var.organization_paths) == 0',
            message: 'organization_paths needs organization_id: organization paths narrow organization mode.',
          },
          {
            condition: `length(local.policy_json) <= ${KEY_POLICY_MAX_BYTES}`,
            message: `The key policy would be ${tf('length(local.policy_json)')} bytes, over the KMS limit of ${KEY_POLICY_MAX_BYTES}: set organization_id (optionally organization_paths), so that the policy names the organization with aws:PrincipalOrgID whatever the number of accounts.`,
          },
        ],
      },
      {
        name: 'policy_bytes',
        description: `Size of policy_json; KMS allows ${KEY_POLICY_MAX_BYTES} bytes.`,
        value: 'length(local.policy_json)',
      },
      {
        name: 'statement_ids',
        description: 'Sid of each statement, in order; reviewers and `keyshare doctor` name statements by them.',
        value: '[for statement in local.statements : statement.Sid]',
      },
    ],
    data: {
      readme: {
        keyUseActions: KEY_USE_ACTIONS.map((a) => code(a)).join(', '),
        listGrants: code(LIST_GRANTS),
        granteePrincipal: code(GRANTEE_PRINCIPAL),
        grantOperations: code(GRANT_OPERATIONS),
        grantIsForAwsResource: code(GRANT_IS_FOR_AWS_RESOURCE),
      },
      ouPathEnd: hclString(`/${OU_PATH_END.source}/`),
      roleArn: hclTemplate(autoScalingRoleArn(P, ID)),
      suffixedRoleArn: hclTemplate(autoScalingRoleArn(P, ID, SUFFIX)),
      rootArn: hclTemplate(accountRootArn(P, ID)),
      organizationRoleArn: hclTemplate(autoScalingRoleArn(P, PRINCIPAL_ACCOUNT_VARIABLE)),
      organizationSuffixedRoleArn: hclTemplate(autoScalingRoleArn(P, PRINCIPAL_ACCOUNT_VARIABLE, SUFFIX)),
      pathPattern: hclTemplate(elementOf(audienceConditions({ kind: 'organization', id: ORGANIZATION, ouPaths: [PATH] }), PATH)),
      // The document around the statements Terraform picked: one whole-value token for the list.
      policyDocument: render(policyDocument([tfWhole('local.statements') as unknown as PolicyStatement]), 2),
      rootDelegation: render(rootDelegationStatement(P, OWNER), 4),
      administrators: render(administratorsStatement([compact('administrator_arns')]), 4),
      consumerUse: render(consumerUseStatement(P, { kind: 'accounts', accounts: [compact('consumer_root_arns')] }), 4),
      consumerGrant: render(consumerGrantStatement(P, ID, tfWhole('local.role_arns[id]')), 4),
      organizationUse: render(
        organizationStatements((audience) => consumerUseStatement(P, audience)),
        4,
      ),
      organizationGrant: render(organizationGrantStatements(), 4),
      ownerUse: render(ownerAutoScalingUseStatement(P, OWNER, tfWhole('local.role_arns[var.owner_account_id]')), 4),
      ownerAttachment: render(ownerAutoScalingAttachmentStatement(P, OWNER, tfWhole('local.role_arns[var.owner_account_id]')), 4),
    },
  };
}
