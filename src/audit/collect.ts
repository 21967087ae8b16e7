import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { grantsFromJson } from '../inputs/grants';
import { policyFromJson, type PolicyKind } from '../inputs/policy-document';
import type { Rollout } from '../model/rollout';
import { apiAction } from '../policy/actions';
import { aliasArn, autoScalingRoleName, parseRoleArn, roleArn } from '../policy/arns';
import { POLICY_VERSION, type PolicyDocument } from '../policy/document';
import { RESOURCE_CONTROL_POLICY } from '../policy/formats';
import type { Grant } from '../policy/kms-api';
import {
  accountClients,
  AccountClients,
  BaseCredentials,
  ClientSettings,
  organizationsClient,
  PAGINATORS,
  READ_COMMANDS,
  Service,
  stsClient,
} from './aws';
import type { AccountState, CallFailure, LaunchPermission, OwnerState, Snapshot } from './snapshot';

const { kms, ec2, iam, organizations, sts } = READ_COMMANDS;

/** What the collector reads and how. */
export interface CollectOptions extends ClientSettings {
  /** Accounts at once (each makes its calls in sequence, a few at a time). */
  readonly concurrency: number;
  /** The caller's own credentials: AssumeRole and the Organizations reads go with them. */
  readonly base: BaseCredentials;
  /** How to reach each account: a role assumed from `base`, or credentials of its own (doctor --live's profiles). */
  readonly access: (account: string) => AccountAccess;
  readonly onProgress?: (done: number, total: number) => void;
}

export type AccountAccess = { readonly assumeRole: string } | { readonly base: BaseCredentials };

/**
 * Defaults a platform team can run at 5,000 accounts (README, "Auditing a live organization"): an
 * account is about 8 calls, so at 32 accounts at once 5,000 accounts at 50 ms a call needed over a
 * minute of waiting alone (npm run bench:audit); throttling is the SDK's adaptive retry's.
 */
export const COLLECT_DEFAULTS = { concurrency: 64, maxAttempts: 8, timeoutMs: 10_000 } as const;

/** `--role-name R` in every account. */
export function assumeRoleIn(rollout: Rollout, roleName: string): (account: string) => AccountAccess {
  return (account) => ({ assumeRole: roleArn(rollout.partition, account, roleName) });
}

/** Errors by which AWS says the caller may not make the call (KMS, IAM, STS, Organizations: AccessDenied…; EC2: UnauthorizedOperation). */
const DENIED = /^(AccessDenied|UnauthorizedOperation|AuthFailure)/;

class Failure extends Error {
  constructor(readonly failure: CallFailure) {
    super(failure.message);
  }
}

function failureOf(action: string, target: string, err: unknown): CallFailure {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const error = e?.name ?? 'Error';
  return {
    action,
    target,
    error,
    message: String(e?.message ?? err).slice(0, 500),
    denied: DENIED.test(error) || e?.$metadata?.httpStatusCode === 403,
  };
}

/**
 * One account's (or the organization's) calls: each call races a timeout (the SDK's own request
 * timeout bounds every HTTP attempt; this bounds the call with its retries), and a failure is recorded
 * with the action it needed, never thrown past the account.
 */
class Calls {
  readonly failures: CallFailure[] = [];
  constructor(private readonly budgetMs: number) {}

  async run<T>(service: Service, operation: string, target: string, body: () => Promise<T>): Promise<T> {
    const action = apiAction(service, operation);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new Error(`no answer within ${this.budgetMs} ms`);
        e.name = 'TimeoutError';
        reject(e);
      }, this.budgetMs);
    });
    try {
      return await Promise.race([body(), timeout]);
    } catch (err) {
      if (err instanceof Failure) throw err;
      const failure = failureOf(action, target, err);
      this.failures.push(failure);
      throw new Failure(failure);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The value, or undefined when the call failed (and was recorded). */
  async maybe<T>(service: Service, operation: string, target: string, body: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.run(service, operation, target, body);
    } catch (err) {
      if (err instanceof Failure) return undefined;
      throw err;
    }
  }
}

