import type { PolicyDocument } from '../../../src/policy/document';
import { authorizeIdentity } from './authorize';
import type { Call } from './kms';
import { AwsError, members, queryStructs } from './protocols';
import { uniqueId, type ManagedPolicy, type Role } from './world';

/**
 * IAM, AWS query protocol, for the calls the AWS provider makes for keyshare's IAM policy, its
 * attachments and the Auto Scaling service-linked role (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html).
 * IAM is global and per account: the caller's account is the only one it reads or changes.
 */

type Handler = (call: Call) => Promise<unknown>;

const iso = (d: Date) => d.toISOString();

/** The caller's IAM policies must allow the action on the resource (same account: no resource policy). */
async function allowed(call: Call, action: string, resource: string): Promise<void> {
  await authorizeIdentity(call.world, call.caller, `iam:${action}`, resource, 'AccessDenied');
}

function noSuchEntity(what: string): AwsError {
  return new AwsError('NoSuchEntity', `The ${what} cannot be found.`, 404);
}

function role(call: Call, name: string): Role {
  const found = call.world.account(call.caller.account).roles.get(name);
  if (!found) throw noSuchEntity(`role with name ${name}`);
  return found;
}

function policy(call: Call, arn: string): ManagedPolicy {
  const found = call.world.account(call.caller.account).policies.get(arn);
  if (!found) throw noSuchEntity(`Policy ${arn}`);
  return found;
}

const roleArn = (call: Call, name: string) => `arn:aws:iam::${call.caller.account}:role/${name}`;

function tagList(tags: Map<string, string>): unknown {
  return members(
    'iam',
    [...tags].map(([Key, Value]) => ({ Key, Value })),
  );
}

function roleXml(r: Role): object {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: iso(r.created),
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(r.trust)),
    ...(r.description ? { Description: r.description } : {}),
    MaxSessionDuration: 3600,
    ...(r.tags.size ? { Tags: tagList(r.tags) } : {}),
    RoleLastUsed: '',
  };
}

function policyXml(p: ManagedPolicy, attachments: number): object {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersion,
    AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(p.description ? { Description: p.description } : {}),
    CreateDate: iso(p.created),
    UpdateDate: iso(p.updated),
    ...(p.tags.size ? { Tags: tagList(p.tags) } : {}),
  };
}

function attachments(call: Call, arn: string): Role[] {
  return [...call.world.account(call.caller.account).roles.values()].filter((r) => r.attached.has(arn));
}

function tagsIn(params: Record<string, string>): [string, string][] {
  return queryStructs(params, 'Tags').map((t) => [t.Key, t.Value]);
}

/** "AWSServiceRoleForAutoScaling[_suffix]" (https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html). */
const SERVICE_ROLE_NAMES: Record<string, string> = { 'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling' };

const deletionTasks = new Map<string, string>();

