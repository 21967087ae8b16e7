/**
 * `npx tsx bench/authorize.ts [consumers]`: wall time of the evaluator alone on what `check`
 * asks of it, about 20 requests per consumer (the launch path plus least-privilege probes),
 * for the listed-accounts key policy (one statement per consumer) and the organization one.
 * Figures go in issue notes; tests never time anything.
 */
import { authorize, type KeyAccessInputs } from '../src/evaluator';
import type { Consumer, Rollout } from '../src/model/rollout';
import { autoScalingRoleArn } from '../src/policy/arns';
import { consumerIamPolicy } from '../src/policy/consumer-policy';
import { autoScalingGrant } from '../src/policy/grant';
import { keyPolicy } from '../src/policy/key-policy';
import { launchPath } from '../src/launch/path';
import type { KmsRequest } from '../src/policy/kms-api';

const count = Number(process.argv[2] ?? 1000);
const OWNER = '111122223333';
const REGION = 'us-west-2';
const KEY = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PROBES = [
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:GetKeyPolicy',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncryptTo',
  'kms:Sign',
  'kms:RevokeGrant',
  'kms:ListGrants',
  'kms:RetireGrant',
  'kms:CreateGrant',
  'kms:Decrypt',
];

function rollout(organization: boolean): Rollout {
  const consumers: Consumer[] = Array.from({ length: count }, (_, i) => ({
    account: String(200000000000 + i),
    serviceLinkedRoleSuffix: i % 2 ? 'web' : undefined,
    createServiceLinkedRole: false,
    attachPolicyToRoles: [],
    sameAccount: false,
  }));
  return {
    partition: 'aws',
    owner: { account: OWNER, region: REGION },
    key: { alias: 'golden-ami', description: '', administrators: [`arn:aws:iam::${OWNER}:role/admin`], rotation: true, deletionWindowDays: 30 },
    amis: [],
    consumers,
    organization: organization ? { id: 'o-a1b2c3d4e5', arn: `arn:aws:organizations::${OWNER}:organization/o-a1b2c3d4e5`, ouPaths: [] } : undefined,
  };
}

function work(r: Rollout): [KeyAccessInputs, KmsRequest][] {
  const policy = keyPolicy(r);
  const org: Record<string, string> = r.organization ? { 'aws:PrincipalOrgID': r.organization.id } : {};
  return r.consumers.flatMap((c) => {
    const creator = `arn:aws:sts::${c.account}:assumed-role/deploy/terraform`;
    const inputs: KeyAccessInputs = {
      keyArn: KEY,
      keyPolicy: policy,
      identityPolicies: [consumerIamPolicy('aws', REGION, c.account, KEY, c.serviceLinkedRoleSuffix)],
      grants: [autoScalingGrant('aws', KEY, c.account, c.serviceLinkedRoleSuffix)],
    };
    const steps = launchPath({
      partition: 'aws',
      keyArn: KEY,
      region: REGION,
      account: c.account,
      serviceLinkedRoleSuffix: c.serviceLinkedRoleSuffix,
      grantCreator: creator,
      sameAccount: false,
    });
    const role = autoScalingRoleArn('aws', c.account, c.serviceLinkedRoleSuffix);
    return [
      ...steps.map((s): [KeyAccessInputs, KmsRequest] => [inputs, { ...s.request, context: { ...s.request.context, ...org } }]),
      ...PROBES.map((action, i): [KeyAccessInputs, KmsRequest] => [inputs, { principal: i % 2 ? creator : role, action, context: org }]),
    ];
  });
}

for (const organization of [false, true]) {
  const calls = work(rollout(organization));
  const decisions: Record<string, number> = {};
  const start = process.hrtime.bigint();
  for (const [inputs, request] of calls) {
    const d = authorize(inputs, request).decision;
    decisions[d] = (decisions[d] ?? 0) + 1;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${organization ? 'organization' : 'listed accounts'}: ${count} consumers, ${calls.length} authorize calls, ${ms.toFixed(0)} ms ` +
      `(${((ms * 1000) / calls.length).toFixed(1)} µs/call) ${JSON.stringify(decisions)}`,
  );
}
