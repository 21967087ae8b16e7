import type { PolicyDocument } from '../../../src/policy/document';
import { authorize } from './authorize';
import { AwsError } from './protocols';
import { hex, type Alias, type Credentials, type Grant, type Key, type World } from './world';

/**
 * KMS, JSON 1.1, for the calls the AWS provider makes for keyshare's keys, aliases, key policies
 * and grants (https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html). A key is
 * named by its ID or ARN, and a DescribeKey also by an alias name or alias ARN; another account's
 * key only by an ARN ("To specify a KMS key in a different AWS account, you must use the key ARN
 * or alias ARN", each operation's KeyId parameter). Each operation's "Cross-account use" decides
 * whether another account may call it at all; the key policy and the caller's IAM policies, through
 * the simulator, decide the rest.
 */

export interface Call {
  readonly world: World;
  readonly caller: Credentials;
  readonly region: string;
  readonly params: any;
}

type Handler = (call: Call) => Promise<unknown>;

/** Operations whose API reference says "Cross-account use: Yes". */
const CROSS_ACCOUNT = new Set(['DescribeKey', 'CreateGrant', 'ListGrants', 'RetireGrant', 'RevokeGrant', 'GetKeyRotationStatus']);

const seconds = (d: Date) => d.getTime() / 1000;

function notFound(what: string): AwsError {
  return new AwsError('NotFoundException', `${what} is not found.`);
}

/** Resolves KeyId as KMS does for `action`: another account's key only by ARN, aliases only where the operation takes them. */
function resolveKey(call: Call, action: string, keyId: string, aliases = false): Key {
  if (!keyId) throw new AwsError('ValidationException', '1 validation error detected: KeyId must not be null');
  let account = call.caller.account;
  let region = call.region;
  let id = keyId;
  if (keyId.startsWith('arn:')) {
    const [, , service, arnRegion, arnAccount, resource] = keyId.split(':');
    if (service !== 'kms') throw new AwsError('ValidationException', `Invalid arn ${keyId}`);
    [account, region, id] = [arnAccount, arnRegion, resource];
  } else if (!keyId.startsWith('alias/')) {
    id = `key/${keyId}`;
  }
  if (region !== call.region) throw notFound(`Invalid arn ${keyId}: region`);
  const owner = call.world.accounts.get(account);
  if (id.startsWith('alias/')) {
    if (!aliases) throw new AwsError('ValidationException', `${action} does not accept an alias: ${keyId}`);
    const alias = owner?.aliases.get(`${region}/${id}`);
    if (!alias) throw notFound(`Alias arn:aws:kms:${region}:${account}:${id}`);
    id = `key/${alias.targetKeyId}`;
  }
  const key = owner?.keys.get(id.slice('key/'.length));
  if (!key || key.region !== region) throw notFound(`Key 'arn:aws:kms:${region}:${account}:${id}'`);
  if (account !== call.caller.account && !CROSS_ACCOUNT.has(action)) {
    throw new AwsError('AccessDeniedException', `${action} cannot be called on a KMS key in another AWS account (${keyId})`);
  }
  return key;
}

/** The key policy and the caller's IAM policies, decided by the simulator, as KMS does. */
async function allowed(call: Call, key: Key, action: string, context: Record<string, string | string[]> = {}): Promise<void> {
  const org = call.world.accounts.get(call.caller.account)?.organizationId;
  await authorize({
    caller: call.caller,
    action: `kms:${action}`,
    resource: key.arn,
    resourceAccount: key.account,
    identityPolicies: call.world.identityPolicies(call.caller),
    resourcePolicy: JSON.parse(key.policy) as PolicyDocument,
    context: { 'kms:CallerAccount': call.caller.account, ...(org ? { 'aws:PrincipalOrgID': org } : {}), ...context },
  });
}

function usable(key: Key, action: string): void {
  if (key.state === 'PendingDeletion') throw new AwsError('KMSInvalidStateException', `${key.arn} is pending deletion. (${action})`);
}