export const IAM: Record<string, Handler> = {
  async GetRole(call) {
    await allowed(call, 'GetRole', roleArn(call, call.params.RoleName));
    return { Role: roleXml(role(call, call.params.RoleName)) };
  },

  async ListRoleTags(call) {
    await allowed(call, 'ListRoleTags', roleArn(call, call.params.RoleName));
    return { Tags: tagList(role(call, call.params.RoleName).tags), IsTruncated: false };
  },

  async TagRole(call) {
    await allowed(call, 'TagRole', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    for (const [k, v] of tagsIn(call.params)) r.tags.set(k, v);
    return '';
  },

  async UntagRole(call) {
    await allowed(call, 'UntagRole', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    for (let i = 1; call.params[`TagKeys.member.${i}`]; i++) r.tags.delete(call.params[`TagKeys.member.${i}`]);
    return '';
  },

  async UpdateRole(call) {
    await allowed(call, 'UpdateRole', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    if (call.params.Description !== undefined) r.description = call.params.Description;
    return '';
  },

  async UpdateRoleDescription(call) {
    await allowed(call, 'UpdateRoleDescription', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    r.description = call.params.Description;
    return { Role: roleXml(r) };
  },

  async CreateServiceLinkedRole(call) {
    const { AWSServiceName, CustomSuffix, Description } = call.params;
    const base = SERVICE_ROLE_NAMES[AWSServiceName];
    if (!base) throw new AwsError('InvalidInput', `no service-linked role here for ${AWSServiceName}`);
    const name = CustomSuffix ? `${base}_${CustomSuffix}` : base;
    const path = `/aws-service-role/${AWSServiceName}/`;
    await allowed(call, 'CreateServiceLinkedRole', `arn:aws:iam::${call.caller.account}:role${path}${name}`);
    if (call.world.account(call.caller.account).roles.has(name)) {
      throw new AwsError('InvalidInput', `Service role name ${name} has been taken in this account, please try a different suffix.`);
    }
    const r = call.world.addRole(call.caller.account, name, {
      path,
      trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: AWSServiceName }, Action: 'sts:AssumeRole' }] },
    });
    r.description = Description ?? '';
    return { Role: roleXml(r) };
  },

  async DeleteServiceLinkedRole(call) {
    const r = role(call, call.params.RoleName);
    await allowed(call, 'DeleteServiceLinkedRole', r.arn);
    if (!r.serviceLinked) throw new AwsError('InvalidInput', `${r.name} is not a service-linked role`);
    call.world.account(call.caller.account).roles.delete(r.name);
    const task = `task/aws-service-role/${r.path.split('/')[2]}/${r.name}/${uniqueId('')}`;
    deletionTasks.set(task, 'SUCCEEDED');
    return { DeletionTaskId: task };
  },

  async GetServiceLinkedRoleDeletionStatus(call) {
    await allowed(call, 'GetServiceLinkedRoleDeletionStatus', roleArn(call, '*'));
    const status = deletionTasks.get(call.params.DeletionTaskId);
    if (!status) throw noSuchEntity(`deletion task ${call.params.DeletionTaskId}`);
    return { Status: status };
  },

  async CreatePolicy(call) {
    const { PolicyName, PolicyDocument: document, Description } = call.params;
    const path = call.params.Path ?? '/';
    const arn = `arn:aws:iam::${call.caller.account}:policy${path}${PolicyName}`;
    await allowed(call, 'CreatePolicy', arn);
    // "To create a policy with tags, you must have iam:CreatePolicy and iam:TagPolicy" (IAM User Guide,
    // "Permissions required for tagging IAM entities": https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_control-tag-on-create).
    if (tagsIn(call.params).length) await allowed(call, 'TagPolicy', arn);
    const account = call.world.account(call.caller.account);
    if (account.policies.has(arn))
      throw new AwsError('EntityAlreadyExists', `A policy called ${PolicyName} already exists. Duplicate names are not allowed.`, 409);
    JSON.parse(document) as PolicyDocument;
    const now = new Date();
    const p: ManagedPolicy = {
      name: PolicyName,
      path,
      arn,
      id: uniqueId('ANPA'),
      description: Description ?? '',
      created: now,
      updated: now,
      versions: [{ id: 'v1', document, created: now }],
      defaultVersion: 'v1',
      nextVersion: 2,
      tags: new Map(tagsIn(call.params)),
    };
    account.policies.set(arn, p);
    return { Policy: policyXml(p, 0) };
  },

  async GetPolicy(call) {
    await allowed(call, 'GetPolicy', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    return { Policy: policyXml(p, attachments(call, p.arn).length) };
  },

  async GetPolicyVersion(call) {
    await allowed(call, 'GetPolicyVersion', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    const v = p.versions.find((x) => x.id === call.params.VersionId);
    if (!v) throw noSuchEntity(`Policy ${p.arn} version ${call.params.VersionId}`);
    return {
      PolicyVersion: {
        Document: encodeURIComponent(v.document),
        VersionId: v.id,
        IsDefaultVersion: v.id === p.defaultVersion,
        CreateDate: iso(v.created),
      },
    };
  },

  async ListPolicyVersions(call) {
    await allowed(call, 'ListPolicyVersions', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    return {
      Versions: members(
        'iam',
        [...p.versions].reverse().map((v) => ({ VersionId: v.id, IsDefaultVersion: v.id === p.defaultVersion, CreateDate: iso(v.created) })),
      ),
      IsTruncated: false,
    };
  },

  async CreatePolicyVersion(call) {
    await allowed(call, 'CreatePolicyVersion', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    if (p.versions.length >= 5) throw new AwsError('LimitExceeded', `A managed policy can have up to 5 versions.`, 409);
    const v = { id: `v${p.nextVersion++}`, document: call.params.PolicyDocument, created: new Date() };
    p.versions.push(v);
    if (call.params.SetAsDefault === 'true') p.defaultVersion = v.id;
    p.updated = v.created;
    return { PolicyVersion: { VersionId: v.id, IsDefaultVersion: v.id === p.defaultVersion, CreateDate: iso(v.created) } };
  },

  async SetDefaultPolicyVersion(call) {
    await allowed(call, 'SetDefaultPolicyVersion', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    if (!p.versions.some((v) => v.id === call.params.VersionId)) throw noSuchEntity(`Policy version ${call.params.VersionId}`);
    p.defaultVersion = call.params.VersionId;
    p.updated = new Date();
    return '';
  },

  async DeletePolicyVersion(call) {
    await allowed(call, 'DeletePolicyVersion', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    if (call.params.VersionId === p.defaultVersion) throw new AwsError('DeleteConflict', 'Cannot delete the default version of a policy.', 409);
    const i = p.versions.findIndex((v) => v.id === call.params.VersionId);
    if (i < 0) throw noSuchEntity(`Policy version ${call.params.VersionId}`);
    p.versions.splice(i, 1);
    return '';
  },

  async DeletePolicy(call) {
    await allowed(call, 'DeletePolicy', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    if (attachments(call, p.arn).length > 0) throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
    if (p.versions.length > 1)
      throw new AwsError(
        'DeleteConflict',
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.",
        409,
      );
    call.world.account(call.caller.account).policies.delete(p.arn);
    return '';
  },

  async ListPolicyTags(call) {
    await allowed(call, 'ListPolicyTags', call.params.PolicyArn);
    return { Tags: tagList(policy(call, call.params.PolicyArn).tags), IsTruncated: false };
  },

  async TagPolicy(call) {
    await allowed(call, 'TagPolicy', call.params.PolicyArn);
    const p = policy(call, call.params.PolicyArn);
    for (const [k, v] of tagsIn(call.params)) p.tags.set(k, v);
    return '';
  },

  async ListEntitiesForPolicy(call) {
    await allowed(call, 'ListEntitiesForPolicy', call.params.PolicyArn);
    const roles = attachments(call, policy(call, call.params.PolicyArn).arn);
    return {
      PolicyRoles: members(
        'iam',
        roles.map((r) => ({ RoleName: r.name, RoleId: r.id })),
      ),
      PolicyUsers: '',
      PolicyGroups: '',
      IsTruncated: false,
    };
  },

  async AttachRolePolicy(call) {
    await allowed(call, 'AttachRolePolicy', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    policy(call, call.params.PolicyArn);
    r.attached.add(call.params.PolicyArn);
    return '';
  },

  async DetachRolePolicy(call) {
    await allowed(call, 'DetachRolePolicy', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    if (!r.attached.delete(call.params.PolicyArn)) throw noSuchEntity(`Policy ${call.params.PolicyArn} attached to ${r.name}`);
    return '';
  },

  async ListAttachedRolePolicies(call) {
    await allowed(call, 'ListAttachedRolePolicies', roleArn(call, call.params.RoleName));
    const r = role(call, call.params.RoleName);
    const account = call.world.account(call.caller.account);
    return {
      AttachedPolicies: members(
        'iam',
        [...r.attached].map((arn) => ({ PolicyName: account.policies.get(arn)?.name ?? arn.split('/').pop(), PolicyArn: arn })),
      ),
      IsTruncated: false,
    };
  },
};
