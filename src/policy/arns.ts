import {
  ACCOUNT_ID,
  ACCOUNT_ID_SOURCE,
  ALIAS_PREFIX,
  IAM_NAME_SOURCE,
  IAM_PATH_SOURCE,
  KEY_ID_SOURCE,
  ORGANIZATION_ID_SOURCE,
  OU_ID_SOURCE,
} from './formats';

/**
 * ARN shapes keyshare reads and writes. One function or pattern per shape so that the config, the
 * generated modules, the key policy, the consumer stacks, the evaluator's requirements and the plan
 * review agree on every character. The IDs inside them are in formats.ts.
 */

/** Every ARN starts with it (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export const ARN_PREFIX = 'arn:';

/** The partitions keyshare writes ARNs for (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** `aws|aws-cn|aws-us-gov` as a capturing group, for the patterns that parse an ARN into its parts. */
export const PARTITION_GROUP = `(${PARTITIONS.join('|')})`;
/** The same, not capturing, for the patterns that only validate (published in the JSON Schema and the modules). */
const PARTITION_MATCH = `(?:${PARTITIONS.join('|')})`;

/**
 * A bare account ID names no partition. Where nothing else names one (a request without a key ARN),
 * keyshare reads it in the commercial partition, `aws`.
 */
export const DEFAULT_PARTITION: Partition = 'aws';

export interface ArnParts {
  readonly partition: Partition;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `role/path/name` or `key/<id>`. */
  readonly resource: string;
}

