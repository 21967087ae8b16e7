import { randomBytes, randomUUID } from 'crypto';
import type { PolicyDocument } from '../../../src/policy/document';

/**
 * What the local AWS endpoint keeps, for every account at once: IAM roles and policies, KMS keys,
 * aliases and grants, EC2 images and snapshots, and the credentials it has issued. The account of
 * a request is the account of its access key (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html).
 */

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly account: string;
  /** The caller as AWS names it: an IAM user, or an assumed-role session. */
  readonly arn: string;
  /** The role behind an assumed-role session; the caller's IAM identity otherwise. */
  readonly identityArn: string;
  readonly userId: string;
}

export interface Role {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly created: Date;
  description: string;
  readonly trust: PolicyDocument;
  readonly tags: Map<string, string>;
  readonly attached: Set<string>;
  /** Inline policies, by name (seeded deploy roles and users: what their holder may do). */
  readonly inline: Map<string, PolicyDocument>;
  readonly serviceLinked: boolean;
}

export interface ManagedPolicy {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly description: string;
  readonly created: Date;
  updated: Date;
  readonly versions: { id: string; document: string; created: Date }[];
  defaultVersion: string;
  nextVersion: number;
  readonly tags: Map<string, string>;
}

export interface Grant {
  readonly id: string;
  readonly token: string;
  readonly keyArn: string;
  readonly name?: string;
  readonly grantee: string;
  readonly retiring?: string;
  readonly operations: string[];
  /** The account whose principal created the grant: it may retire it. */
  readonly issuingAccount: string;
  readonly created: Date;
}

export interface Key {
  readonly id: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  description: string;
  policy: string;
  rotation: boolean;
  rotationPeriodInDays?: number;
  state: 'Enabled' | 'PendingDeletion';
  deletionDate?: Date;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly created: Date;
  readonly tags: Map<string, string>;
  readonly grants: Grant[];
}

export interface Alias {
  readonly name: string;
  readonly arn: string;
  targetKeyId: string;
  readonly created: Date;
  updated: Date;
}

export interface Image {
  readonly id: string;
  readonly snapshotIds: readonly string[];
  /** Launch permissions: `userId`, `organizationArn` or `organizationalUnitArn` entries. */
  readonly launchPermissions: Record<string, string>[];
}

export interface Snapshot {
  readonly id: string;
  readonly createVolumeUserIds: Set<string>;
}

export interface Account {
  readonly id: string;
  /** The organization this account belongs to, if any: aws:PrincipalOrgID in KMS requests. */
  readonly organizationId?: string;
  readonly roles: Map<string, Role>;
  readonly policies: Map<string, ManagedPolicy>;
  /** KMS keys and aliases by region. */
  readonly keys: Map<string, Key>;
  readonly aliases: Map<string, Alias>;
  readonly images: Map<string, Image>;
  readonly snapshots: Map<string, Snapshot>;
}

/** A trust policy that lets `account`'s principals assume the role. */
export function trustAccount(account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
  };
}

/** Everything, as an administrator has: the key policy alone then decides a cross-account KMS call. */
export const ADMINISTRATOR: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An IAM unique ID: a 4-letter prefix naming its kind (AROA role, ANPA policy, AKIA/ASIA key) and 17 characters. */
export function uniqueId(prefix: string): string {
  return prefix + [...randomBytes(17)].map((b) => ID_ALPHABET[b % 32]).join('');
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export interface NewKey {
  readonly policy?: string;
  readonly description?: string;
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly tags?: readonly [string, string][];
}

function defaultKeyPolicy(account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
    ],
  };
}

export class World {
  readonly accounts = new Map<string, Account>();
  readonly credentials = new Map<string, Credentials>();

  account(id: string): Account {
    let found = this.accounts.get(id);
    if (!found) {
      found = { id, roles: new Map(), policies: new Map(), keys: new Map(), aliases: new Map(), images: new Map(), snapshots: new Map() };
      this.accounts.set(id, found);
    }
    return found;
  }

  /** Seeds an account in an organization (before anything else is made in it). */
  joinOrganization(id: string, organizationId: string): void {
    if (this.accounts.has(id)) throw new Error(`account ${id} exists already`);
    this.accounts.set(id, { ...this.account(id), organizationId });
  }

