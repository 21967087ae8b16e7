import type { Rollout } from '../model/rollout';
import { partitionOf, roleArnFromPattern } from '../policy/arns';
import { normalizeOuPath, withoutAliasPrefix } from '../policy/formats';
import type { Config } from './shape';

/** The validated config as the Rollout model: one spelling of every value, consumers by account. */
export function toRollout(config: Config): Rollout {
  const { owner, key, organization, backend, consumerDeployRoleArn, generate } = config;
  const alias = withoutAliasPrefix(key.alias);
  return {
    partition: partitionOf(owner.region),
    owner: { account: owner.account, region: owner.region, ...(owner.deployRoleArn && { deployRoleArn: owner.deployRoleArn }) },
    key: {
      alias,
      ...(key.description !== undefined && { description: key.description }),
      administrators: key.administrators,
      ...(key.rotation !== undefined && { rotation: key.rotation }),
      ...(key.deletionWindowDays !== undefined && { deletionWindowDays: key.deletionWindowDays }),
      ...(key.arn && { arn: key.arn }),
    },
    amis: config.amis.map((ami) => ({ id: ami.id, snapshotIds: ami.snapshotIds })),
    consumers: config.consumers
      .map((c) => ({
        account: c.account,
        ...(c.deployRoleArn && { deployRoleArn: c.deployRoleArn }),
        // The owner as consumer has no stack of its own, so no deploy role.
        ...(!c.deployRoleArn &&
          consumerDeployRoleArn &&
          c.account !== owner.account && { deployRoleArn: roleArnFromPattern(consumerDeployRoleArn, c.account) }),
        ...(c.serviceLinkedRoleSuffix && { serviceLinkedRoleSuffix: c.serviceLinkedRoleSuffix }),
        createServiceLinkedRole: c.createServiceLinkedRole,
        attachPolicyToRoles: c.attachPolicyToRoles,
        sameAccount: c.account === owner.account,
      }))
      .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)),
    ...(organization && {
      organization: { id: organization.id, arn: organization.arn, ouPaths: organization.ouPaths.map(normalizeOuPath), grantee: organization.grantee },
    }),
    ...(consumerDeployRoleArn && { consumerDeployRoleArn }),
    ...(generate && {
      generate: {
        canary: { accounts: [...new Set(generate.canary?.accounts ?? [])].sort(), ous: [...new Set(generate.canary?.ous ?? [])].sort() },
        createVolumePermissions: generate.createVolumePermissions,
        ...(generate.keyshare && { keyshare: generate.keyshare }),
        defaultBranch: generate.defaultBranch,
      },
    }),
    ...(backend && {
      backend: {
        s3: {
          bucket: backend.s3.bucket,
          region: backend.s3.region,
          keyPrefix: backend.s3.keyPrefix.replace(/\/$/, ''),
          ...(backend.s3.roleArn && { roleArn: backend.s3.roleArn }),
        },
      },
    }),
  };
}
