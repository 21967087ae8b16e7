import { z } from 'zod';
import { AWS_REGIONS } from '../policy/regions';
import { ALIAS_ARN_RESOURCE, ARN_PREFIX, KEY_ARN, ORG_ARN, PRINCIPAL_ARN_PATTERN, ROLE_ARN, ROLE_ARN_PATTERN } from '../policy/arns';
import {
  ACCOUNT_ID,
  ALIAS_MAX,
  ALIAS_NAME,
  ALIAS_PREFIX,
  AMI_ID,
  AWS_MANAGED_ALIAS_PREFIX,
  NOT_AWS_MANAGED_ALIAS,
  ORG_ID,
  OU_ID,
  OU_PATH,
  ROLE_NAME,
  SERVICE_LINKED_ROLE_SUFFIX,
  SERVICE_LINKED_ROLE_SUFFIX_MAX,
  SNAPSHOT_ID,
  withoutAliasPrefix,
} from '../policy/formats';
import { RULES } from '../policy/rules';
import { rule } from './rule';

/**
 * Field schemas of keyshare.yaml, built on the formats of src/policy (formats.ts, arns.ts). Each
 * pattern is also published in the JSON Schema, so an editor flags the same values the loader
 * refuses; each rule's fix says why AWS insists.
 */

/** A string field with one format; the same format serves several fields, each described apart. */
function formatted(pattern: RegExp, problem: string, fix: string) {
  return (description: string) => z.string().regex(pattern, rule(problem, fix)).meta({ description });
}

export const region = (description: string) =>
  z
    .enum(AWS_REGIONS as [string, ...string[]], {
      // A missing region falls through to the generic "is required" with the field's description.
      error: (issue) =>
        issue.input === undefined
          ? undefined
          : rule(
              'is not an AWS region code of the aws, aws-cn or aws-us-gov partition',
              'write a region code such as us-west-2, eu-central-1, ap-southeast-4, us-gov-west-1 or cn-north-1 (the code, not the display name; src/policy/regions.ts lists them); the region decides the partition of every ARN keyshare writes',
            ),
    })
    .meta({ description });

const ACCOUNT_FIX =
  'write the 12-digit AWS account ID in quotes, e.g. "012345678901"; YAML reads an unquoted ID as a number and drops its leading zeros';

/** Users write account IDs as YAML numbers; that works only while no leading zero was lost. */
export function accountId(description: string) {
  return z
    .union([
      z.string().regex(ACCOUNT_ID, rule('is not a 12-digit AWS account ID', ACCOUNT_FIX)),
      z
        .number()
        .int(rule('is not a 12-digit AWS account ID', ACCOUNT_FIX))
        .min(
          100_000_000_000,
          rule("is a number with fewer than 12 digits, so YAML dropped the ID's leading zeros or a digit is missing", ACCOUNT_FIX),
        )
        .max(999_999_999_999, rule('has more than 12 digits', ACCOUNT_FIX)),
    ])
    .transform(String)
    .meta({ description });
}

export const roleArnField = formatted(
  ROLE_ARN,
  'is not an IAM role ARN',
  'write arn:<partition>:iam::<12-digit account>:role/<name>, e.g. arn:aws:iam::111122223333:role/deploy (a role ARN, not an assumed-role session ARN): keyshare assumes this role, and only a role can be assumed',
);

export const roleArnPattern = formatted(
  ROLE_ARN_PATTERN,
  'is not a role ARN pattern with {{account}} in the account field',
  'write arn:<partition>:iam::{{account}}:role/<name>, e.g. arn:aws:iam::{{account}}:role/terraform-deploy: keyshare puts each consumer account ID in place of {{account}}',
);

export const principalArn = formatted(
  PRINCIPAL_ARN_PATTERN,
  'is not an IAM role or user ARN',
  'write arn:<partition>:iam::<12-digit account>:role/<name> or :user/<name>, not the assumed-role ARN that `aws sts get-caller-identity` prints: a key policy names IAM principals by their ARN',
);

export function roleName(description: string) {
  return z
    .string()
    .refine(
      (s) => !s.startsWith(ARN_PREFIX),
      rule(
        'is an ARN, not a role name',
        "give only the role name (the part after role/, e.g. deploy): the policy is attached in the consumer's own account",
      ),
    )
    .regex(
      ROLE_NAME,
      rule('is not an IAM role name', 'IAM role names are 1 to 64 letters, digits and +=,.@_- characters; give the name of an existing role'),
    )
    .meta({ description });
}

