import { AUTOSCALING_GRANT_OPERATIONS } from './actions';
import { GRANTEE_PRINCIPAL, GRANT_IS_FOR_AWS_RESOURCE, GRANT_OPERATIONS } from './conditions';
import type { ContextValue, Grant } from './kms-api';
import { accountRootArn, autoScalingRoleArn, Partition, principalAccount } from './arns';

/**
 * The request context of a CreateGrant (KMS developer guide, "AWS KMS condition keys"): the grantee
 * and operations of the grant being created, and whether an AWS service creates it for a resource
 * (`kms:GrantIsForAWSResource`: false when a principal calls CreateGrant itself). The launch path,
 * `check`'s probes and `review` build every CreateGrant request with it.
 */
export function createGrantContext(
  grantee: string,
  operations: readonly string[] = AUTOSCALING_GRANT_OPERATIONS,
  forAwsResource = false,
): Record<string, ContextValue> {
  return { [GRANTEE_PRINCIPAL]: grantee, [GRANT_OPERATIONS]: [...operations], [GRANT_IS_FOR_AWS_RESOURCE]: forAwsResource };
}

/** Name of the grant keyshare creates; lets `review` and people listing grants recognize it. */
export const AUTOSCALING_GRANT_NAME = 'keyshare-autoscaling';

/**
 * The grant a consumer account creates for its own Auto Scaling service-linked role.
 * `KeyId` must be the full key ARN: KMS accepts nothing shorter for a key in another account
 * (KMS API reference, CreateGrant, KeyId).
 */
export function autoScalingGrant(partition: Partition, keyArn: string, account: string, suffix?: string): Grant {
  return {
    Name: AUTOSCALING_GRANT_NAME,
    KeyId: keyArn,
    GranteePrincipal: autoScalingRoleArn(partition, account, suffix),
    Operations: [...AUTOSCALING_GRANT_OPERATIONS],
  };
}

/**
 * That grant as KMS lists it once the consumer account has created it: issued by that account,
 * which may therefore retire it through its IAM policies (KMS developer guide, "Retiring and
 * revoking grants"): what a consumer stack's destroy rests on.
 */
export function issuedAutoScalingGrant(partition: Partition, keyArn: string, account: string, suffix?: string): Grant {
  return { ...autoScalingGrant(partition, keyArn, account, suffix), IssuingAccount: accountRootArn(partition, account) };
}

/** A grant with its place in the list it came from, which names it when it has no ID. */
export interface PlacedGrant {
  readonly grant: Grant;
  readonly index: number;
}

/**
 * The grants that can decide a request from a principal of `account`, in list order: those whose
 * grantee, retiring principal or issuing account is of that account, and those naming a principal
 * whose account cannot be read. A grant's grantee and retiring principal are each one principal
 * ("Grants in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/grants.html), and
 * only they and the issuing account may use or retire it ("Retiring and revoking grants"), so
 * grants of other accounts never apply. Indexed once per list: deciding for each of thousands of
 * consumers scans its own grants, not every grant on the key. A list must not be mutated after use.
 */
export function grantsNaming(grants: readonly Grant[], account: string): readonly PlacedGrant[] {
  let index = grantIndex.get(grants);
  if (!index) {
    index = indexGrants(grants);
    grantIndex.set(grants, index);
  }
  const named = index.byAccount.get(account);
  if (!named) return index.open;
  let merged = index.merged.get(account);
  if (!merged) {
    merged = [...index.open, ...named].sort((a, b) => a.index - b.index);
    index.merged.set(account, merged);
  }
  return merged;
}

interface GrantIndex {
  /** Grants with a principal whose account cannot be read: any caller may be it. */
  readonly open: readonly PlacedGrant[];
  readonly byAccount: ReadonlyMap<string, readonly PlacedGrant[]>;
  readonly merged: Map<string, readonly PlacedGrant[]>;
}
const grantIndex = new WeakMap<readonly Grant[], GrantIndex>();

function indexGrants(grants: readonly Grant[]): GrantIndex {
  const open: PlacedGrant[] = [];
  const byAccount = new Map<string, PlacedGrant[]>();
  grants.forEach((grant, index) => {
    const principals = [grant.GranteePrincipal, grant.RetiringPrincipal, grant.IssuingAccount].filter((p): p is string => p !== undefined);
    const accounts = principals.map(principalAccount);
    if (accounts.some((a) => a === undefined)) {
      open.push({ grant, index });
      return;
    }
    for (const a of new Set(accounts as string[])) byAccount.set(a, [...(byAccount.get(a) ?? []), { grant, index }]);
  });
  return { open, byAccount, merged: new Map() };
}