function metadata(key: Key): object {
  return {
    AWSAccountId: key.account,
    KeyId: key.id,
    Arn: key.arn,
    CreationDate: seconds(key.created),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    ...(key.deletionDate ? { DeletionDate: seconds(key.deletionDate), PendingDeletionWindowInDays: 30 } : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  };
}

/** KMS refuses a key policy naming a principal that does not exist (MalformedPolicyDocumentException). */
function checkPrincipals(call: Call, policy: string): void {
  let doc: PolicyDocument;
  try {
    doc = JSON.parse(policy) as PolicyDocument;
  } catch {
    throw new AwsError('MalformedPolicyDocumentException', 'The new key policy is not valid JSON.');
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const s of statements as any[]) {
    const aws = s.Principal?.AWS;
    for (const arn of aws === undefined ? [] : Array.isArray(aws) ? aws : [aws]) {
      const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(String(arn));
      if (m && call.world.accounts.has(m[1]) && !call.world.account(m[1]).roles.has(m[2])) {
        throw new AwsError('MalformedPolicyDocumentException', `Policy contains a statement with one or more invalid principals: ${arn}`);
      }
    }
  }
}

function tagsIn(tags: { TagKey: string; TagValue: string }[] | undefined): [string, string][] {
  return (tags ?? []).map((t) => [t.TagKey, t.TagValue]);
}

function grantEntry(g: Grant): object {
  return {
    KeyId: g.keyArn,
    GrantId: g.id,
    ...(g.name ? { Name: g.name } : {}),
    CreationDate: seconds(g.created),
    GranteePrincipal: g.grantee,
    ...(g.retiring ? { RetiringPrincipal: g.retiring } : {}),
    IssuingAccount: `arn:aws:iam::${g.issuingAccount}:root`,
    Operations: g.operations,
  };
}

function aliasEntry(a: Alias): object {
  return {
    AliasName: a.name.split('/').slice(1).join('/'),
    AliasArn: a.arn,
    TargetKeyId: a.targetKeyId,
    CreationDate: seconds(a.created),
    LastUpdatedDate: seconds(a.updated),
  };
}

export const KMS: Record<string, Handler> = {
  async CreateKey(call) {
    const { Policy, Description, KeySpec, KeyUsage, Tags } = call.params;
    if (Policy) checkPrincipals(call, Policy);
    const key = call.world.createKey(call.caller.account, call.region, {
      policy: Policy,
      description: Description,
      keySpec: KeySpec,
      keyUsage: KeyUsage,
      tags: tagsIn(Tags),
    });
    return { KeyMetadata: metadata(key) };
  },

  async DescribeKey(call) {
    const key = resolveKey(call, 'DescribeKey', call.params.KeyId, true);
    await allowed(call, key, 'DescribeKey');
    return { KeyMetadata: metadata(key) };
  },

  async GetKeyPolicy(call) {
    const key = resolveKey(call, 'GetKeyPolicy', call.params.KeyId);
    await allowed(call, key, 'GetKeyPolicy');
    return { Policy: key.policy, PolicyName: 'default' };
  },

  async PutKeyPolicy(call) {
    const key = resolveKey(call, 'PutKeyPolicy', call.params.KeyId);
    usable(key, 'PutKeyPolicy');
    await allowed(call, key, 'PutKeyPolicy');
    checkPrincipals(call, call.params.Policy);
    key.policy = call.params.Policy;
    return {};
  },

  async GetKeyRotationStatus(call) {
    const key = resolveKey(call, 'GetKeyRotationStatus', call.params.KeyId);
    await allowed(call, key, 'GetKeyRotationStatus');
    return {
      KeyId: key.arn,
      KeyRotationEnabled: key.rotation,
      ...(key.rotation ? { RotationPeriodInDays: key.rotationPeriodInDays ?? 365, NextRotationDate: seconds(key.created) + 365 * 86400 } : {}),
    };
  },

  async EnableKeyRotation(call) {
    const key = resolveKey(call, 'EnableKeyRotation', call.params.KeyId);
    usable(key, 'EnableKeyRotation');
    await allowed(call, key, 'EnableKeyRotation');
    key.rotation = true;
    key.rotationPeriodInDays = call.params.RotationPeriodInDays ?? 365;
    return {};
  },

  async DisableKeyRotation(call) {
    const key = resolveKey(call, 'DisableKeyRotation', call.params.KeyId);
    await allowed(call, key, 'DisableKeyRotation');
    key.rotation = false;
    return {};
  },

  async UpdateKeyDescription(call) {
    const key = resolveKey(call, 'UpdateKeyDescription', call.params.KeyId);
    await allowed(call, key, 'UpdateKeyDescription');
    key.description = call.params.Description;
    return {};
  },

  async ListResourceTags(call) {
    const key = resolveKey(call, 'ListResourceTags', call.params.KeyId);
    await allowed(call, key, 'ListResourceTags');
    return { Tags: [...key.tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
  },

  async TagResource(call) {
    const key = resolveKey(call, 'TagResource', call.params.KeyId);
    await allowed(call, key, 'TagResource');
    for (const [k, v] of tagsIn(call.params.Tags)) key.tags.set(k, v);
    return {};
  },

  async UntagResource(call) {
    const key = resolveKey(call, 'UntagResource', call.params.KeyId);
    await allowed(call, key, 'UntagResource');
    for (const k of call.params.TagKeys ?? []) key.tags.delete(k);
    return {};
  },

  async ScheduleKeyDeletion(call) {
    const key = resolveKey(call, 'ScheduleKeyDeletion', call.params.KeyId);
    usable(key, 'ScheduleKeyDeletion');
    await allowed(call, key, 'ScheduleKeyDeletion');
    const days = call.params.PendingWindowInDays ?? 30;
    key.state = 'PendingDeletion';
    key.deletionDate = new Date(Date.now() + days * 86400_000);
    return { KeyId: key.arn, DeletionDate: seconds(key.deletionDate), KeyState: key.state, PendingWindowInDays: days };
  },

  // Aliases: "Cross-account use: No", and CreateAlias/UpdateAlias/DeleteAlias need permission on
  // the alias and on the key (https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html).
  async CreateAlias(call) {
    const { AliasName, TargetKeyId } = call.params;
    const account = call.world.account(call.caller.account);
    if (!String(AliasName).startsWith('alias/') || String(AliasName).startsWith('alias/aws/')) {
      throw new AwsError('ValidationException', `Invalid alias name ${AliasName}`);
    }
    if (account.aliases.has(`${call.region}/${AliasName}`))
      throw new AwsError('AlreadyExistsException', `An alias with the name ${AliasName} already exists`);
    const key = resolveKey(call, 'CreateAlias', TargetKeyId);
    usable(key, 'CreateAlias');
    await allowed(call, key, 'CreateAlias');
    const now = new Date();
    account.aliases.set(`${call.region}/${AliasName}`, {
      name: `${call.region}/${AliasName}`,
      arn: `arn:aws:kms:${call.region}:${account.id}:${AliasName}`,
      targetKeyId: key.id,
      created: now,
      updated: now,
    });
    return {};
  },

  async ListAliases(call) {
    const account = call.world.account(call.caller.account);
    let aliases = [...account.aliases.values()].filter((a) => a.name.startsWith(`${call.region}/`));
    if (call.params.KeyId) {
      const key = resolveKey(call, 'ListAliases', call.params.KeyId);
      aliases = aliases.filter((a) => a.targetKeyId === key.id);
    }
    return { Aliases: aliases.map(aliasEntry), Truncated: false };
  },

  async UpdateAlias(call) {
    const alias = call.world.account(call.caller.account).aliases.get(`${call.region}/${call.params.AliasName}`);
    if (!alias) throw notFound(`Alias ${call.params.AliasName}`);
    const key = resolveKey(call, 'UpdateAlias', call.params.TargetKeyId);
    await allowed(call, key, 'UpdateAlias');
    alias.targetKeyId = key.id;
    alias.updated = new Date();
    return {};
  },

  async DeleteAlias(call) {
    const account = call.world.account(call.caller.account);
    const alias = account.aliases.get(`${call.region}/${call.params.AliasName}`);
    if (!alias) throw notFound(`Alias ${call.params.AliasName}`);
    const key = account.keys.get(alias.targetKeyId);
    if (key) await allowed(call, key, 'DeleteAlias');
    account.aliases.delete(alias.name);
    return {};
  },

  // Grants (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html). CreateGrant's
  // condition keys: kms:GranteePrincipal, kms:GrantOperations, kms:RetiringPrincipal,
  // kms:GrantIsForAWSResource (false: a principal, not an AWS service, calls).
  async CreateGrant(call) {
    const { KeyId, GranteePrincipal, Operations, Name, RetiringPrincipal } = call.params;
    const key = resolveKey(call, 'CreateGrant', KeyId);
    usable(key, 'CreateGrant');
    await allowed(call, key, 'CreateGrant', {
      'kms:GranteePrincipal': GranteePrincipal,
      'kms:GrantOperations': Operations ?? [],
      'kms:GrantIsForAWSResource': 'false',
      ...(RetiringPrincipal ? { 'kms:RetiringPrincipal': RetiringPrincipal } : {}),
    });
    const grantee = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(String(GranteePrincipal));
    if (grantee && call.world.accounts.has(grantee[1]) && !call.world.account(grantee[1]).roles.has(grantee[2])) {
      throw new AwsError('InvalidArnException', `Invalid grantee principal ${GranteePrincipal}: it does not exist`);
    }
    // "CreateGrant is idempotent: the same name and parameters return the same grant"
    // (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html, Name).
    const same = key.grants.find(
      (g) => Name && g.name === Name && g.grantee === GranteePrincipal && [...g.operations].sort().join() === [...(Operations ?? [])].sort().join(),
    );
    if (same) return { GrantId: same.id, GrantToken: same.token };
    const grant: Grant = {
      id: hex(32),
      token: hex(64),
      keyArn: key.arn,
      name: Name,
      grantee: GranteePrincipal,
      retiring: RetiringPrincipal,
      operations: Operations ?? [],
      issuingAccount: call.caller.account,
      created: new Date(),
    };
    key.grants.push(grant);
    return { GrantId: grant.id, GrantToken: grant.token };
  },

  async ListGrants(call) {
    const key = resolveKey(call, 'ListGrants', call.params.KeyId);
    await allowed(call, key, 'ListGrants');
    const grants = key.grants.filter((g) => !call.params.GrantId || g.id === call.params.GrantId);
    return { Grants: grants.map(grantEntry), Truncated: false };
  },

  /**
   * "This operation can be called by the retiring principal for a grant, by the grantee principal
   * if the grant allows the RetireGrant operation, and by the AWS account in which the grant is
   * created" (https://docs.aws.amazon.com/kms/latest/APIReference/API_RetireGrant.html): a principal
   * of that account retires it when its IAM policy allows kms:RetireGrant
   * (https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html).
   */
  async RetireGrant(call) {
    const key = resolveKey(call, 'RetireGrant', call.params.KeyId);
    const grant = key.grants.find((g) => g.id === call.params.GrantId || g.token === call.params.GrantToken);
    if (!grant) throw notFound(`Grant ${call.params.GrantId}`);
    const named = [grant.retiring, grant.operations.includes('RetireGrant') ? grant.grantee : undefined];
    if (!named.includes(call.caller.identityArn) && !named.includes(call.caller.arn)) {
      if (grant.issuingAccount !== call.caller.account) {
        throw new AwsError(
          'AccessDeniedException',
          `${call.caller.arn} may not retire grant ${grant.id}: it was created in account ${grant.issuingAccount}`,
        );
      }
      // The issuing account acts as a key policy's root delegation would: through the caller's IAM policy.
      await authorize({
        caller: call.caller,
        action: 'kms:RetireGrant',
        resource: key.arn,
        resourceAccount: key.account,
        identityPolicies: call.world.identityPolicies(call.caller),
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${grant.issuingAccount}:root` }, Action: 'kms:RetireGrant', Resource: '*' }],
        },
      });
    }
    key.grants.splice(key.grants.indexOf(grant), 1);
    return {};
  },

  async RevokeGrant(call) {
    const key = resolveKey(call, 'RevokeGrant', call.params.KeyId);
    await allowed(call, key, 'RevokeGrant');
    const grant = key.grants.find((g) => g.id === call.params.GrantId);
    if (!grant) throw notFound(`Grant ${call.params.GrantId}`);
    key.grants.splice(key.grants.indexOf(grant), 1);
    return {};
  },
};
