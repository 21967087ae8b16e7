import type { PolicyDocument } from '../policy/document';
import type { Grant } from '../policy/kms-api';

/**
 * The live state `audit` reads, as the documents `doctor` reads from pasted AWS CLI output: key and
 * IAM policies as policy documents, grants as list-grants prints them, SCPs one merged document per
 * level of the organization. A value that could not be read is absent, and `failures` says why.
 */
export interface Snapshot {
  readonly owner: OwnerState;
  /** Sorted by account ID. */
  readonly accounts: readonly AccountState[];
  /** From DescribeOrganization, when it could be read. */
  readonly organization?: { readonly id: string; readonly arn: string; readonly managementAccount: string };
  /** Calls that are not one account's: DescribeOrganization. */
  readonly failures: readonly CallFailure[];
}

/** A call that failed: denied, throttled past every retry, timed out, or answered with an error. */
export interface CallFailure {
  /** The IAM action the call needs, e.g. `kms:ListGrants`. */
  readonly action: string;
  /** What it was called on: a key, role, AMI, policy or organization ID. */
  readonly target: string;
  /** The error name AWS or the SDK gave: AccessDeniedException, ThrottlingException, TimeoutError. */
  readonly error: string;
  readonly message: string;
  /** True when AWS refused the call (an authorization failure), so the fix is a permission. */
  readonly denied: boolean;
}

export interface LaunchPermission {
  readonly userId?: string;
  readonly group?: string;
  readonly organizationArn?: string;
  readonly organizationalUnitArn?: string;
}

export interface OwnerState {
  readonly account: string;
  /** The key's ARN, from the config or from DescribeKey on the alias. */
  readonly keyArn?: string;
  readonly keyPolicy?: PolicyDocument;
  /** Alias names (`alias/…`) of the key. */
  readonly aliases?: readonly string[];
  /** Every grant on the key: one ListGrants from the owner account sees them all, with their IssuingAccount. */
  readonly grants?: readonly Grant[];
  /** Per AMI ID; absent where DescribeImageAttribute failed. */
  readonly launchPermissions: Readonly<Record<string, readonly LaunchPermission[] | undefined>>;
  /** Account IDs per snapshot ID; absent where DescribeSnapshotAttribute failed. */
  readonly createVolumePermissions: Readonly<Record<string, readonly string[] | undefined>>;
  /** Resource control policies along the owner account's path, one merged document per level; they bound the key. */
  readonly rcps?: readonly PolicyDocument[];
  readonly failures: readonly CallFailure[];
}

export interface AccountState {
  readonly account: string;
  /** `o-…/r-…/ou-…/…/`, from ListParents; its OUs decide OU launch permissions and aws:PrincipalOrgPaths. */
  readonly orgPath?: string;
  /** Service control policies along the path, root first, one merged document per level. */
  readonly scps?: readonly PolicyDocument[];
  /** Whether the Auto Scaling service-linked role exists (IAM GetRole); absent when unknown. */
  readonly serviceLinkedRole?: boolean;
  /** The principal that creates the grant (the account's deploy role). */
  readonly grantCreator?: string;
  /** Its IAM policies, managed and inline, when readable. */
  readonly identityPolicies?: readonly PolicyDocument[];
  /** The AssumeRole into the account failed: nothing in it could be read. */
  readonly unreachable?: CallFailure;
  readonly failures: readonly CallFailure[];
}