  /** Seeds a role, such as a deploy role that CI assumes, with what it may do. */
  addRole(account: string, name: string, opts: { trust?: PolicyDocument; policy?: PolicyDocument; path?: string } = {}): Role {
    const path = opts.path ?? '/';
    const role: Role = {
      name,
      path,
      arn: `arn:aws:iam::${account}:role${path}${name}`,
      id: uniqueId('AROA'),
      created: new Date(),
      description: '',
      trust: opts.trust ?? trustAccount(account),
      tags: new Map(),
      attached: new Set(),
      inline: new Map(opts.policy ? [['seeded', opts.policy]] : []),
      serviceLinked: path.startsWith('/aws-service-role/'),
    };
    this.account(account).roles.set(name, role);
    return role;
  }

  /** Long-term credentials of an IAM user (what CI starts from). */
  addUser(account: string, name: string, policy: PolicyDocument = ADMINISTRATOR): Credentials {
    const arn = `arn:aws:iam::${account}:user/${name}`;
    const creds: Credentials = {
      accessKeyId: uniqueId('AKIA').slice(0, 20),
      secretAccessKey: hex(20),
      account,
      arn,
      identityArn: arn,
      userId: uniqueId('AIDA'),
    };
    this.credentials.set(creds.accessKeyId, creds);
    this.userPolicies.set(arn, policy);
    return creds;
  }

  /** Identity policies of users, by ARN (roles keep theirs). */
  readonly userPolicies = new Map<string, PolicyDocument>();

  /** Short-term credentials for an assumed-role session. */
  issueSession(role: Role, account: string, sessionName: string): Credentials {
    const creds: Credentials = {
      accessKeyId: uniqueId('ASIA').slice(0, 20),
      secretAccessKey: hex(20),
      sessionToken: hex(64),
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${role.name}/${sessionName}`,
      identityArn: role.arn,
      userId: `${role.id}:${sessionName}`,
    };
    this.credentials.set(creds.accessKeyId, creds);
    return creds;
  }

  /** Every identity policy of a caller: a role's inline and attached managed policies, or a user's. */
  identityPolicies(caller: Credentials): PolicyDocument[] {
    const user = this.userPolicies.get(caller.identityArn);
    if (user) return [user];
    const roleName = caller.identityArn.split('/').pop() ?? '';
    const role = this.account(caller.account).roles.get(roleName);
    if (!role) return [];
    const managed = [...role.attached].flatMap((arn) => {
      const policy = this.account(caller.account).policies.get(arn);
      const version = policy?.versions.find((v) => v.id === policy.defaultVersion);
      return version ? [JSON.parse(version.document) as PolicyDocument] : [];
    });
    return [...role.inline.values(), ...managed];
  }

  findKey(arn: string): Key | undefined {
    const [, , , region, account] = arn.split(':');
    const key = this.accounts.get(account)?.keys.get(arn.split('/').pop() ?? '');
    return key && key.region === region ? key : undefined;
  }

  /** Every grant on every key in every account. */
  grants(): Grant[] {
    return [...this.accounts.values()].flatMap((a) => [...a.keys.values()].flatMap((k) => k.grants));
  }

  newKeyId(): string {
    return randomUUID();
  }

  /**
   * A key as CreateKey makes it; without a policy, KMS's default key policy, which gives the account
   * (its root, so its IAM policies) full access: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
   */
  createKey(accountId: string, region: string, opts: NewKey = {}): Key {
    const account = this.account(accountId);
    const id = this.newKeyId();
    const key: Key = {
      id,
      arn: `arn:aws:kms:${region}:${account.id}:key/${id}`,
      account: account.id,
      region,
      description: opts.description ?? '',
      policy: opts.policy ?? JSON.stringify(defaultKeyPolicy(account.id)),
      rotation: false,
      state: 'Enabled',
      keySpec: opts.keySpec ?? 'SYMMETRIC_DEFAULT',
      keyUsage: opts.keyUsage ?? 'ENCRYPT_DECRYPT',
      created: new Date(),
      tags: new Map(opts.tags),
      grants: [],
    };
    account.keys.set(id, key);
    return key;
  }
}
