import { organizationLaunchTargets } from './arns';
import { crossAccountConsumers, type ConsumerIdentity } from './key-policy';

/** Who the owner shares its AMIs and snapshots with; the owner stack creates these permissions and `audit` expects them. */
export interface AmiShareTargets {
  /** Launch permission per account: flat mode only, where the key policy names each account. */
  readonly accounts: readonly string[];
  readonly organizationArn?: string;
  readonly organizationalUnitArns: readonly string[];
  /** Create-volume permission on each snapshot, per cross-account consumer, in both modes. */
  readonly snapshotAccounts: readonly string[];
}

export function amiShareTargets(rollout: {
  readonly consumers: readonly ConsumerIdentity[];
  readonly organization?: { readonly arn: string; readonly id: string; readonly ouPaths: readonly string[] };
}): AmiShareTargets {
  const accounts = crossAccountConsumers(rollout).map((c) => c.account);
  const targets = rollout.organization ? organizationLaunchTargets(rollout.organization) : undefined;
  return {
    // The organization's members are covered by the organization or OU permission.
    accounts: rollout.organization ? [] : accounts,
    organizationArn: targets?.organizationArn,
    organizationalUnitArns: targets?.organizationalUnitArns ?? [],
    snapshotAccounts: accounts,
  };
}
