/** The rollout keyshare emits must pass its own launch path (ARCHITECTURE.md), grant and all. */
import { authorize, type KeyAccessInputs } from '../../src/evaluator';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { autoScalingGrant } from '../../src/policy/grant';
import { keyPolicy } from '../../src/policy/key-policy';
import { launchPath } from '../../src/launch/path';
import { BASE_YAML, CONSUMER_B, ORG_ID, ORG_YAML, OWNER, REGION, rollout } from '../support/rollouts';
import type { Grant } from '../../src/policy/kms-api';

const KEY = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CREATOR = `arn:aws:sts::${CONSUMER_B}:assumed-role/deploy/terraform`;

describe.each([
  ['listed accounts', BASE_YAML, {}],
  ['organization', ORG_YAML, { 'aws:PrincipalOrgID': ORG_ID }],
])('the launch path keyshare emits (%s)', (_, yaml, orgContext) => {
  const policy = keyPolicy(rollout(yaml));
  const grant: Grant = { ...autoScalingGrant('aws', KEY, CONSUMER_B, 'web'), GrantId: 'g-1' };
  const steps = launchPath({
    partition: 'aws',
    keyArn: KEY,
    region: REGION,
    account: CONSUMER_B,
    serviceLinkedRoleSuffix: 'web',
    grantCreator: CREATOR,
    sameAccount: false,
  });
  // The consumer IAM policy belongs to the grant creator; the service-linked role has none for this key.
  const inputs = (grants: Grant[], creator: boolean): KeyAccessInputs => ({
    keyArn: KEY,
    keyPolicy: policy,
    identityPolicies: creator ? [consumerIamPolicy('aws', REGION, CONSUMER_B, KEY, 'web')] : [],
    grants,
  });

  it.each(steps.map((s) => [s.id, s] as const))('%s is allowed', (_id, step) => {
    const result = authorize(inputs([grant], step.through === 'policies'), { ...step.request, context: { ...step.request.context, ...orgContext } });
    expect(result).toMatchObject({ decision: 'Allowed', missing: [] });
    expect(result.trace.some((t) => t.source === (step.through === 'grant' ? 'grant' : 'key-policy'))).toBe(true);
  });

  it('the role cannot use the key before the grant exists', () => {
    const use = steps.find((s) => s.id === 'use-through-grant:Decrypt')!;
    const result = authorize(inputs([], false), { ...use.request, context: { ...use.request.context, ...orgContext } });
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing[0]).toMatch(/no IAM policy of the caller allows kms:Decrypt/);
  });
});