/** Every page of a paginated read; each page is one call. */
async function allPages<P>(calls: Calls, service: Service, operation: string, target: string, pages: AsyncIterable<P>): Promise<P[]> {
  const out: P[] = [];
  const it = pages[Symbol.asyncIterator]();
  for (;;) {
    const page = await calls.run(service, operation, target, () => it.next());
    if (page.done) return out;
    out.push(page.value);
  }
}

function readPolicy(kind: PolicyKind, action: string, target: string, text: string | undefined): PolicyDocument {
  if (text === undefined) throw new Error(`${action} returned no policy for ${target}`);
  return policyFromJson({ flag: action, file: target }, kind, text);
}

/** Reads the live state of a rollout: the owner's key, AMIs and snapshots, then every account, `concurrency` at a time. */
export async function collect(rollout: Rollout, options: CollectOptions): Promise<Snapshot> {
  const budgetMs = options.timeoutMs * options.maxAttempts + 1_000;
  const orgs = organizationsClient(options, options.base);
  const orgCalls = new Calls(budgetMs);
  const clientsFor = credentialsFor(options, budgetMs);

  const organization = await orgCalls.maybe('organizations', 'DescribeOrganization', 'organization', async () => {
    const out = await orgs.send(new organizations.DescribeOrganizationCommand({}));
    const o = out.Organization;
    return o?.Id && o.Arn && o.MasterAccountId ? { id: o.Id, arn: o.Arn, managementAccount: o.MasterAccountId } : undefined;
  });
  const tree = new OrganizationTree(orgs, budgetMs, organization?.id ?? rollout.organization?.id);

  const owner = await collectOwner(rollout, await clientsFor(rollout.owner.account), tree, budgetMs);
  const limit = pLimit(Math.max(1, options.concurrency));
  let done = 0;
  const total = rollout.consumers.length;
  const accounts = await Promise.all(
    rollout.consumers.map((consumer) =>
      limit(async () => {
        const state = await collectAccount(consumer, organization?.managementAccount, clientsFor, tree, budgetMs);
        options.onProgress?.(++done, total);
        return state;
      }),
    ),
  );
  accounts.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return { owner, accounts, ...(organization && { organization }), failures: orgCalls.failures };
}

type ClientsFor = (account: string) => Promise<{ clients?: AccountClients; unreachable?: CallFailure }>;

