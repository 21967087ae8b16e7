/**
 * Formats of the IDs and names keyshare reads, each as the AWS page that defines it states it. The
 * ARN patterns built from them are in arns.ts. Every pattern's `.source` is also published, in the
 * JSON Schema of keyshare.yaml and as Terraform `regex()` validations of the generated modules, so
 * it uses only what ECMAScript and Terraform's RE2 read alike.
 */

/** 12 digits (AWS Account Management Reference, "View AWS account identifiers": https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html). */
export const ACCOUNT_ID_LENGTH = 12;
export const ACCOUNT_ID_SOURCE = `\\d{${ACCOUNT_ID_LENGTH}}`;
/** A 12-digit AWS account ID, which KMS also accepts in place of the account's root ARN. */
export const ACCOUNT_ID = new RegExp(`^${ACCOUNT_ID_SOURCE}$`);

/** IAM friendly names (IAM User Guide, "IAM identifiers": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html). */
export const IAM_NAME_SOURCE = '[\\w+=,.@-]{1,64}';
/** IAM names may sit under a path (`role/path/to/name`); paths use printable ASCII (same page, "Friendly names and paths"). */
export const IAM_PATH_SOURCE = '(?:[!-~]*/)?';
export const ROLE_NAME = new RegExp(`^${IAM_NAME_SOURCE}$`);

/** CustomSuffix characters (IAM API Reference, CreateServiceLinkedRole: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html). */
export const SERVICE_LINKED_ROLE_SUFFIX = /^[\w+=,.@-]+$/;
export const SERVICE_LINKED_ROLE_SUFFIX_MAX = 64;

/** 8 or 17 hex digits after the prefix (Amazon EC2 User Guide, "Resource IDs": https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html). */
export const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** The same rule for EBS snapshots (same page). */
export const SNAPSHOT_ID = /^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** A KMS key ID: a UUID, or `mrk-` and 32 hex digits for a multi-Region key (KMS Developer Guide, "Find the key ID and key ARN": https://docs.aws.amazon.com/kms/latest/developerguide/find-cmk-id-arn.html). */
export const MULTI_REGION_KEY_ID_PREFIX = 'mrk-';
export const KEY_ID_SOURCE = `(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|${MULTI_REGION_KEY_ID_PREFIX}[0-9a-f]{32})`;

/** Alias names start with `alias/` (KMS API Reference, CreateAlias: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html). */
export const ALIAS_PREFIX = 'alias/';
/** `alias/aws/` is reserved for AWS-managed keys (same page). */
export const AWS_MANAGED_ALIAS_PREFIX = 'aws/';
/** KMS counts the `alias/` prefix in the 256-character limit (same page). */
export const ALIAS_MAX = 256;
/** An alias, with or without its prefix, that does not name an AWS-managed key. */
export const NOT_AWS_MANAGED_ALIAS = new RegExp(`^(?!(?:${ALIAS_PREFIX})?${AWS_MANAGED_ALIAS_PREFIX})`);
/** Letters, digits, `/`, `_` and `-` (same page), with or without the prefix, never the bare prefix. */
export const ALIAS_NAME = new RegExp(`^(?!${ALIAS_PREFIX}$)(?:${ALIAS_PREFIX})?[a-zA-Z0-9/_-]+$`);

export function withoutAliasPrefix(alias: string): string {
  return alias.startsWith(ALIAS_PREFIX) ? alias.slice(ALIAS_PREFIX.length) : alias;
}

/** `o-` and 10 to 32 lowercase letters or digits (Organizations API Reference, Organization: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html). */
export const ORGANIZATION_ID_SOURCE = 'o-[a-z0-9]{10,32}';
export const ORG_ID = new RegExp(`^${ORGANIZATION_ID_SOURCE}$`);
/** A root ID, `r-` and 4 to 32 lowercase letters or digits (Organizations API Reference, Parent: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Parent.html). */
const ROOT_ID_SOURCE = 'r-[0-9a-z]{4,32}';
export const ROOT_ID = new RegExp(`^${ROOT_ID_SOURCE}$`);
/** An OU ID as Organizations prints it, e.g. ou-ab12-11111111 (API Reference, DescribeOrganizationalUnit: https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganizationalUnit.html). */
export const OU_ID_SOURCE = 'ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}';
export const OU_ID = new RegExp(`^${OU_ID_SOURCE}$`);
/**
 * The Organizations policy types KMS weighs (Organizations API Reference, PolicyTypeSummary, Type:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_PolicyTypeSummary.html).
 */
export const SERVICE_CONTROL_POLICY = 'SERVICE_CONTROL_POLICY';
export const RESOURCE_CONTROL_POLICY = 'RESOURCE_CONTROL_POLICY';
/**
 * `aws:PrincipalOrgPaths` entry: org/root/OUs, optionally ending in `/` or `/*` (IAM User Guide,
 * "AWS global condition context keys": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths).
 */
export const OU_PATH = new RegExp(`^${ORGANIZATION_ID_SOURCE}\\/${ROOT_ID_SOURCE}(?:\\/${OU_ID_SOURCE})*\\/?\\*?$`);

/** What follows the last path segment; the key policy appends `*`, so the model ends every path in exactly `/`. */
export const OU_PATH_END = /\/?\*?$/;

export function normalizeOuPath(path: string): string {
  return path.replace(OU_PATH_END, '/');
}
