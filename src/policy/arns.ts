/**
 * ARN shapes keyshare writes. One function per shape so that the key policy, the consumer
 * stacks, the evaluator's requirements and the plan review agree on every character.
 */

/** The partitions keyshare writes ARNs for (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** `aws|aws-cn|aws-us-gov` as a capturing group: every ARN pattern here, and the config's, is built from it. */
export const PARTITION_GROUP = `(${PARTITIONS.join('|')})`;

/**
 * A bare account ID names no partition. Where nothing else names one (a request without a key ARN),
 * keyshare reads it in the commercial partition, `aws`.
 */
export const DEFAULT_PARTITION: Partition = 'aws';

/** A 12-digit AWS account ID, which KMS also accepts in place of the account's root ARN. */
export const ACCOUNT_ID = /^\d{12}$/;

export interface ArnParts {
  readonly partition: Partition;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `role/path/name` or `key/<id>`. */
  readonly resource: string;
}

const ARN = new RegExp(`^arn:${PARTITION_GROUP}:([a-z0-9-]+):([a-z0-9-]*):(\\d{12}|):(.+)$`);

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, in a partition keyshare knows (IAM User Guide, "IAM ARNs"). */
export function parseArn(arn: string): ArnParts | undefined {
  const m = ARN.exec(arn);
  return m ? { partition: m[1] as Partition, service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
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

/** Partition of a region name (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function accountRootArn(partition: Partition, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
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
  return `arn:${partition}:iam::${account}:role/aws-service-role/${AUTOSCALING_SERVICE}/${autoScalingRoleName(suffix)}`;
}

export function aliasName(alias: string): string {
  return alias.startsWith('alias/') ? alias : `alias/${alias}`;
}

/** Known before the key exists, so consumer stacks can resolve the key through it. */
export function aliasArn(partition: Partition, region: string, account: string, alias: string): string {
  return `arn:${partition}:kms:${region}:${account}:${aliasName(alias)}`;
}

export function keyArn(partition: Partition, region: string, account: string, keyId: string): string {
  return `arn:${partition}:kms:${region}:${account}:key/${keyId}`;
}

export function roleArn(partition: Partition, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

/** `arn:aws:organizations::<management>:organization/o-…` → management account. */
export function organizationManagementAccount(organizationArn: string): string {
  return parseArn(organizationArn)?.account ?? '';
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

/** A KMS key or alias ARN, in the partitions keyshare knows. */
export const KMS_ARN = new RegExp(`^arn:${PARTITION_GROUP}:kms:([a-z0-9-]+):(\\d{12}):(key/[A-Za-z0-9-]+|alias/.+)$`);

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

/**
 * What `aws organizations list-accounts` prints as an account's `Arn`:
 * `arn:<partition>:organizations::<management account>:account/<organization id>/<account id>`
 * (Service Authorization Reference, AWS Organizations, resource type `account`).
 */
const ORGANIZATION_ACCOUNT_ARN = new RegExp(`^arn:${PARTITION_GROUP}:organizations::(\\d{12}):account/(o-[a-z0-9]{10,32})/(\\d{12})$`);

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

const AUTOSCALING_ROLE_ARN = new RegExp(`^arn:${PARTITION_GROUP}:iam::(\\d{12}):role/aws-service-role/([^/]+)/([^/]+)$`);

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

/** Organization ID named by an organization ARN (`…:organization/o-…`) or an OU ARN (`…:ou/o-…/ou-…`). */
export function organizationIdOf(arn: string): string | undefined {
  const p = parseArn(arn);
  return p?.service === 'organizations' ? /^(?:organization|ou)\/(o-[a-z0-9]+)(?:\/|$)/.exec(p.resource)?.[1] : undefined;
}
