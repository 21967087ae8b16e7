import { z } from 'zod';
import { rule } from './rule';
import {
  accountId,
  amiId,
  branchName,
  bucketName,
  deletionWindowDays,
  existingKeyArn,
  gitCommit,
  gitUrl,
  keyAlias,
  keyDescription,
  keyPrefix,
  npmPackageName,
  organizationArnField,
  organizationId,
  ouId,
  ouPath,
  principalArn,
  region,
  roleArnField,
  roleArnPattern,
  roleName,
  serviceLinkedRoleSuffix,
  snapshotId,
} from './fields';
import { KEY_OWNER_DEFAULTS } from '../model/key-defaults';
import { DEFAULT_ORGANIZATION_GRANTEE, ORGANIZATION_GRANTEES } from '../policy/key-policy';

/**
 * keyshare.yaml. Field names are API (ARCHITECTURE.md, "Config"). Objects are strict: a
 * misspelt field such as `consumer:` must fail loudly rather than be ignored.
 */

const SAME_REGION = 'Must equal owner.region when given: a key, its grants and an AMI live in one region.';

const owner = z
  .strictObject({
    account: accountId('Account that owns the key and the AMIs.'),
    region: region('Region of the key, its grants and the AMIs, e.g. us-west-2.'),
    deployRoleArn: roleArnField('Role in the owner account that Terraform assumes to deploy the owner stack.').optional(),
  })
  .meta({ description: 'The account that owns the KMS key and the AMIs.' });

const key = z
  .strictObject({
    alias: keyAlias,
    description: keyDescription.optional(),
    administrators: z
      .array(principalArn('IAM role or user ARN in the owner account.'))
      .default([])
      .meta({ description: 'IAM roles or users in the owner account that administer the key (no cryptographic use).' }),
    rotation: z.boolean().optional().meta({ description: 'Yearly automatic key rotation.', default: KEY_OWNER_DEFAULTS.enableKeyRotation }),
    deletionWindowDays: deletionWindowDays.optional().meta({ default: KEY_OWNER_DEFAULTS.deletionWindowInDays }),
    arn: existingKeyArn.optional(),
  })
  .meta({ description: "The customer-managed KMS key that encrypts the AMIs' snapshots." });

const ami = z
  .strictObject({
    id: amiId,
    snapshotIds: z
      .array(snapshotId)
      .default([])
      .meta({ description: 'Snapshots behind the AMI; each gets a create-volume permission for the consumers.' }),
    region: region(SAME_REGION).optional(),
  })
  .meta({ description: 'An AMI to share.' });

const consumer = z
  .strictObject({
    account: accountId('Consumer account whose Auto Scaling groups launch from the AMIs; may be the owner account.'),
    deployRoleArn: roleArnField('Role in the consumer account that Terraform assumes to deploy the consumer stack.').optional(),
    serviceLinkedRoleSuffix: serviceLinkedRoleSuffix.optional(),
    createServiceLinkedRole: z.boolean().default(false).meta({ description: 'Create the Auto Scaling service-linked role in the consumer account.' }),
    attachPolicyToRoles: z
      .array(roleName('Name of a role in the consumer account.'))
      .default([])
      .meta({ description: 'Roles in the consumer account that get the IAM policy to create the grant and use the key.' }),
    region: region(SAME_REGION).optional(),
  })
  .meta({ description: 'An account whose Auto Scaling groups launch from the shared AMIs.' });

const organization = z
  .strictObject({
    id: organizationId,
    arn: organizationArnField,
    ouPaths: z.array(ouPath).default([]).meta({ description: 'Limit sharing to these organization paths. Default: the whole organization.' }),
    grantee: z.enum(ORGANIZATION_GRANTEES).default(DEFAULT_ORGANIZATION_GRANTEE).meta({
      description:
        "How the CreateGrant statement names the grantee. own-account (default): each member may grant only its own Auto Scaling role, through ${aws:PrincipalAccount} in kms:GranteePrincipal, which no AWS KMS page documents in a key policy (check lists it as an assumption; if KMS did not resolve it, CreateGrant would be denied). any-account: only documented behaviour (StringLike on kms:GranteePrincipal with any account's AWSServiceRoleForAutoScaling*), but a member may then grant another account's Auto Scaling role.",
    }),
  })
  .meta({ description: 'Share with an AWS Organization (aws:PrincipalOrgID) instead of one principal per account.' });

