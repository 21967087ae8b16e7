import type { z } from 'zod';
import { ArnParts, parseArn, partitionOf, roleArnFromPattern } from '../policy/arns';
import { normalizeOuPath } from '../policy/formats';
import { RULES } from '../policy/rules';
import { rule } from './rule';
import type { Config } from './shape';

/**
 * zod runs these rules even when a field failed its format (fields.ts), which is then reported
 * already: an ARN that does not parse reads as empty parts here and is not reported twice.
 */
const NO_PARTS: Partial<ArnParts> = {};

/**
 * Rules that relate fields to one another: which account and partition an ARN belongs to,
 * duplicates, and the one-region constraint. Issues are added in config order, so the first
 * one reported is always the same for the same file.
 */
export function refineConsistency(config: Config, ctx: z.RefinementCtx): void {
  const report = (path: readonly PropertyKey[], input: unknown, problem: string, fix: string) =>
    ctx.addIssue({ code: 'custom', path: [...path], input, message: rule(problem, fix) });

  const { owner } = config;
  const partition = partitionOf(owner.region);

  /** ARN fields: arn:<partition>:<service>:<region>:<account>:<resource>. */
  const inAccount = (path: readonly PropertyKey[], arn: string, account: string, whose: string, fix: string) => {
    const { partition: arnPartition, account: arnAccount } = parseArn(arn) ?? NO_PARTS;
    if (arnPartition !== partition) {
      report(
        path,
        arn,
        `is in partition ${arnPartition}, but owner.region ${owner.region} is in ${partition}`,
        `write arn:${partition}:...: IAM and KMS never match principals across partitions`,
      );
    } else if (arnAccount !== account) {
      report(path, arn, `is in account ${arnAccount}, not ${whose} ${account}`, fix);
    }
  };

  const sameRegion = (path: readonly PropertyKey[], region: string | undefined, what: string) => {
    if (region === undefined || region === owner.region) return;
    report(
      path,
      region,
      `differs from owner.region ${owner.region}: ${RULES['one-region'].title}`,
      `copy the ${what} into ${owner.region} with \`aws ec2 copy-image --source-region ${region} --region ${owner.region} --encrypted --kms-key-id <a key in ${owner.region}>\`, or run one keyshare rollout per region with a key in each`,
    );
  };

  const firstSeen = new Map<string, number>();
  const duplicate = (scope: string, value: string, index: number): number | undefined => {
    const seen = firstSeen.get(`${scope}\u0000${value}`);
    if (seen === undefined) firstSeen.set(`${scope}\u0000${value}`, index);
    return seen;
  };

  if (owner.deployRoleArn !== undefined) {
    inAccount(
      ['owner', 'deployRoleArn'],
      owner.deployRoleArn,
      owner.account,
      'owner.account',
      `name a role of account ${owner.account}: the owner stack is deployed into the owner account`,
    );
  }

  if (config.consumerDeployRoleArn !== undefined) {
    const rolePartition = parseArn(roleArnFromPattern(config.consumerDeployRoleArn, owner.account))?.partition;
    if (rolePartition !== partition) {
      report(
        ['consumerDeployRoleArn'],
        config.consumerDeployRoleArn,
        `is in partition ${rolePartition}, but owner.region ${owner.region} is in ${partition}`,
        `write arn:${partition}:iam::{{account}}:role/...: consumer accounts are in the owner's partition`,
      );
    }
  }

  config.key.administrators.forEach((admin, i) => {
    const path = ['key', 'administrators', i];
    inAccount(
      path,
      admin,
      owner.account,
      'owner.account',
      `name a role or user of account ${owner.account}: only the owner account administers the key; consumers get use, never administration`,
    );
    const seen = duplicate('administrator', admin, i);
    if (seen !== undefined) report(path, admin, `repeats key.administrators[${seen}]`, 'list each administrator once');
  });

  if (config.key.arn !== undefined) {
    // With key.arn keyshare manages only that key's policy (aws_kms_key_policy): settings of a new key mean nothing.
    for (const field of ['description', 'rotation', 'deletionWindowDays'] as const) {
      if (config.key[field] !== undefined) {
        report(
          ['key', field],
          config.key[field],
          'describes a key keyshare creates, but key.arn names a key that exists: keyshare manages only its key policy',
          `set ${field} on that key itself (aws kms ...), and remove key.${field}; or remove key.arn to have keyshare create the key`,
        );
      }
    }
    const keyRegion = parseArn(config.key.arn)?.region;
    if (keyRegion !== owner.region) {
      report(
        ['key', 'arn'],
        config.key.arn,
        `is in region ${keyRegion}, not owner.region ${owner.region}: ${RULES['one-region'].title}`,
        `give the ARN of a key in owner.region, or set owner.region to the key's region; else ${RULES['one-region'].fix}`,
      );
    } else {
      inAccount(
        ['key', 'arn'],
        config.key.arn,
        owner.account,
        'owner.account',
        `give a key of account ${owner.account}, or leave key.arn out: keyshare manages the key policy, which only the key's own account can change`,
      );
    }
  }

  config.amis.forEach((ami, i) => {
    sameRegion(['amis', i, 'region'], ami.region, `AMI ${ami.id}`);
    const seen = duplicate('ami', ami.id, i);
    if (seen !== undefined) report(['amis', i, 'id'], ami.id, `repeats amis[${seen}].id`, 'list each AMI once');
    ami.snapshotIds.forEach((snapshot, j) => {
      const first = duplicate('snapshot', snapshot, i);
      if (first !== undefined) {
        report(
          ['amis', i, 'snapshotIds', j],
          snapshot,
          `is already listed under amis[${first}]`,
          'list each snapshot once: one create-volume permission covers every AMI that uses it',
        );
      }
    });
  });

  config.consumers.forEach((consumer, i) => {
    sameRegion(['consumers', i, 'region'], consumer.region, 'AMIs');
    const seen = duplicate('consumer', consumer.account, i);
    if (seen !== undefined) {
      report(
        ['consumers', i, 'account'],
        consumer.account,
        `repeats consumers[${seen}].account`,
        'list each consumer account once and merge their settings: one account has one Auto Scaling grant',
      );
    }
    if (consumer.account === owner.account) {
      // The owner as consumer gets no stack and no grant: the key policy names its Auto Scaling role.
      if (consumer.deployRoleArn !== undefined) {
        report(
          ['consumers', i, 'deployRoleArn'],
          consumer.deployRoleArn,
          'is never used: the owner account as consumer has no stack of its own',
          'remove it; the owner stack deploys with owner.deployRoleArn',
        );
      }
      if (consumer.attachPolicyToRoles.length > 0) {
        report(
          ['consumers', i, 'attachPolicyToRoles'],
          consumer.attachPolicyToRoles,
          'is never used: in the owner account no consumer IAM policy is attached, since the key policy itself names the Auto Scaling role',
          'remove it; roles of the owner account that need the key belong in the key policy or their own IAM policies',
        );
      }
    } else if (consumer.deployRoleArn !== undefined) {
      inAccount(
        ['consumers', i, 'deployRoleArn'],
        consumer.deployRoleArn,
        consumer.account,
        `consumers[${i}].account`,
        `name a role of account ${consumer.account}: the consumer stack is deployed into the consumer account`,
      );
    }
    consumer.attachPolicyToRoles.forEach((role, j) => {
      const first = duplicate(`role of consumer ${i}`, role, j);
      if (first !== undefined)
        report(['consumers', i, 'attachPolicyToRoles', j], role, `repeats attachPolicyToRoles[${first}]`, 'list each role once');
    });
  });

  const org = config.organization;
  if (org !== undefined) {
    const { partition: orgPartition, resource } = parseArn(org.arn) ?? NO_PARTS;
    if (orgPartition !== partition) {
      report(
        ['organization', 'arn'],
        org.arn,
        `is in partition ${orgPartition}, but owner.region ${owner.region} is in ${partition}`,
        `write arn:${partition}:organizations::...: an organization lives in one partition`,
      );
    } else if (resource !== `organization/${org.id}`) {
      report(
        ['organization', 'arn'],
        org.arn,
        `names another organization than organization.id ${org.id}`,
        'copy id and arn from the same `aws organizations describe-organization` output',
      );
    }
    org.ouPaths.forEach((path, i) => {
      if (!path.startsWith(`${org.id}/`)) {
        report(
          ['organization', 'ouPaths', i],
          path,
          `does not start with organization.id ${org.id}`,
          `write paths of this organization, ${org.id}/r-.../ou-.../: aws:PrincipalOrgPaths compares the full path from the organization ID`,
        );
      }
      const seen = duplicate('ouPath', normalizeOuPath(path), i);
      if (seen !== undefined) report(['organization', 'ouPaths', i], path, `repeats organization.ouPaths[${seen}]`, 'list each path once');
    });
  }

  const s3 = config.backend?.s3;
  if (s3?.roleArn !== undefined) {
    const statePartition = partitionOf(s3.region);
    const rolePartition = parseArn(s3.roleArn)?.partition;
    if (rolePartition !== statePartition) {
      report(
        ['backend', 's3', 'roleArn'],
        s3.roleArn,
        `is in partition ${rolePartition}, but backend.s3.region ${s3.region} is in ${statePartition}`,
        `write arn:${statePartition}:iam::...: a role can be assumed only within its partition`,
      );
    }
  }
}