export const amiId = formatted(
  AMI_ID,
  'is not an AMI ID',
  'write ami- followed by 8 or 17 lowercase hex digits, as `aws ec2 describe-images` prints it; keyshare shares the image by this ID',
)('AMI ID, e.g. ami-0a1b2c3d4e5f60718.');

export const snapshotId = formatted(
  SNAPSHOT_ID,
  'is not an EBS snapshot ID',
  'write snap- followed by 8 or 17 lowercase hex digits, as `aws ec2 describe-images --query "Images[].BlockDeviceMappings[].Ebs.SnapshotId"` prints them',
)('EBS snapshot ID behind the AMI, e.g. snap-0123456789abcdef0.');

export const keyAlias = z
  .string()
  .regex(NOT_AWS_MANAGED_ALIAS, rule('names an AWS-managed key (aliases under aws/ are reserved for them)', RULES['aws-managed-key'].fix))
  .regex(ALIAS_NAME, rule('is not a valid KMS alias name', 'use only letters, digits, /, _ and - (KMS rejects other characters), e.g. golden-ami'))
  .refine(
    (s) => ALIAS_PREFIX.length + withoutAliasPrefix(s).length <= ALIAS_MAX,
    rule('is longer than KMS allows', `shorten it: KMS allows ${ALIAS_MAX} characters including the alias/ prefix`),
  )
  .meta({
    description: 'Alias of the customer-managed key, with or without the alias/ prefix, e.g. golden-ami. Not aws/...: those are AWS-managed keys.',
  });

export const keyDescription = z
  .string()
  .max(8192, rule('is longer than KMS allows', 'shorten it to at most 8192 characters'))
  .meta({ description: 'Description of the key. Default: one that names the alias.' });

export const deletionWindowDays = z
  .number()
  .int(rule('is not a whole number of days', 'write a whole number from 7 to 30'))
  .min(
    7,
    rule(
      'is below the 7 days KMS requires',
      'write a whole number from 7 to 30: KMS waits 7 to 30 days before it deletes a key, so a mistake can still be undone',
    ),
  )
  .max(30, rule('is above the 30 days KMS allows', 'write a whole number from 7 to 30: KMS waits 7 to 30 days before it deletes a key'))
  .meta({ description: 'Days KMS waits before deleting the key once deletion is scheduled, 7 to 30.' });

export const existingKeyArn = z
  .string()
  .refine(
    (s) => !s.includes(`:${ALIAS_PREFIX}${AWS_MANAGED_ALIAS_PREFIX}`),
    rule(
      'names an AWS-managed key',
      "give a customer-managed key's ARN, or leave key.arn out and set key.alias so keyshare creates one: an AWS-managed key's policy cannot be changed, so it cannot be shared with other accounts",
    ),
  )
  .refine(
    (s) => !ALIAS_ARN_RESOURCE.test(s),
    rule(
      'is an alias ARN, not a key ARN',
      'give the key ARN that `aws kms describe-key --key-id alias/<name> --query KeyMetadata.Arn` prints; grants must name the key itself',
    ),
  )
  .regex(
    KEY_ARN,
    rule(
      'is not a KMS key ARN',
      'write arn:<partition>:kms:<region>:<account>:key/<key id>, as `aws kms describe-key` prints it, or leave key.arn out so keyshare creates the key',
    ),
  )
  .meta({ description: 'ARN of an existing customer-managed key to share instead of creating one.' });

export const serviceLinkedRoleSuffix = z
  .string()
  .regex(
    SERVICE_LINKED_ROLE_SUFFIX,
    rule(
      'is not a valid service-linked role suffix',
      'use only letters, digits and +=,.@_- characters, as IAM CreateServiceLinkedRole requires of CustomSuffix; the role is then AWSServiceRoleForAutoScaling_<suffix>',
    ),
  )
  .max(
    SERVICE_LINKED_ROLE_SUFFIX_MAX,
    rule(
      `is longer than ${SERVICE_LINKED_ROLE_SUFFIX_MAX} characters`,
      `shorten it: IAM CreateServiceLinkedRole allows a CustomSuffix of at most ${SERVICE_LINKED_ROLE_SUFFIX_MAX} characters`,
    ),
  )
  .meta({ description: "Custom suffix of the consumer's Auto Scaling service-linked role: AWSServiceRoleForAutoScaling_<suffix>." });

