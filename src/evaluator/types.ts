import type { PolicyDocument } from '../policy/document';
import type { Grant } from '../policy/kms-api';

/** Everything KMS would weigh for one request. An input that is absent counts as none. */
export interface KeyAccessInputs {
  readonly keyArn: string;
  readonly keyPolicy: PolicyDocument;
  /** Identity-based policies of the caller. */
  readonly identityPolicies?: readonly PolicyDocument[];
  readonly grants?: readonly Grant[];
  /**
   * SCPs that bound the caller's account. Each document stands for one level of the
   * organization (root, OU, account) and must allow the request; merge the SCPs attached at
   * one level into one document. They never restrict service-linked roles.
   */
  readonly scps?: readonly PolicyDocument[];
  /**
   * The caller is in the organization's management account, which SCPs do not affect
   * (AWS Organizations User Guide, "Service control policies"). Only the caller knows this.
   */
  readonly callerInManagementAccount?: boolean;
  /**
   * RCPs that bound the key's account, at any level (root, OUs, account). Only their Deny statements
   * decide: "The effect of `Allow` is only supported for the `RCPFullAWSAccess` policy", which is
   * attached to every level and "You cannot detach this policy" (Organizations User Guide, "RCP
   * syntax" and "RCP evaluation",
   * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html).
   * They do not apply to service-linked roles, to the management account's resources, to AWS managed
   * keys, or to kms:RetireGrant (`rcpsApply` in authorize.ts).
   */
  readonly rcps?: readonly PolicyDocument[];
  /** The key is in the organization's management account, whose resources RCPs do not affect. */
  readonly keyInManagementAccount?: boolean;
  /** The key is an AWS managed key (`alias/aws/...`), to which RCPs do not apply. */
  readonly awsManagedKey?: boolean;
  /**
   * The permissions boundary of the caller's IAM user or role: it limits what identity-based
   * policies allow, and a key policy that names the role (not the session) (IAM User Guide,
   * "Policy evaluation logic"). Undefined: the caller has no boundary.
   */
  readonly permissionsBoundary?: PolicyDocument;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export type TraceSource = 'key-policy' | 'identity-policy' | 'grant' | 'scp' | 'rcp' | 'permissions-boundary';

export interface TraceEntry {
  readonly source: TraceSource;
  /** Sid, `Statement[i]` where there is no Sid, or the grant ID. */
  readonly id: string;
  readonly effect: 'Allow' | 'Deny';
  readonly detail: string;
}

export interface AuthorizationResult {
  readonly decision: Decision;
  /** Statements and grants that allowed or denied the request. */
  readonly trace: readonly TraceEntry[];
  /** For an implicit deny: what was missing, one sentence each (e.g. "no IAM policy of the caller allows kms:CreateGrant"). */
  readonly missing: readonly string[];
  /**
   * Deny statements that would decide the request if AWS read their NotPrincipal one way, which the
   * AWS page leaves undecided: the request is then unknown (`authorizeKnowing`), each named with the page.
   */
  readonly undecided?: readonly string[];
}
