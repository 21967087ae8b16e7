import { DescribeImageAttributeCommand, DescribeSnapshotAttributeCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  paginateListAliases,
  paginateListGrants,
} from '@aws-sdk/client-kms';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
  paginateListParents,
  paginateListPoliciesForTarget,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/**
 * Every AWS SDK command `audit` and `doctor --live` can send, by service. Reads only: Get, List and
 * Describe, and `sts:AssumeRole`, which changes nothing in any account (it returns temporary
 * credentials for a role the caller is trusted to assume). A test holds this list to that rule and
 * fails on a command imported anywhere else in src/.
 */
export const READ_COMMANDS = {
  kms: { DescribeKeyCommand, GetKeyPolicyCommand, ListAliasesCommand, ListGrantsCommand },
  ec2: { DescribeImageAttributeCommand, DescribeSnapshotAttributeCommand },
  iam: { GetRoleCommand, ListAttachedRolePoliciesCommand, GetPolicyCommand, GetPolicyVersionCommand, ListRolePoliciesCommand, GetRolePolicyCommand },
  organizations: { DescribeOrganizationCommand, ListParentsCommand, ListPoliciesForTargetCommand, DescribePolicyCommand },
  sts: { AssumeRoleCommand },
} as const;

export const PAGINATORS = {
  paginateListAliases,
  paginateListGrants,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListParents,
  paginateListPoliciesForTarget,
} as const;

export type Service = keyof typeof READ_COMMANDS;

/** How the SDK clients behave: one region, adaptive retry for throttling, a timeout per HTTP request. */
export interface ClientSettings {
  readonly region: string;
  /** Attempts per call, the first included, with the SDK's adaptive retry (client-side rate limiting on throttling). */
  readonly maxAttempts: number;
  /** Milliseconds one HTTP request may take (connection included) before it is abandoned and retried. */
  readonly timeoutMs: number;
}

/** Access keys, as STS AssumeRole returns them. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where an account's credentials come from: a named profile, or the caller's own (the SDK's default chain). */
export type BaseCredentials = { readonly profile: string } | { readonly credentials: StaticCredentials } | { readonly chain: true };

/**
 * The SDK for JavaScript v3 warns on every run under Node 20 that its releases after January 2027
 * will need Node 22 (`@aws-sdk/core`, `emitWarningIfUnsupportedVersion`). keyshare pins releases that
 * support Node 20 (package.json), so the warning says nothing a keyshare user can act on.
 */
export function silenceNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

function clientConfig(settings: ClientSettings, base: BaseCredentials) {
  silenceNodeVersionWarning();
  return {
    region: settings.region,
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts,
    requestHandler: { requestTimeout: settings.timeoutMs, connectionTimeout: settings.timeoutMs },
    ...('profile' in base && { profile: base.profile }),
    ...('credentials' in base && { credentials: base.credentials }),
  };
}

export interface AccountClients {
  readonly kms: KMSClient;
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
}

export function accountClients(settings: ClientSettings, base: BaseCredentials): AccountClients {
  const config = clientConfig(settings, base);
  return { kms: new KMSClient(config), ec2: new EC2Client(config), iam: new IAMClient(config) };
}

export function organizationsClient(settings: ClientSettings, base: BaseCredentials): OrganizationsClient {
  return new OrganizationsClient(clientConfig(settings, base));
}

export function stsClient(settings: ClientSettings, base: BaseCredentials): STSClient {
  return new STSClient(clientConfig(settings, base));
}