export const organizationId = formatted(
  ORG_ID,
  'is not an AWS Organizations ID',
  'write o- followed by 10 to 32 lowercase letters or digits, as `aws organizations describe-organization --query Organization.Id` prints it',
)('Organization ID, e.g. o-a1b2c3d4e5.');

export const organizationArnField = formatted(
  ORG_ARN,
  'is not an AWS Organizations organization ARN',
  'write arn:<partition>:organizations::<management account>:organization/<organization id>, as `aws organizations describe-organization --query Organization.Arn` prints it',
)('Organization ARN, e.g. arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5.');

export const ouPath = formatted(
  OU_PATH,
  'is not an organization path',
  'write <org id>/<root id>/<ou id>/..., e.g. o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/, the form the aws:PrincipalOrgPaths condition key compares',
)('aws:PrincipalOrgPaths entry, e.g. o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/: accounts under it are consumers.');

const BUCKET_FIX = 'name an existing bucket: S3 bucket names follow https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html';

/** Checks beyond the pattern, each one an S3 general-purpose bucket naming rule. */
const BUCKET_RULES: readonly (readonly [(name: string) => boolean, string])[] = [
  [(n) => !n.includes('..'), 'has two adjacent periods'],
  [(n) => !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(n), 'is formatted as an IP address'],
  [(n) => !/^(?:xn--|sthree-|amzn-s3-demo-)/.test(n), 'starts with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)'],
  [(n) => !/(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(n), 'ends with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)'],
];

export const bucketName = BUCKET_RULES.reduce(
  (schema, [ok, problem]) => schema.refine(ok, rule(`is not a valid S3 bucket name: it ${problem}`, BUCKET_FIX)),
  z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      rule(
        'is not a valid S3 bucket name: it must be 3 to 63 lowercase letters, digits, periods and hyphens, starting and ending with a letter or digit',
        BUCKET_FIX,
      ),
    ),
).meta({ description: 'S3 bucket that holds the Terraform state.' });

export const keyPrefix = formatted(
  /^[\w!.*'()=+,@-]+(?:\/[\w!.*'()=+,@-]+)*\/?$/,
  'is not a usable S3 key prefix',
  "use path segments of letters, digits and !_.*'()=+,@- separated by single /, without a leading /, e.g. keyshare/prod: S3 lists state keys by these segments",
)("Prefix of the state object keys: each stack's state is <keyPrefix>/<stack>.tfstate.");

export const ouId = formatted(
  OU_ID,
  'is not an OU ID',
  'write the OU ID as `aws organizations list-organizational-units-for-parent` prints it, e.g. ou-ab12-11111111',
);

/** npm's rule for a package name (lowercase, URL-safe, optionally scoped): https://docs.npmjs.com/cli/v10/configuring-npm/package-json#name */
export const NPM_PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** A git URL npm installs from (https://docs.npmjs.com/cli/v10/configuring-npm/package-json#git-urls-as-dependencies), without `#`: the commit is its own field. */
export const GIT_URL = /^(?:git\+)?(?:https|ssh|git):\/\/[^\s#'"`$\\]+$/;
export const GIT_COMMIT = /^[0-9a-f]{40}$/;
/** A branch name git accepts (git check-ref-format, the usual subset), safe in YAML and shell. */
export const BRANCH_NAME = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._/-]+$/;

export const npmPackageName = formatted(
  NPM_PACKAGE_NAME,
  'is not an npm package name',
  'write the name keyshare is published under in your registry, e.g. keyshare or @acme/keyshare; the generated workflows add the exact version that generated them',
);

export const gitUrl = formatted(
  GIT_URL,
  'is not a git URL npm can install from',
  'write e.g. https://github.com/acme/keyshare.git (without #commit: give the commit in generate.keyshare.commit)',
);

export const gitCommit = formatted(
  GIT_COMMIT,
  'is not a full 40-hex-digit commit ID',
  'give the full commit ID (git rev-parse HEAD): a branch or tag can move, so the workflows would not run what generated them',
);

export const branchName = formatted(BRANCH_NAME, 'is not a git branch name', 'write the branch name alone, e.g. main (not refs/heads/main)');