const backend = z
  .strictObject({
    s3: z
      .strictObject({
        bucket: bucketName,
        region: region('Region of the state bucket.'),
        keyPrefix: keyPrefix.default('keyshare'),
        roleArn: roleArnField('Role that Terraform assumes to read and write the state.').optional(),
      })
      .meta({ description: 'Terraform S3 backend.' }),
  })
  .meta({ description: 'Where Terraform keeps state. Default: local state.' });

const keyshareSource = z
  .union([
    z.strictObject({
      package: npmPackageName('npm package name keyshare is published under; the workflows install it at the exact version that generated them.'),
    }),
    z.strictObject({
      git: gitUrl('Git URL of a keyshare repository.'),
      commit: gitCommit('The commit to install; it must be the version that generated the rollout (the workflows compare keyshare --version).'),
    }),
  ])
  .meta({
    description:
      'Where the generated workflows install keyshare from. Without it, every workflow job that needs keyshare fails, saying to set this (or the repository variable KEYSHARE_SOURCE).',
  });

const generate = z
  .strictObject({
    canary: z
      .strictObject({
        accounts: z.array(accountId('Account applied in the canary wave.')).default([]).meta({ description: 'Accounts applied in the canary wave.' }),
        ous: z
          .array(ouId('OU whose accounts (and those below it) are applied in the canary wave.'))
          .default([])
          .meta({ description: 'OUs whose accounts, and those below them, are applied in the canary wave.' }),
      })
      .meta({ description: 'The canary wave, applied before every other: these accounts, and the accounts in these OUs. Default: no canary wave.' })
      .optional(),
    createVolumePermissions: z.boolean().default(false).meta({
      description:
        'Give every account of the rollout create-volume permission on the AMI snapshots: one owner-root resource per account and snapshot, each refreshed by its own API call on every plan. Launching needs only the launch permission. Default: none.',
    }),
    keyshare: keyshareSource.optional(),
    defaultBranch: branchName('The branch whose pushes apply the rollout.').default('main'),
  })
  .meta({ description: 'keyshare generate: the org-wide rollout and its CI.' });

const atLeastOne = (what: string, example: string) =>
  rule(`lists no ${what}`, `add at least one ${what.replace(/s$/, '')}, e.g. ${example}: a rollout without one shares nothing`);

/** The fields of keyshare.yaml, each checked on its own; schema.ts adds the cross-field rules. */
export const configShape = z.strictObject({
  $schema: z.string().optional().meta({ description: 'JSON Schema of this file, for editors.' }),
  owner,
  key,
  amis: z.array(ami).min(1, atLeastOne('AMIs', '- id: ami-0a1b2c3d4e5f60718')).meta({ description: 'AMIs to share, all in owner.region.' }),
  consumers: z
    .array(consumer)
    .min(1, atLeastOne('consumers', '- account: "444455556666"'))
    .meta({ description: 'Accounts that launch from the AMIs.' }),
  organization: organization.optional(),
  backend: backend.optional(),
  generate: generate.optional(),
  consumerDeployRoleArn: roleArnPattern(
    'Deploy role of every consumer without its own consumers[].deployRoleArn, with {{account}} for the account ID, e.g. arn:aws:iam::{{account}}:role/terraform-deploy. keyshare generate uses it for every account of the inventory.',
  ).optional(),
});

/** The config after validation and defaults, before normalization into the Rollout model. */
export type Config = z.output<typeof configShape>;
