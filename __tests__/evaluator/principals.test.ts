/** Principal matching (IAM User Guide, "AWS JSON policy elements: Principal"; KMS developer guide, "Key policies"). */
import type { PrincipalBlock, PolicyStatement } from '../../src/policy/document';
import { ALLOW_ALL_KMS, decide, doc, OTHER, OWNER, SLR } from './helpers';

function allowing(principal: PrincipalBlock, extra: Partial<PolicyStatement> = {}) {
  return doc({ Sid: 'Under test', Effect: 'Allow', Principal: principal, Action: 'kms:Decrypt', Resource: '*', ...extra });
}

const same = (keyPolicy: ReturnType<typeof doc>, principal: string) => decide({ keyPolicy }, principal, 'kms:Decrypt').decision;

describe('principal matching', () => {
  it('AWS as a string or a list', () => {
    const alice = `arn:aws:iam::${OWNER}:user/alice`;
    expect(same(allowing({ AWS: alice }), alice)).toBe('Allowed');
    expect(same(allowing({ AWS: [`arn:aws:iam::${OWNER}:user/bob`, alice] }), alice)).toBe('Allowed');
    expect(same(allowing({ AWS: [`arn:aws:iam::${OWNER}:user/bob`] }), alice)).toBe('ImplicitlyDenied');
  });

  it('users and roles with paths match their full ARN only', () => {
    const bob = `arn:aws:iam::${OWNER}:user/engineering/bob`;
    expect(same(allowing({ AWS: bob }), bob)).toBe('Allowed');
    expect(same(allowing({ AWS: `arn:aws:iam::${OWNER}:user/bob` }), bob)).toBe('ImplicitlyDenied');
  });

  it('an assumed-role session matches its role, whatever the role path, and not another role of the same account', () => {
    const session = `arn:aws:sts::${OWNER}:assumed-role/Deployer/ci-1234`;
    expect(same(allowing({ AWS: `arn:aws:iam::${OWNER}:role/team/Deployer` }), session)).toBe('Allowed');
    expect(same(allowing({ AWS: `arn:aws:iam::${OWNER}:role/Deployer` }), session)).toBe('Allowed');
    expect(same(allowing({ AWS: `arn:aws:iam::${OWNER}:role/Admin` }), session)).toBe('ImplicitlyDenied');
    expect(same(allowing({ AWS: `arn:aws:iam::${OTHER}:role/Deployer` }), session)).toBe('ImplicitlyDenied');
    expect(same(allowing({ AWS: session }), session)).toBe('Allowed');
    expect(same(allowing({ AWS: `arn:aws:sts::${OWNER}:assumed-role/Deployer/other` }), session)).toBe('ImplicitlyDenied');
  });

  it("a session's aws:PrincipalArn is its role's ARN", () => {
    const session = `arn:aws:sts::${OWNER}:assumed-role/Deployer/ci-1234`;
    const keyPolicy = allowing('*', { Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OWNER}:role/Deployer` } } });
    expect(same(keyPolicy, session)).toBe('Allowed');
    // A caller that knows the role's path says so, and the key policy can test it.
    const withPath = allowing('*', { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWNER}:role/team/*` } } });
    expect(
      decide({ keyPolicy: withPath }, session, 'kms:Decrypt', { context: { 'aws:PrincipalArn': `arn:aws:iam::${OWNER}:role/team/Deployer` } })
        .decision,
    ).toBe('Allowed');
    expect(same(withPath, session)).toBe('ImplicitlyDenied');
  });

  it('a service-linked role with a custom suffix matches only that suffix', () => {
    const slr = `arn:aws:iam::${OWNER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web`;
    const other = `arn:aws:iam::${OWNER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    expect(same(allowing({ AWS: slr }), slr)).toBe('Allowed');
    expect(same(allowing({ AWS: slr }), other)).toBe('ImplicitlyDenied');
  });

  it.each<[string, PrincipalBlock]>([
    ['"*"', '*'],
    ['{"AWS": "*"}', { AWS: '*' }],
  ])('%s matches every caller: directly in the key account, with an IAM policy across accounts', (_, principal) => {
    const keyPolicy = allowing(principal);
    expect(same(keyPolicy, `arn:aws:iam::${OWNER}:user/anyone`)).toBe('Allowed');
    expect(same(keyPolicy, SLR)).toBe('ImplicitlyDenied');
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, SLR, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('a bare account ID is the account root ARN', () => {
    const keyPolicy = allowing({ AWS: OTHER });
    const carol = `arn:aws:iam::${OTHER}:user/carol`;
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, carol, 'kms:Decrypt').decision).toBe('Allowed');
    expect(same(keyPolicy, carol)).toBe('ImplicitlyDenied');
  });

  it('Principal.Service names AWS services, never IAM callers', () => {
    const keyPolicy = allowing({ Service: 'ec2.amazonaws.com' });
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, `arn:aws:iam::${OWNER}:role/ec2`, 'kms:Decrypt').decision).toBe(
      'ImplicitlyDenied',
    );
    expect(same(keyPolicy, 'ec2.amazonaws.com')).toBe('Allowed');
  });

  it('NotPrincipal with Deny denies everyone except the principals listed', () => {
    const keyPolicy = doc(
      { Sid: 'All', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
      { Sid: 'OnlyAdmin', Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${OWNER}:role/Admin`] }, Action: 'kms:Decrypt', Resource: '*' },
    );
    expect(same(keyPolicy, `arn:aws:sts::${OWNER}:assumed-role/Admin/s`)).toBe('Allowed');
    expect(same(keyPolicy, `arn:aws:iam::${OWNER}:user/alice`)).toBe('ExplicitlyDenied');
  });
});