function credentialsFor(options: CollectOptions, budgetMs: number): ClientsFor {
  const sts_ = stsClient(options, options.base);
  return async (account) => {
    const access = options.access(account);
    if ('base' in access) return { clients: accountClients(options, access.base) };
    const calls = new Calls(budgetMs);
    const creds = await calls.maybe('sts', 'AssumeRole', access.assumeRole, async () => {
      const out = await sts_.send(new sts.AssumeRoleCommand({ RoleArn: access.assumeRole, RoleSessionName: 'keyshare-audit' }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    });
    return creds ? { clients: accountClients(options, { credentials: creds }) } : { unreachable: calls.failures[0] };
  };
}

async function collectOwner(
  rollout: Rollout,
  access: { clients?: AccountClients; unreachable?: CallFailure },
  tree: OrganizationTree,
  budgetMs: number,
): Promise<OwnerState> {
  const account = rollout.owner.account;
  const calls = new Calls(budgetMs);
  const empty = { account, launchPermissions: {}, createVolumePermissions: {} };
  if (!access.clients) return { ...empty, failures: access.unreachable ? [access.unreachable] : [] };
  const c = access.clients;
  const alias = aliasArn(rollout.partition, rollout.owner.region, account, rollout.key.alias);
  const keyArn =
    rollout.key.arn ??
    (await calls.maybe('kms', 'DescribeKey', alias, async () => (await c.kms.send(new kms.DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.Arn));

  const [keyPolicy, aliases, grants, images, snapshots, rcps] = await Promise.all([
    keyArn &&
      calls.maybe('kms', 'GetKeyPolicy', keyArn, async () => {
        const out = await c.kms.send(new kms.GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }));
        return readPolicy('key', apiAction('kms', 'GetKeyPolicy'), keyArn, out.Policy);
      }),
    keyArn &&
      calls.maybe('kms', 'ListAliases', keyArn, async () => {
        const pages = await allPages(calls, 'kms', 'ListAliases', keyArn, PAGINATORS.paginateListAliases({ client: c.kms }, { KeyId: keyArn }));
        return pages.flatMap((p) => p.Aliases ?? []).flatMap((a) => (a.AliasName ? [a.AliasName] : []));
      }),
    keyArn &&
      calls.maybe('kms', 'ListGrants', keyArn, async () => {
        const pages = await allPages(calls, 'kms', 'ListGrants', keyArn, PAGINATORS.paginateListGrants({ client: c.kms }, { KeyId: keyArn }));
        return grantsFromJson({ flag: apiAction('kms', 'ListGrants'), file: keyArn }, { Grants: pages.flatMap((p) => p.Grants ?? []) }).grants;
      }),
    Promise.all(
      rollout.amis.map(async (ami) => {
        const perms = await calls.maybe('ec2', 'DescribeImageAttribute', ami.id, async () => {
          const out = await c.ec2.send(new ec2.DescribeImageAttributeCommand({ ImageId: ami.id, Attribute: 'launchPermission' }));
          return (out.LaunchPermissions ?? []).map((p): LaunchPermission => ({
            ...(p.UserId && { userId: p.UserId }),
            ...(p.Group && { group: p.Group }),
            ...(p.OrganizationArn && { organizationArn: p.OrganizationArn }),
            ...(p.OrganizationalUnitArn && { organizationalUnitArn: p.OrganizationalUnitArn }),
          }));
        });
        return [ami.id, perms] as const;
      }),
    ),
    Promise.all(
      rollout.amis
        .flatMap((a) => a.snapshotIds)
        .map(async (id) => {
          const perms = await calls.maybe('ec2', 'DescribeSnapshotAttribute', id, async () => {
            const out = await c.ec2.send(new ec2.DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }));
            return (out.CreateVolumePermissions ?? []).flatMap((p) => (p.UserId ? [p.UserId] : p.Group ? [p.Group] : []));
          });
          return [id, perms] as const;
        }),
    ),
    tree.policies(account, 'RESOURCE_CONTROL_POLICY'),
  ]);
  return {
    account,
    ...(keyArn && { keyArn }),
    ...(keyPolicy && { keyPolicy }),
    ...(aliases && { aliases }),
    ...(grants && { grants: grants as Grant[] }),
    launchPermissions: Object.fromEntries(images),
    createVolumePermissions: Object.fromEntries(snapshots),
    ...(rcps.documents && { rcps: rcps.documents }),
    failures: [...calls.failures, ...rcps.failures],
  };
}

async function collectAccount(
  consumer: Rollout['consumers'][number],
  managementAccount: string | undefined,
  clientsFor: ClientsFor,
  tree: OrganizationTree,
  budgetMs: number,
): Promise<AccountState> {
  const account = consumer.account;
  const calls = new Calls(budgetMs);
  const grantCreator = consumer.sameAccount ? undefined : (consumer.deployRoleArn ?? undefined);
  const [path, scps, access] = await Promise.all([
    tree.path(account),
    // SCPs do not affect the management account (AWS Organizations User Guide, "Service control policies").
    account === managementAccount ? Promise.resolve({ documents: [], failures: [] }) : tree.policies(account, 'SERVICE_CONTROL_POLICY'),
    clientsFor(account),
  ]);
  const base = {
    account,
    ...(path.path && { orgPath: path.path }),
    ...(scps.documents && { scps: scps.documents }),
    ...(grantCreator && { grantCreator }),
  };
  const orgFailures = [...path.failures, ...scps.failures];
  if (!access.clients) return { ...base, ...(access.unreachable && { unreachable: access.unreachable }), failures: orgFailures };
  const c = access.clients;
  const slrName = autoScalingRoleName(consumer.serviceLinkedRoleSuffix);
  const creatorName = grantCreator ? parseRoleArn(grantCreator)?.name : undefined;
  // Each account's clients hold their own connection pool: released as soon as the account is read.
  const [serviceLinkedRole, identityPolicies] = await Promise.all([
    calls.maybe('iam', 'GetRole', slrName, async () => {
      try {
        await c.iam.send(new iam.GetRoleCommand({ RoleName: slrName }));
        return true;
      } catch (err) {
        if ((err as Error).name === 'NoSuchEntityException' || (err as Error).name === 'NoSuchEntity') return false;
        throw err;
      }
    }),
    creatorName ? rolePolicies(calls, c, creatorName) : Promise.resolve(undefined),
  ]).finally(() => Object.values(c).forEach((client) => client.destroy()));
  return {
    ...base,
    ...(serviceLinkedRole !== undefined && { serviceLinkedRole }),
    ...(identityPolicies && { identityPolicies }),
    failures: [...orgFailures, ...calls.failures],
  };
}