const ARN = new RegExp(`^arn:${PARTITION_GROUP}:([a-z0-9-]+):([a-z0-9-]*):(${ACCOUNT_ID_SOURCE}|):(.+)$`);

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, in a partition keyshare knows (IAM User Guide, "IAM ARNs"). */
export function parseArn(arn: string): ArnParts | undefined {
  const m = ARN.exec(arn);
  return m ? { partition: m[1] as Partition, service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/**
 * The six fields of an ARN pattern as a condition gives it (`ArnLike`, `StringLike`), each of which
 * may hold `*` and `?` ("Each of the six colon-delimited components of the ARN is checked
 * separately and each can include multi-character match wildcards (*) or single-character match
 * wildcards (?)", IAM User Guide, "IAM JSON policy elements: Condition operators", ARN condition
 * operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
 */
export function arnPatternFields(pattern: string): (Omit<ArnParts, 'partition'> & { readonly partition: string }) | undefined {
  const fields = pattern.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = fields;
  return { partition, service, region, account, resource: fields.slice(5).join(':') };
}

/**
 * An IAM ARN in `account` that the pattern's partition and resource fields match: a wildcard
 * partition becomes `partition`, and each `*` or `?` of the resource one character. The caller
 * checks that the pattern's account field admits `account`.
 */
export function iamArnMatching(fields: NonNullable<ReturnType<typeof arnPatternFields>>, partition: Partition, account: string): string {
  const wild = /[*?]/;
  return `arn:${wild.test(fields.partition) ? partition : fields.partition}:iam::${account}:${fields.resource.replace(/[*?]/g, 'x')}`;
}

/** The one account an ARN pattern names: its account field when that is a literal account ID. */
export function patternAccount(pattern: string): string | undefined {
  const account = arnPatternFields(pattern)?.account;
  return account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;
}

/** `arn:<partition>:iam::<account>:root`: the account itself. */
export function parseRootArn(arn: string): { readonly partition: Partition; readonly account: string } | undefined {
  const p = parseArn(arn);
  return p && p.service === 'iam' && p.region === '' && p.account !== '' && p.resource === 'root'
    ? { partition: p.partition, account: p.account }
    : undefined;
}

/** `arn:<partition>:iam::<account>:role/<path/>name`: roles match by account and name, whatever the path. */
export function parseRoleArn(arn: string): { readonly partition: Partition; readonly account: string; readonly name: string } | undefined {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || p.account === '' || !p.resource.startsWith('role/')) return undefined;
  const name = p.resource.slice(p.resource.lastIndexOf('/') + 1);
  return name ? { partition: p.partition, account: p.account, name } : undefined;
}

/**
 * The IAM identity whose policies a principal carries: a role (with or without a path), the role of an
 * `sts` assumed-role session (`assumed-role/<role>/<session>`), or a user; names keep their case
 * (IAM User Guide, "IAM identifiers", IAM ARNs).
 */
export function iamIdentityOf(arn: string): { readonly kind: 'role' | 'user'; readonly name: string } | undefined {
  const role = parseRoleArn(arn);
  if (role) return { kind: 'role', name: role.name };
  const p = parseArn(arn);
  if (!p || p.account === '') return undefined;
  const [type, ...path] = p.resource.split('/');
  if (p.service === 'sts' && type === 'assumed-role' && path[0]) return { kind: 'role', name: path[0] };
  const name = path.pop();
  return p.service === 'iam' && type === 'user' && name ? { kind: 'user', name } : undefined;
}

/** Partition of a region name (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function accountRootArn(partition: Partition, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
}

/**
 * An `aws:PrincipalArn` pattern for every IAM principal of the accounts `account` (itself a pattern,
 * `1111*`) matches, in `partition` (`*` for any): the ARN operators check each colon-delimited
 * component separately (IAM User Guide, "IAM JSON policy elements: Condition operators").
 */
export function anyIamPrincipalPattern(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:*`;
}

/** Where IAM puts every service-linked role (IAM User Guide, "Using service-linked roles": https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html). */
export const SERVICE_LINKED_ROLE_RESOURCE_PREFIX = 'role/aws-service-role/';

/** A service-linked role of any service, by the path IAM gives it. */
export function isServiceLinkedRoleArn(arn: string): boolean {
  const parts = splitArn(arn);
  return parts !== undefined && parts[2] === 'iam' && parts[5].startsWith(SERVICE_LINKED_ROLE_RESOURCE_PREFIX);
}

export const AUTOSCALING_SERVICE = 'autoscaling.amazonaws.com';
export const AUTOSCALING_ROLE_NAME = 'AWSServiceRoleForAutoScaling';

/**
 * Name of the EC2 Auto Scaling service-linked role; a custom suffix is appended after `_`.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html
 */
export function autoScalingRoleName(suffix?: string): string {
  return suffix ? `${AUTOSCALING_ROLE_NAME}_${suffix}` : AUTOSCALING_ROLE_NAME;
}

/** `account` may be a literal ID or the `${aws:PrincipalAccount}` policy variable. */
export function autoScalingRoleArn(partition: Partition, account: string, suffix?: string): string {
  return `arn:${partition}:iam::${account}:${SERVICE_LINKED_ROLE_RESOURCE_PREFIX}${AUTOSCALING_SERVICE}/${autoScalingRoleName(suffix)}`;
}

export function aliasName(alias: string): string {
  return alias.startsWith(ALIAS_PREFIX) ? alias : `${ALIAS_PREFIX}${alias}`;
}

/** Known before the key exists, so consumer stacks can resolve the key through it. */
export function aliasArn(partition: Partition, region: string, account: string, alias: string): string {
  return `arn:${partition}:kms:${region}:${account}:${aliasName(alias)}`;
}

export function keyArn(partition: Partition, region: string, account: string, keyId: string): string {
  return `arn:${partition}:kms:${region}:${account}:key/${keyId}`;
}

/** The key ID that stands in for a key not created yet, or one the inputs do not name. */
const PLACEHOLDER_KEY_ID = '00000000-0000-0000-0000-000000000000';

/** The ARN of a key whose ID is not known: a key not created yet, or one the inputs do not name. */
export function placeholderKeyArn(partition: Partition, region: string, account: string): string {
  return keyArn(partition, region, account, PLACEHOLDER_KEY_ID);
}

/**
 * Member accounts that AWS Organizations creates get this role, trusted by the management
 * account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html).
 * Invited accounts have it only if someone created it. `generate` deploys with it and `audit` reads through it by default.
 */
export const ORGANIZATION_ACCESS_ROLE = 'OrganizationAccountAccessRole';

/** A key ARN whose ID is the stand-in check and config reviews use for a key not created yet. */
export function isStandInKeyArn(arn: string): boolean {
  return arn.endsWith(`:key/${PLACEHOLDER_KEY_ID}`);
}

export function roleArn(partition: Partition, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

/** `arn:<partition>:iam::<account>:<resource>` (IAM User Guide, "IAM identifiers", IAM ARNs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns). */
const iamArnPattern = (account: string, resource: string) => new RegExp(`^arn:${PARTITION_MATCH}:iam::${account}:${resource}$`);
const NAME_UNDER_PATH = `${IAM_PATH_SOURCE}${IAM_NAME_SOURCE}`;

/** A role ARN with a literal account, with or without a path. */
export const ROLE_ARN = iamArnPattern(ACCOUNT_ID_SOURCE, `role/${NAME_UNDER_PATH}`);
/** A key administrator: a role, a user, or the account itself (`:root`), which root delegation already covers. */
export const PRINCIPAL_ARN_PATTERN = iamArnPattern(ACCOUNT_ID_SOURCE, `(?:root|(?:role|user)/${NAME_UNDER_PATH})`);

/** Stands for each consumer's account ID in a role ARN pattern such as `consumerDeployRoleArn`. */
export const ACCOUNT_PLACEHOLDER = '{{account}}';
/** A role ARN with ACCOUNT_PLACEHOLDER in the account field. */
export const ROLE_ARN_PATTERN = iamArnPattern(ACCOUNT_PLACEHOLDER.replace(/[{}]/g, '\\$&'), `role/${NAME_UNDER_PATH}`);

export function roleArnFromPattern(pattern: string, account: string): string {
  return pattern.replace(ACCOUNT_PLACEHOLDER, account);
}

/** A customer managed policy at the default path `/`, as IAM names one it creates. */
export function iamPolicyArn(partition: Partition, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:policy/${name}`;
}

/** `arn:<partition>:iam::<account>:policy/<path/>name`: policies match by account and name, whatever the path. */
export function parseIamPolicyArn(arn: string): { readonly account: string; readonly name: string } | undefined {
  const p = parseArn(arn);
  return p && p.service === 'iam' && p.resource.startsWith('policy/') ? { account: p.account, name: p.resource.split('/').pop()! } : undefined;
}

/** OU ARN from an `aws:PrincipalOrgPaths` value: the last `ou-` segment of the path names the OU. */
export function organizationalUnitArn(organizationArn: string, orgId: string, ouPath: string): string | undefined {
  const ou = ouPath
    .split('/')
    .filter((s) => s.startsWith('ou-'))
    .pop();
  if (!ou) return undefined;
  const org = parseArn(organizationArn);
  return org && `arn:${org.partition}:organizations::${org.account}:ou/${orgId}/${ou}`;
}

/** `arn:…:organizations::<management>:ou/o-…/ou-…` → `ou-…`, the OU's own ID. */
export function organizationalUnitIdOf(ouArn: string): string | undefined {
  const resource = parseArn(ouArn)?.resource;
  return resource?.startsWith('ou/') ? resource.split('/').pop() : undefined;
}

/**
 * Where organization mode shares the AMIs: the OUs the paths name, or the whole organization
 * when no path is given or one names no OU (the organization root).
 */
export function organizationLaunchTargets(organization: { readonly arn: string; readonly id: string; readonly ouPaths: readonly string[] }): {
  readonly organizationArn?: string;
  readonly organizationalUnitArns: readonly string[];
} {
  const ouArns = organization.ouPaths.map((p) => organizationalUnitArn(organization.arn, organization.id, p));
  if (ouArns.length === 0 || ouArns.includes(undefined)) return { organizationArn: organization.arn, organizationalUnitArns: [] };
  return { organizationalUnitArns: ouArns as string[] };
}

/** `arn:<partition>:kms:<region>:<account>:<resource>` (KMS Developer Guide, "Find the key ID and key ARN": https://docs.aws.amazon.com/kms/latest/developerguide/find-cmk-id-arn.html). */
function kmsArnPattern(resource: string, capture: boolean): RegExp {
  const part = (source: string) => (capture ? `(${source})` : source);
  return new RegExp(`^arn:${capture ? PARTITION_GROUP : PARTITION_MATCH}:kms:${part('[a-z0-9-]+')}:${part(ACCOUNT_ID_SOURCE)}:${resource}$`);
}

/**
 * A KMS key or alias ARN, in the partitions keyshare knows, parts captured for `parseKmsArn`. The key
 * ID is read loosely: what a user pastes from `aws kms` output is checked against the key KMS names.
 */
export const KMS_ARN = kmsArnPattern('(key/[A-Za-z0-9-]+|alias/.+)', true);

/**
 * Stricter than KMS_ARN: a key ARN only, never an alias, with the key ID in the form KMS issues
 * (formats.ts). What keyshare accepts as an existing key in keyshare.yaml and the generated modules,
 * where grants must name the key itself.
 */
export const KEY_ARN = kmsArnPattern(`key/${KEY_ID_SOURCE}`, false);

/** Tells an alias ARN (`…:alias/…`) apart from a key ARN before the full pattern is checked. */
export const ALIAS_ARN_RESOURCE = new RegExp(`:${ALIAS_PREFIX}`);

export interface KmsArnParts {
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
  /** `key/<id>` or `alias/<name>`. */
  readonly resource: string;
}

export function parseKmsArn(arn: string): KmsArnParts | undefined {
  const m = KMS_ARN.exec(arn);
  return m ? { partition: m[1] as Partition, region: m[2], account: m[3], resource: m[4] } : undefined;
}

const KEY_RESOURCE_PREFIX = 'key/';

/**
 * The bare key ID of a key ARN (`…:key/<id>` → `<id>`), as KMS returns it in `KeyMetadata.KeyId`;
 * undefined for an alias ARN or anything else. Terraform's `aws_kms_key_policy` stores the bare ID
 * whatever `key_id` was given, and `key_id` is not ForceNew, so an ARN there shows an update on
 * every plan (hashicorp/terraform-provider-aws#31297).
 */
export function keyIdOf(arn: string): string | undefined {
  const resource = parseKmsArn(arn)?.resource;
  return resource?.startsWith(KEY_RESOURCE_PREFIX) ? resource.slice(KEY_RESOURCE_PREFIX.length) : undefined;
}

const KEY_ID = new RegExp(`^${KEY_ID_SOURCE}$`);

/**
 * The key ARN of a key named by its ARN, or by its bare ID in `account` and `region` (as
 * `aws_kms_key_policy` stores it); undefined for an alias, or a bare ID without an account or region.
 */
export function keyArnNamed(named: string, region?: string, account?: string): string | undefined {
  if (keyIdOf(named) !== undefined) return named;
  return KEY_ID.test(named) && region && account ? keyArn(partitionOf(region), region, account, named) : undefined;
}

/**
 * What `aws organizations list-accounts` prints as an account's `Arn`:
 * `arn:<partition>:organizations::<management account>:account/<organization id>/<account id>`
 * (Service Authorization Reference, AWS Organizations, resource type `account`).
 */
const ORGANIZATION_ACCOUNT_ARN = new RegExp(
  `^arn:${PARTITION_GROUP}:organizations::(${ACCOUNT_ID_SOURCE}):account/(${ORGANIZATION_ID_SOURCE})/(${ACCOUNT_ID_SOURCE})$`,
);

/** `arn:<partition>:organizations::<management account>:<resource>` (Service Authorization Reference, AWS Organizations: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html). */
const organizationsArnPattern = (resource: string) => new RegExp(`^arn:${PARTITION_MATCH}:organizations::${ACCOUNT_ID_SOURCE}:${resource}$`);
/** An organization, as `aws organizations describe-organization` prints its `Arn`. */
export const ORG_ARN = organizationsArnPattern(`organization/${ORGANIZATION_ID_SOURCE}`);
/** An organizational unit, as AMI launch permissions name it. */
export const OU_ARN = organizationsArnPattern(`ou/${ORGANIZATION_ID_SOURCE}/${OU_ID_SOURCE}`);

export interface OrganizationAccountArnParts {
  readonly partition: Partition;
  readonly managementAccount: string;
  readonly organizationId: string;
  readonly account: string;
  /** `arn:<partition>:organizations::<management account>:organization/<organization id>`. */
  readonly organizationArn: string;
}

export function organizationArn(partition: Partition, managementAccount: string, organizationId: string): string {
  return `arn:${partition}:organizations::${managementAccount}:organization/${organizationId}`;
}

export function parseOrganizationAccountArn(arn: string): OrganizationAccountArnParts | undefined {
  const m = ORGANIZATION_ACCOUNT_ARN.exec(arn);
  if (!m) return undefined;
  const partition = m[1] as Partition;
  return { partition, managementAccount: m[2], organizationId: m[3], account: m[4], organizationArn: organizationArn(partition, m[2], m[3]) };
}

export interface AutoScalingRoleParts {
  readonly partition: Partition;
  readonly account: string;
  readonly suffix?: string;
}

const AUTOSCALING_ROLE_ARN = new RegExp(`^arn:${PARTITION_GROUP}:iam::(${ACCOUNT_ID_SOURCE}):${SERVICE_LINKED_ROLE_RESOURCE_PREFIX}([^/]+)/([^/]+)$`);

/** The inverse of `autoScalingRoleArn` for a literal account: which account's Auto Scaling role, with which suffix. */
export function parseAutoScalingRoleArn(arn: string): AutoScalingRoleParts | undefined {
  const m = AUTOSCALING_ROLE_ARN.exec(arn);
  if (!m || m[3] !== AUTOSCALING_SERVICE) return undefined;
  const name = m[4];
  if (name === AUTOSCALING_ROLE_NAME) return { partition: m[1] as Partition, account: m[2] };
  if (!name.startsWith(`${AUTOSCALING_ROLE_NAME}_`)) return undefined;
  return { partition: m[1] as Partition, account: m[2], suffix: name.slice(AUTOSCALING_ROLE_NAME.length + 1) };
}

/** Account of an IAM or STS ARN, or a bare 12-digit account ID; undefined for `*` and services. */
export function principalAccount(principal: string): string | undefined {
  if (ACCOUNT_ID.test(principal)) return principal;
  const p = parseArn(principal);
  return p && (p.service === 'iam' || p.service === 'sts') && p.account !== '' ? p.account : undefined;
}

/** `arn:aws:iam::<account>:root` or a bare account ID: the whole account. */
export function isAccountPrincipal(principal: string): boolean {
  return ACCOUNT_ID.test(principal) || parseRootArn(principal) !== undefined;
}

/**
 * The six colon-separated fields of the ARN format (IAM User Guide, "IAM ARNs"), the last keeping its
 * own colons. Nothing in a field is checked, so a policy's wildcard pattern (`arn:aws:iam::*:role/*`)
 * splits the same way as the ARN it matches.
 */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

const PARTITION_FIELD = new RegExp(`^${ARN_PREFIX}([^:]+):`);

/** The partition field of anything that starts like an ARN, whether or not keyshare knows the partition. */
export function arnPartitionField(arn: string): string | undefined {
  return PARTITION_FIELD.exec(arn)?.[1];
}

/** Organization ID named by an organization ARN (`…:organization/o-…`) or an OU ARN (`…:ou/o-…/ou-…`). */
export function organizationIdOf(arn: string): string | undefined {
  const p = parseArn(arn);
  return p?.service === 'organizations' ? /^(?:organization|ou)\/(o-[a-z0-9]+)(?:\/|$)/.exec(p.resource)?.[1] : undefined;
}
