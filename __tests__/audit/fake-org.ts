import { DescribeImageAttributeCommand, DescribeSnapshotAttributeCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { DescribeImageAttributeCommandOutput, DescribeSnapshotAttributeCommandOutput, LaunchPermission } from '@aws-sdk/client-ec2';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type {
  GetPolicyCommandOutput,
  GetPolicyVersionCommandOutput,
  GetRoleCommandOutput,
  GetRolePolicyCommandOutput,
  ListAttachedRolePoliciesCommandOutput,
  ListRolePoliciesCommandOutput,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand, ListGrantsCommand } from '@aws-sdk/client-kms';
import type {
  DescribeKeyCommandOutput,
  GetKeyPolicyCommandOutput,
  GrantListEntry,
  ListAliasesCommandOutput,
  ListGrantsCommandOutput,
} from '@aws-sdk/client-kms';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type {
  DescribeOrganizationCommandOutput,
  DescribePolicyCommandOutput,
  ListParentsCommandOutput,
  ListPoliciesForTargetCommandOutput,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { Rollout } from '../../src/model/rollout';
import { AUTOSCALING_GRANT_OPERATIONS } from '../../src/policy/actions';
import {
  accountRootArn,
  aliasName,
  autoScalingRoleArn,
  autoScalingRoleName,
  iamPolicyArn,
  organizationArn,
  parseRoleArn,
} from '../../src/policy/arns';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { AUTOSCALING_GRANT_NAME } from '../../src/policy/grant';
import { keyPolicy } from '../../src/policy/key-policy';
import { amiShareTargets } from '../../src/policy/ami-share';
import { main } from '../../src/cli/main';

/**
 * An AWS Organization held in memory and served through aws-sdk-client-mock: each call is answered
 * for the account whose credentials the client holds (AssumeRole hands out `ASIA<account>` keys), so
 * a call made with the wrong account's credentials sees that account's state, as in AWS. Every
 * response is typed as the SDK's *CommandOutput and shaped as the AWS API reference examples show
 * them: ListGrants' KeyId is the key ARN and IssuingAccount the issuer's root ARN, IAM policy
 * documents are URL-encoded, timestamps are Date objects.
 */
export const BASE_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const BASE_CREDENTIALS = { accessKeyId: BASE_ACCESS_KEY, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const ROOT_ID = 'r-examplerootid111';
export const OU_ID = 'ou-examplerootid111-exampleouid111';
export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
const CREATED = new Date('2019-10-24T19:37:28.000Z');

const FULL_AWS_ACCESS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

export interface FakeRole {
  attached: string[];
  inline: Record<string, string>;
}

export interface FakeOrg {
  orgId: string;
  managementAccount: string;
  /** Child (account or OU ID) → parent ID. */
  parents: Record<string, string>;
  /** Target (root, OU, account) → attached policy IDs. */
  attached: Record<string, string[]>;
  policies: Record<string, { type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'; content: string }>;
  key: { arn: string; policy: string; aliases: string[]; grants: GrantListEntry[] };
  images: Record<string, LaunchPermission[]>;
  snapshots: Record<string, string[]>;
  /** Account → role name → its policies; service-linked roles are roles too. */
  roles: Record<string, Record<string, FakeRole>>;
  /** Managed policy ARN → document JSON. */
  managed: Record<string, string>;
  /** `<account> <action>`, or `base <action>` for the caller's own calls, that AWS refuses. */
  denied: Set<string>;
  /** `<action>` → how many more calls AWS throttles. */
  throttle: Map<string, number>;
  /** Calls that never answer. */
  hang: Set<string>;
  pageSize: number;
  /** Milliseconds every call takes (the bench simulates AWS's latency). */
  latencyMs: number;
  /** Every call made: `<account> <action>`. */
  log: string[];
}

/** The live state keyshare's stacks would leave for `rollout`, every account under one OU. */
export function deployedOrg(rollout: Rollout, orgId = 'o-a1b2c3d4e5'): FakeOrg {
  const { partition, owner } = rollout;
  const arn = `${['arn', partition, 'kms', owner.region, owner.account].join(':')}:key/${KEY_ID}`;
  const cross = rollout.consumers.filter((c) => !c.sameAccount);
  const targets = amiShareTargets(rollout);
  const roles: FakeOrg['roles'] = {};
  const managed: FakeOrg['managed'] = {};
  for (const c of rollout.consumers) {
    roles[c.account] = { [autoScalingRoleName(c.serviceLinkedRoleSuffix)]: { attached: [], inline: {} } };
    const creator = c.deployRoleArn && parseRoleArn(c.deployRoleArn);
    if (!c.sameAccount && creator) {
      const policyArn = iamPolicyArn(partition, c.account, 'keyshare-shared-ami-key');
      managed[policyArn] = JSON.stringify(consumerIamPolicy(partition, owner.region, c.account, arn, c.serviceLinkedRoleSuffix));
      roles[c.account][creator.name] = { attached: [policyArn], inline: {} };
    }
  }
  const parents: Record<string, string> = { [OU_ID]: ROOT_ID, [owner.account]: ROOT_ID };
  for (const c of rollout.consumers) if (!c.sameAccount) parents[c.account] = OU_ID;
  return {
    orgId,
    managementAccount: owner.account,
    parents,
    attached: {
      [ROOT_ID]: [FULL_AWS_ACCESS_ID],
      [OU_ID]: [FULL_AWS_ACCESS_ID],
      ...Object.fromEntries(Object.keys(parents).map((a) => [a, [FULL_AWS_ACCESS_ID]])),
    },
    policies: { [FULL_AWS_ACCESS_ID]: { type: 'SERVICE_CONTROL_POLICY', content: FULL_AWS_ACCESS } },
    key: {
      arn,
      policy: JSON.stringify(keyPolicy(rollout)),
      aliases: [aliasName(rollout.key.alias)],
      grants: cross.map((c, i) => ({
        KeyId: arn,
        GrantId: `${String(i).padStart(4, '0')}1237f76e4ba7987489ac329fbfba6ad343d6f7075dbd1ef191f0120514a`,
        Name: AUTOSCALING_GRANT_NAME,
        CreationDate: CREATED,
        GranteePrincipal: autoScalingRoleArn(partition, c.account, c.serviceLinkedRoleSuffix),
        IssuingAccount: accountRootArn(partition, c.account),
        Operations: [...AUTOSCALING_GRANT_OPERATIONS],
      })),
    },
    images: Object.fromEntries(
      rollout.amis.map((a) => [
        a.id,
        [
          ...targets.accounts.map((UserId) => ({ UserId })),
          ...(targets.organizationArn ? [{ OrganizationArn: targets.organizationArn }] : []),
          ...targets.organizationalUnitArns.map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
        ],
      ]),
    ),
    snapshots: Object.fromEntries(rollout.amis.flatMap((a) => a.snapshotIds).map((id) => [id, [...targets.snapshotAccounts]])),
    roles,
    managed,
    denied: new Set(),
    throttle: new Map(),
    hang: new Set(),
    pageSize: 2,
    latencyMs: 0,
    log: [],
  };
}

type Clients = ReturnType<typeof mockClient>[];

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

const DENIED_NAME: Record<string, string> = {
  kms: 'AccessDeniedException',
  iam: 'AccessDenied',
  sts: 'AccessDenied',
  organizations: 'AccessDeniedException',
  ec2: 'UnauthorizedOperation',
};

/** One page of `items`, from the offset the token holds. */
function page<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length && { next: String(end) }) };
}

/** Serves `org` to every SDK client until `restore()`; returns the mocks. */
export function serve(org: FakeOrg): { restore: () => void; clients: Clients } {
  const accountOf = async (getClient: () => { config: { credentials: () => Promise<{ accessKeyId: string }> } }): Promise<string> => {
    const { accessKeyId } = await getClient().config.credentials();
    if (accessKeyId === BASE_ACCESS_KEY) return 'base';
    return accessKeyId.slice('ASIA'.length);
  };
  const gate = async (who: string, service: string, op: string): Promise<void> => {
    const action = `${service}:${op}`;
    org.log.push(`${who} ${action}`);
    if (org.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, org.latencyMs));
    if (org.hang.has(action)) await new Promise(() => undefined);
    const left = org.throttle.get(action) ?? 0;
    if (left > 0) {
      org.throttle.set(action, left - 1);
      throw awsError('ThrottlingException', 'Rate exceeded');
    }
    if (org.denied.has(`${who} ${action}`))
      throw awsError(
        DENIED_NAME[service],
        `User: arn:aws:sts::${who}:assumed-role/audit/keyshare-audit is not authorized to perform: ${action}`,
        403,
      );
  };
  // `(input, getClient)` handlers; typed loosely because each mock serves one command's input.
  type Handler = (input: any, who: string) => Promise<object> | object;
  const on = (mock: ReturnType<typeof mockClient>, service: string, command: any, op: string, handler: Handler) =>
    mock.on(command).callsFake(async (input: any, getClient: any) => {
      const who = await accountOf(getClient);
      await gate(who, service, op);
      return handler(input, who);
    });

  const sts = mockClient(STSClient);
  on(sts, 'sts', AssumeRoleCommand, 'AssumeRole', (input): AssumeRoleCommandOutput => {
    const account = parseRoleArn(input.RoleArn)!.account;
    if (org.denied.has(`${account} sts:AssumeRole`))
      throw awsError(
        'AccessDenied',
        `User: arn:aws:iam::${org.managementAccount}:user/audit is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    return {
      $metadata: {},
      Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2030-01-01T00:00:00Z') },
      AssumedRoleUser: {
        Arn: `${input.RoleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/keyshare-audit`,
        AssumedRoleId: 'AROA3XFRBF535PLBIFPI4:keyshare-audit',
      },
    };
  });

  const kms = mockClient(KMSClient);
  const ownKey = (who: string, keyId: string) => {
    if (who !== org.key.arn.split(':')[4] || (keyId !== org.key.arn && !org.key.aliases.some((a) => keyId.endsWith(`:${a}`))))
      throw awsError('NotFoundException', `Key '${keyId}' does not exist`);
  };
  on(kms, 'kms', DescribeKeyCommand, 'DescribeKey', (input, who): DescribeKeyCommandOutput => {
    ownKey(who, input.KeyId);
    return {
      $metadata: {},
      KeyMetadata: { KeyId: KEY_ID, Arn: org.key.arn, AWSAccountId: who, CreationDate: CREATED, Enabled: true, KeyState: 'Enabled' },
    };
  });
  on(kms, 'kms', GetKeyPolicyCommand, 'GetKeyPolicy', (input, who): GetKeyPolicyCommandOutput => {
    ownKey(who, input.KeyId);
    return { $metadata: {}, Policy: org.key.policy, PolicyName: 'default' };
  });
  on(kms, 'kms', ListAliasesCommand, 'ListAliases', (input, who): ListAliasesCommandOutput => {
    ownKey(who, input.KeyId);
    const p = page(org.key.aliases, input.Marker, org.pageSize);
    return {
      $metadata: {},
      Aliases: p.items.map((AliasName) => ({ AliasName, AliasArn: `${org.key.arn.split(':key/')[0]}:${AliasName}`, TargetKeyId: KEY_ID })),
      Truncated: p.next !== undefined,
      ...(p.next && { NextMarker: p.next }),
    };
  });
  on(kms, 'kms', ListGrantsCommand, 'ListGrants', (input, who): ListGrantsCommandOutput => {
    ownKey(who, input.KeyId);
    const p = page(org.key.grants, input.Marker, org.pageSize);
    return { $metadata: {}, Grants: p.items, Truncated: p.next !== undefined, ...(p.next && { NextMarker: p.next }) };
  });

  const ec2 = mockClient(EC2Client);
  on(ec2, 'ec2', DescribeImageAttributeCommand, 'DescribeImageAttribute', (input): DescribeImageAttributeCommandOutput => {
    const perms = org.images[input.ImageId];
    if (!perms) throw awsError('InvalidAMIID.NotFound', `The image id '[${input.ImageId}]' does not exist`);
    return { $metadata: {}, ImageId: input.ImageId, LaunchPermissions: perms };
  });
  on(ec2, 'ec2', DescribeSnapshotAttributeCommand, 'DescribeSnapshotAttribute', (input): DescribeSnapshotAttributeCommandOutput => ({
    $metadata: {},
    SnapshotId: input.SnapshotId,
    CreateVolumePermissions: (org.snapshots[input.SnapshotId] ?? []).map((UserId) => (UserId === 'all' ? { Group: 'all' } : { UserId })),
  }));

  const iam = mockClient(IAMClient);
  const role = (who: string, name: string) => {
    const r = org.roles[who]?.[name];
    if (!r)
      throw Object.assign(awsError('NoSuchEntityException', `The role with name ${name} cannot be found.`, 404), { name: 'NoSuchEntityException' });
    return r;
  };
  on(iam, 'iam', GetRoleCommand, 'GetRole', (input, who): GetRoleCommandOutput => {
    role(who, input.RoleName);
    return {
      $metadata: {},
      Role: {
        Path: '/',
        RoleName: input.RoleName,
        RoleId: 'AROADBQP57FF2AEXAMPLE',
        Arn: `arn:aws:iam::${who}:role/${input.RoleName}`,
        CreateDate: CREATED,
      },
    };
  });
  on(iam, 'iam', ListAttachedRolePoliciesCommand, 'ListAttachedRolePolicies', (input, who): ListAttachedRolePoliciesCommandOutput => {
    const p = page(role(who, input.RoleName).attached, input.Marker, org.pageSize);
    return {
      $metadata: {},
      AttachedPolicies: p.items.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
      IsTruncated: p.next !== undefined,
      ...(p.next && { Marker: p.next }),
    };
  });
  on(iam, 'iam', ListRolePoliciesCommand, 'ListRolePolicies', (input, who): ListRolePoliciesCommandOutput => {
    const p = page(Object.keys(role(who, input.RoleName).inline), input.Marker, org.pageSize);
    return { $metadata: {}, PolicyNames: p.items, IsTruncated: p.next !== undefined, ...(p.next && { Marker: p.next }) };
  });
  on(iam, 'iam', GetPolicyCommand, 'GetPolicy', (input): GetPolicyCommandOutput => ({
    $metadata: {},
    Policy: {
      Arn: input.PolicyArn,
      PolicyName: input.PolicyArn.split('/').pop(),
      DefaultVersionId: 'v2',
      AttachmentCount: 1,
      CreateDate: CREATED,
      UpdateDate: CREATED,
    },
  }));
  on(iam, 'iam', GetPolicyVersionCommand, 'GetPolicyVersion', (input): GetPolicyVersionCommandOutput => {
    const doc = org.managed[input.PolicyArn];
    if (!doc || input.VersionId !== 'v2')
      throw awsError('NoSuchEntityException', `Policy ${input.PolicyArn} version ${input.VersionId} does not exist`, 404);
    return { $metadata: {}, PolicyVersion: { Document: encodeURIComponent(doc), VersionId: 'v2', IsDefaultVersion: true, CreateDate: CREATED } };
  });
  on(iam, 'iam', GetRolePolicyCommand, 'GetRolePolicy', (input, who): GetRolePolicyCommandOutput => ({
    $metadata: {},
    RoleName: input.RoleName,
    PolicyName: input.PolicyName,
    PolicyDocument: encodeURIComponent(role(who, input.RoleName).inline[input.PolicyName]),
  }));

  const orgs = mockClient(OrganizationsClient);
  on(orgs, 'organizations', DescribeOrganizationCommand, 'DescribeOrganization', (): DescribeOrganizationCommandOutput => ({
    $metadata: {},
    Organization: {
      Id: org.orgId,
      Arn: organizationArn('aws', org.managementAccount, org.orgId),
      MasterAccountId: org.managementAccount,
      MasterAccountArn: `arn:aws:organizations::${org.managementAccount}:account/${org.orgId}/${org.managementAccount}`,
      FeatureSet: 'ALL',
    },
  }));
  on(orgs, 'organizations', ListParentsCommand, 'ListParents', (input): ListParentsCommandOutput => {
    const parent = org.parents[input.ChildId];
    if (!parent) throw awsError('ChildNotFoundException', `${input.ChildId} is not in the organization`);
    return { $metadata: {}, Parents: [{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] };
  });
  on(orgs, 'organizations', ListPoliciesForTargetCommand, 'ListPoliciesForTarget', (input): ListPoliciesForTargetCommandOutput => {
    const ids = (org.attached[input.TargetId] ?? []).filter((id) => org.policies[id].type === input.Filter);
    const p = page(ids, input.NextToken, org.pageSize);
    return {
      $metadata: {},
      Policies: p.items.map((Id) => ({ Id, Name: Id, Type: input.Filter, AwsManaged: Id === FULL_AWS_ACCESS_ID })),
      ...(p.next && { NextToken: p.next }),
    };
  });
  on(orgs, 'organizations', DescribePolicyCommand, 'DescribePolicy', (input): DescribePolicyCommandOutput => ({
    $metadata: {},
    Policy: {
      PolicySummary: { Id: input.PolicyId, Name: input.PolicyId, Type: org.policies[input.PolicyId].type },
      Content: org.policies[input.PolicyId].content,
    },
  }));

  const clients = [sts, kms, ec2, iam, orgs];
  return { clients, restore: () => clients.forEach((c) => c.restore()) };
}

/** The CLI in this process, so the SDK mock serves it as the base credentials; output captured, exit code returned. */
export async function runServed(org: FakeOrg, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const served = serve(org);
  const out: string[] = [];
  const errors: string[] = [];
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => (errors.push(String(chunk)), true));
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => (out.push(String(chunk)), true));
  process.env.AWS_ACCESS_KEY_ID = BASE_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = BASE_CREDENTIALS.secretAccessKey;
  try {
    process.exitCode = undefined;
    await main(args);
    return { status: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: errors.join('') };
  } finally {
    write.mockRestore();
    err.mockRestore();
    served.restore();
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.exitCode = undefined;
  }
}