/** The role's managed policies (their default versions) and inline policies; undefined if any could not be read. */
async function rolePolicies(calls: Calls, c: AccountClients, role: string): Promise<PolicyDocument[] | undefined> {
  const read = (action: string, target: string, doc: string | undefined) => readPolicy('identity', action, target, doc);
  try {
    const [attached, inline] = await Promise.all([
      allPages(calls, 'iam', 'ListAttachedRolePolicies', role, PAGINATORS.paginateListAttachedRolePolicies({ client: c.iam }, { RoleName: role })),
      allPages(calls, 'iam', 'ListRolePolicies', role, PAGINATORS.paginateListRolePolicies({ client: c.iam }, { RoleName: role })),
    ]);
    const managed = attached.flatMap((p) => p.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []));
    const names = inline.flatMap((p) => p.PolicyNames ?? []);
    return await Promise.all([
      ...managed.map(async (arn) => {
        const policy = await calls.run('iam', 'GetPolicy', arn, () => c.iam.send(new iam.GetPolicyCommand({ PolicyArn: arn })));
        const version = policy.Policy?.DefaultVersionId;
        const out = await calls.run('iam', 'GetPolicyVersion', arn, () =>
          c.iam.send(new iam.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version })),
        );
        return read(apiAction('iam', 'GetPolicyVersion'), arn, out.PolicyVersion?.Document);
      }),
      ...names.map(async (name) => {
        const out = await calls.run('iam', 'GetRolePolicy', `${role}/${name}`, () =>
          c.iam.send(new iam.GetRolePolicyCommand({ RoleName: role, PolicyName: name })),
        );
        return read(apiAction('iam', 'GetRolePolicy'), `${role}/${name}`, out.PolicyDocument);
      }),
    ]);
  } catch (err) {
    if (err instanceof Failure) return undefined;
    throw err;
  }
}

interface Documents {
  readonly documents?: PolicyDocument[];
  readonly failures: CallFailure[];
}

/**
 * The organization's tree as the Organizations API shows it, walked upwards with ListParents from
 * each account and shared between accounts: an OU's parent and a target's policies are read once.
 */
class OrganizationTree {
  private readonly parents = new Map<string, Promise<{ id: string; type: string } | Failure>>();
  private readonly attached = new Map<string, Promise<PolicyDocument | undefined | Failure>>();
  private readonly contents = new Map<string, Promise<PolicyDocument | Failure>>();

  constructor(
    private readonly client: OrganizationsClient,
    private readonly budgetMs: number,
    /** From DescribeOrganization, else the config's. */
    private readonly organizationId: string | undefined,
  ) {}

  private cached<T>(map: Map<string, Promise<T | Failure>>, key: string, body: (calls: Calls) => Promise<T>): Promise<T | Failure> {
    let hit = map.get(key);
    if (!hit) {
      const calls = new Calls(this.budgetMs);
      hit = body(calls).catch((err) => {
        if (err instanceof Failure) return err;
        throw err;
      });
      map.set(key, hit);
    }
    return hit;
  }

