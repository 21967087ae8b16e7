import { authorize, authorizeIdentity } from './authorize';
import type { Call } from './kms';
import { AwsError, members, queryList, queryStructs } from './protocols';

type Handler = (call: Call) => Promise<unknown>;

/**
 * STS, AWS query protocol (https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html).
 * AssumeRole returns credentials whose account is the role's: every later call signed with them is
 * made from that account. The role's trust policy and the caller's IAM policies, through the
 * simulator, decide (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html).
 */
export const STS: Record<string, Handler> = {
  async GetCallerIdentity(call) {
    return { Arn: call.caller.arn, UserId: call.caller.userId, Account: call.caller.account };
  },

  async AssumeRole(call) {
    const { RoleArn, RoleSessionName } = call.params;
    const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(String(RoleArn));
    const role = m ? call.world.accounts.get(m[1])?.roles.get(m[2]) : undefined;
    if (!m || !role)
      throw new AwsError('AccessDenied', `User: ${call.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${RoleArn}`, 403);
    await authorize(
      {
        caller: call.caller,
        action: 'sts:AssumeRole',
        resource: role.arn,
        resourceAccount: m[1],
        identityPolicies: call.world.identityPolicies(call.caller),
        resourcePolicy: role.trust,
      },
      'AccessDenied',
    );
    const creds = call.world.issueSession(role, m[1], RoleSessionName);
    return {
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        SessionToken: creds.sessionToken,
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: creds.userId, Arn: creds.arn },
    };
  },
};

/**
 * EC2, EC2 query protocol, for AMI launch permissions and snapshot create-volume permissions
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html,
 * API_ModifySnapshotAttribute.html). The owner account's images and snapshots are seeded.
 */
async function allowed(call: Call, action: string, resource: string): Promise<void> {
  await authorizeIdentity(call.world, call.caller, `ec2:${action}`, resource, 'UnauthorizedOperation');
}

function image(call: Call, id: string) {
  const found = call.world.account(call.caller.account).images.get(id);
  if (!found) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
  return found;
}

function snapshot(call: Call, id: string) {
  const found = call.world.account(call.caller.account).snapshots.get(id);
  if (!found) throw new AwsError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  return found;
}

const imageArn = (call: Call, id: string) => `arn:aws:ec2:${call.region}::image/${id}`;

export const EC2: Record<string, Handler> = {
  async DescribeImages(call) {
    await allowed(call, 'DescribeImages', '*');
    const ids = queryList(call.params, 'ImageId');
    const account = call.world.account(call.caller.account);
    const found = ids.length ? ids.map((id) => image(call, id)) : [...account.images.values()];
    return {
      imagesSet: members(
        'ec2',
        found.map((i) => ({
          imageId: i.id,
          imageOwnerId: account.id,
          imageState: 'available',
          isPublic: false,
          architecture: 'x86_64',
          imageType: 'machine',
          rootDeviceType: 'ebs',
          rootDeviceName: '/dev/xvda',
          blockDeviceMapping: members(
            'ec2',
            i.snapshotIds.map((s, n) => ({ deviceName: `/dev/xvd${'abcdefgh'[n]}`, ebs: { snapshotId: s, encrypted: true } })),
          ),
        })),
      ),
    };
  },

  async DescribeImageAttribute(call) {
    const i = image(call, call.params.ImageId);
    await allowed(call, 'DescribeImageAttribute', imageArn(call, i.id));
    if (call.params.Attribute !== 'launchPermission')
      throw new AwsError('InvalidParameterValue', `attribute ${call.params.Attribute} is not served here`);
    return { imageId: i.id, launchPermission: members('ec2', i.launchPermissions) };
  },

  async ModifyImageAttribute(call) {
    const i = image(call, call.params.ImageId);
    await allowed(call, 'ModifyImageAttribute', imageArn(call, i.id));
    const same = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(a) === JSON.stringify(b);
    const entry = (p: Record<string, string>) => ({
      ...(p.UserId ? { userId: p.UserId } : {}),
      ...(p.Group ? { group: p.Group } : {}),
      ...(p.OrganizationArn ? { organizationArn: p.OrganizationArn } : {}),
      ...(p.OrganizationalUnitArn ? { organizationalUnitArn: p.OrganizationalUnitArn } : {}),
    });
    const userIds = queryList(call.params, 'UserId').map((UserId) => ({ UserId }));
    const adds = [...queryStructs(call.params, 'LaunchPermission.Add'), ...(call.params.OperationType === 'add' ? userIds : [])].map(entry);
    const removes = [...queryStructs(call.params, 'LaunchPermission.Remove'), ...(call.params.OperationType === 'remove' ? userIds : [])].map(entry);
    for (const a of adds) if (!i.launchPermissions.some((p) => same(p, a))) i.launchPermissions.push(a);
    for (const r of removes) {
      const at = i.launchPermissions.findIndex((p) => same(p, r));
      if (at >= 0) i.launchPermissions.splice(at, 1);
    }
    return { return: true };
  },

  async DescribeSnapshots(call) {
    await allowed(call, 'DescribeSnapshots', '*');
    const ids = queryList(call.params, 'SnapshotId');
    const account = call.world.account(call.caller.account);
    const found = ids.length ? ids.map((id) => snapshot(call, id)) : [...account.snapshots.values()];
    return {
      snapshotSet: members(
        'ec2',
        found.map((s) => ({ snapshotId: s.id, ownerId: account.id, status: 'completed', volumeSize: 8, encrypted: true, progress: '100%' })),
      ),
    };
  },

  async DescribeSnapshotAttribute(call) {
    const s = snapshot(call, call.params.SnapshotId);
    await allowed(call, 'DescribeSnapshotAttribute', '*');
    return {
      snapshotId: s.id,
      createVolumePermission: members(
        'ec2',
        [...s.createVolumeUserIds].map((userId) => ({ userId })),
      ),
    };
  },

  async ModifySnapshotAttribute(call) {
    const s = snapshot(call, call.params.SnapshotId);
    // The IAM service reference lists no resource type for ModifySnapshotAttribute: it is authorized on "*".
    await allowed(call, 'ModifySnapshotAttribute', '*');
    const userIds = queryList(call.params, 'UserId');
    const adds = [
      ...queryStructs(call.params, 'CreateVolumePermission.Add').map((p) => p.UserId),
      ...(call.params.OperationType === 'add' ? userIds : []),
    ];
    const removes = [
      ...queryStructs(call.params, 'CreateVolumePermission.Remove').map((p) => p.UserId),
      ...(call.params.OperationType === 'remove' ? userIds : []),
    ];
    for (const a of adds) s.createVolumeUserIds.add(a);
    for (const r of removes) s.createVolumeUserIds.delete(r);
    return { return: true };
  },
};
