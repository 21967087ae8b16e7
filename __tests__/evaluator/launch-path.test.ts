import { authorize } from '../../src/evaluator';
import type { Grant, KeyAccessInputs } from '../../src/evaluator';
import { autoScalingGrant } from '../../src/policy/grant';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { keyPolicy } from '../../src/policy/key-policy';
import { launchPath } from '../../src/policy/launch-path';
import type { Rollout } from '../../src/model/rollout';

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CREATOR = `arn:aws:iam::${CONSUMER}:role/deploy`;

function rollout(organization?: Rollout['organization']): Rollout {
  return {
    partition: 'aws',
    owner: { account: OWNER, region: 'us-west-2' },
    key: { alias: 'golden-ami', description: 'AMI key', administrators: [`arn:aws:iam::${OWNER}:role/admin`], rotation: true, deletionWindowDays: 30 },
    amis: [],
    consumers: [
      { account: OWNER, createServiceLinkedRole: false, attachPolicyToRoles: [], sameAccount: true },
      { account: CONSUMER, serviceLinkedRoleSuffix: 'web', createServiceLinkedRole: true, attachPolicyToRoles: [], sameAccount: false },
    ],
    organization,
  };
}

/** The consumer IAM policy is the grant creator's; the service-linked role has none for this key. */
function inputs(r: Rollout, grants: Grant[], creator: boolean): KeyAccessInputs {
  return {
    keyArn: KEY,
    keyPolicy: keyPolicy(r),
    identityPolicies: creator ? [consumerIamPolicy('aws', 'us-west-2', CONSUMER, KEY, 'web')] : [],
    grants,
  };
}

describe.each([
  ['listed accounts', undefined],
  ['organization', { id: 'o-a1b2c3d4e5', arn: `arn:aws:organizations::${OWNER}:organization/o-a1b2c3d4e5`, ouPaths: [] }],
])('the launch path keyshare emits (%s)', (_, organization) => {
  const r = rollout(organization);
  const grant = { ...autoScalingGrant('aws', KEY, CONSUMER, 'web'), GrantId: 'g-1' };
  const steps = launchPath({ partition: 'aws', keyArn: KEY, region: 'us-west-2', account: CONSUMER, serviceLinkedRoleSuffix: 'web', grantCreator: CREATOR, sameAccount: false });
  const orgContext: Record<string, string> = organization ? { 'aws:PrincipalOrgID': organization.id } : {};

  it.each(steps.map((s) => [s.id, s] as const))('%s is allowed', (_id, step) => {
    const request = { ...step.request, context: { ...step.request.context, ...orgContext } };
    const result = authorize(inputs(r, [grant], step.through === 'policies'), request);
    expect(result).toMatchObject({ decision: 'Allowed', missing: [] });
    expect(result.trace.some((t) => t.source === (step.through === 'grant' ? 'grant' : 'key-policy'))).toBe(true);
  });

  it('the role cannot use the key before the grant exists', () => {
    const use = steps.find((s) => s.id === 'use-through-grant:Decrypt')!;
    const result = authorize(inputs(r, [], false), { ...use.request, context: { ...use.request.context, ...orgContext } });
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing.length).toBeGreaterThan(0);
  });
});