  private parent(child: string): Promise<{ id: string; type: string } | Failure> {
    return this.cached(this.parents, child, async (calls) => {
      const pages = await allPages(
        calls,
        'organizations',
        'ListParents',
        child,
        PAGINATORS.paginateListParents({ client: this.client }, { ChildId: child }),
      );
      const p = pages.flatMap((page) => page.Parents ?? [])[0];
      if (!p?.Id || !p.Type) throw new Error(`ListParents returned no parent for ${child}`);
      return { id: p.Id, type: p.Type };
    });
  }

  /** Root first: the root and OU IDs above the account. */
  private async ancestors(account: string): Promise<{ ids?: string[]; failures: CallFailure[] }> {
    const ids: string[] = [];
    let child = account;
    for (let depth = 0; depth < 10; depth++) {
      const p = await this.parent(child);
      if (p instanceof Failure) return { failures: [p.failure] };
      ids.unshift(p.id);
      if (p.type === 'ROOT') return { ids, failures: [] };
      child = p.id;
    }
    return { failures: [] };
  }

  /** `o-…/r-…/ou-…/` for aws:PrincipalOrgPaths (IAM User Guide, global condition keys, aws:PrincipalOrgPaths). */
  async path(account: string): Promise<{ path?: string; failures: CallFailure[] }> {
    const up = await this.ancestors(account);
    return up.ids && this.organizationId
      ? { path: `${[this.organizationId, ...up.ids].join('/')}/`, failures: up.failures }
      : { failures: up.failures };
  }

  /** The policies of one type along the account's path, root first, one merged document per level. */
  async policies(account: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'): Promise<Documents> {
    const up = await this.ancestors(account);
    if (!up.ids) return { failures: up.failures };
    const levels = await Promise.all([...up.ids, account].map((target) => this.attachedTo(target, type)));
    const failure = levels.find((l): l is Failure => l instanceof Failure);
    if (failure) return { failures: [failure.failure] };
    return { documents: (levels as (PolicyDocument | undefined)[]).filter((d): d is PolicyDocument => d !== undefined), failures: [] };
  }

  private attachedTo(target: string, type: string): Promise<PolicyDocument | undefined | Failure> {
    return this.cached(this.attached, `${type} ${target}`, async (calls) => {
      let pages;
      try {
        pages = await allPages(
          calls,
          'organizations',
          'ListPoliciesForTarget',
          target,
          PAGINATORS.paginateListPoliciesForTarget({ client: this.client }, { TargetId: target, Filter: type as 'SERVICE_CONTROL_POLICY' }),
        );
      } catch (err) {
        // The policy type is not enabled in the root: no policy of it applies (Organizations API reference, ListPoliciesForTarget errors).
        if (err instanceof Failure && err.failure.error === 'PolicyTypeNotEnabledException') return undefined;
        throw err;
      }
      const ids = pages.flatMap((p) => p.Policies ?? []).flatMap((p) => (p.Id ? [p.Id] : []));
      if (ids.length === 0) return undefined;
      const docs = await Promise.all(ids.sort().map((id) => this.content(id, type)));
      const failure = docs.find((d): d is Failure => d instanceof Failure);
      if (failure) throw failure;
      return { Version: POLICY_VERSION, Statement: (docs as PolicyDocument[]).flatMap((d) => d.Statement) };
    });
  }

  private content(id: string, type: string): Promise<PolicyDocument | Failure> {
    return this.cached(this.contents, id, async (calls) => {
      const out = await calls.run('organizations', 'DescribePolicy', id, () =>
        this.client.send(new organizations.DescribePolicyCommand({ PolicyId: id })),
      );
      // An RCP is read as one (Organizations User Guide, "RCP syntax": its statements name Principal "*"
      // and need an Action), and what it cannot read names a resource control policy, not a key policy.
      return readPolicy(type === RESOURCE_CONTROL_POLICY ? 'rcp' : 'scp', apiAction('organizations', 'DescribePolicy'), id, out.Policy?.Content);
    });
  }
}
