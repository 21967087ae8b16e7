/**
 * How key policy, IAM policies and SCPs combine (KMS developer guide, "Determining access to AWS
 * KMS keys", "Key policies", "Allowing users in other accounts to use a KMS key"; AWS Organizations
 * User Guide, "Service control policies").
 */
import { ALLOW_ALL_KMS, decide, doc, OTHER, OWNER, ROOT_DELEGATION, SLR, STRANGER } from './helpers';

const ALICE = `arn:aws:iam::${OWNER}:user/alice`;
const CAROL = `arn:aws:iam::${OTHER}:user/carol`;
const OTHER_ROOT = `arn:aws:iam::${OTHER}:root`;

describe('the key policy is required', () => {
  it('an IAM policy alone allows nothing in the key account without root delegation', () => {
    const keyPolicy = doc({
      Sid: 'AdminOnly',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWNER}:role/Admin` },
      Action: 'kms:*',
      Resource: '*',
    });
    const result = decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, ALICE, 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing[0]).toBe(
      `the key policy has no statement that allows ${ALICE} kms:Decrypt, directly or through root delegation to account ${OWNER}'s IAM policies; IAM policy statement Statement[0] allows it, but IAM policies count only when the key policy allows account ${OWNER} (arn:aws:iam::${OWNER}:root)`,
    );
  });

  it.each([`arn:aws:iam::${OWNER}:root`, OWNER])('root delegation by %s lets the owner account IAM policies allow', (principal) => {
    const keyPolicy = doc({ Sid: 'Delegate', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' });
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, ALICE, 'kms:Decrypt').decision).toBe('Allowed');
    expect(decide({ keyPolicy }, ALICE, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
  });

  it('naming a principal of the key account in the key policy suffices without any IAM policy', () => {
    const keyPolicy = doc({ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' });
    const result = decide({ keyPolicy }, ALICE, 'kms:Decrypt');
    expect(result).toEqual({
      decision: 'Allowed',
      trace: [{ source: 'key-policy', id: 'Alice', effect: 'Allow', detail: `allows ${ALICE} kms:Decrypt` }],
      missing: [],
    });
  });
});

describe('across accounts both the key policy and the caller IAM policy must allow', () => {
  const keyPolicy = doc(ROOT_DELEGATION, {
    Sid: 'Other',
    Effect: 'Allow',
    Principal: { AWS: OTHER_ROOT },
    Action: ['kms:Decrypt', 'kms:CreateGrant'],
    Resource: '*',
  });

  it('key policy and IAM policy: allowed', () => {
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, CAROL, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('key policy naming the caller directly is still not enough without an IAM policy', () => {
    const direct = doc({ Sid: 'Carol', Effect: 'Allow', Principal: { AWS: CAROL }, Action: 'kms:Decrypt', Resource: '*' });
    const result = decide({ keyPolicy: direct }, CAROL, 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing[0]).toMatch(new RegExp(`^the key policy allows ${CAROL} \\(statement Carol\\) but no IAM policy`));
    expect(decide({ keyPolicy: direct, identityPolicies: [ALLOW_ALL_KMS] }, CAROL, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('an IAM policy for another key does not count', () => {
    const otherKey = doc({ Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:us-west-2:${OWNER}:key/other` });
    expect(decide({ keyPolicy, identityPolicies: [otherKey] }, CAROL, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
  });

  it('a stranger account gets nothing, whatever its own IAM policies say', () => {
    const result = decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS] }, `arn:aws:iam::${STRANGER}:user/mallory`, 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing[0]).toMatch(new RegExp(`^the key policy has no statement that allows account ${STRANGER}`));
  });

  it('the key account root delegation does not extend to other accounts', () => {
    const rootOnly = doc(ROOT_DELEGATION);
    expect(decide({ keyPolicy: rootOnly, identityPolicies: [ALLOW_ALL_KMS] }, CAROL, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
  });
});

describe('only the documented operations work across accounts (KMS developer guide, "Allowing users in other accounts to use a KMS key")', () => {
  const everything = doc(ROOT_DELEGATION, { Sid: 'OtherAll', Effect: 'Allow', Principal: { AWS: OTHER_ROOT }, Action: 'kms:*', Resource: '*' });

  it.each(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:GetKeyPolicy', 'kms:EnableKeyRotation', 'kms:TagResource'])(
    '%s is denied across accounts even with kms:* on both sides',
    (action) => {
      const result = decide({ keyPolicy: everything, identityPolicies: [ALLOW_ALL_KMS] }, CAROL, action);
      expect(result.decision).toBe('ImplicitlyDenied');
      expect(result.missing).toHaveLength(1);
      expect(result.missing[0]).toMatch(
        new RegExp(`^${action} does not work across accounts: the caller is in account ${OTHER}, the key in account ${OWNER}`),
      );
    },
  );

  it.each([
    'kms:Decrypt',
    'kms:CreateGrant',
    'kms:DescribeKey',
    'kms:GetKeyRotationStatus',
    'kms:ListGrants',
    'kms:RevokeGrant',
    'kms:GetPublicKey',
    'kms:Sign',
  ])('%s works across accounts', (action) => {
    expect(decide({ keyPolicy: everything, identityPolicies: [ALLOW_ALL_KMS] }, CAROL, action).decision).toBe('Allowed');
  });

  it('the same administrative operation works in the key account', () => {
    expect(decide({ keyPolicy: everything, identityPolicies: [ALLOW_ALL_KMS] }, ALICE, 'kms:PutKeyPolicy').decision).toBe('Allowed');
  });
});

describe('an explicit deny anywhere wins', () => {
  const keyPolicy = doc(ROOT_DELEGATION, { Sid: 'Other', Effect: 'Allow', Principal: { AWS: OTHER_ROOT }, Action: 'kms:*', Resource: '*' });

  it('in the key policy', () => {
    const denying = doc(...keyPolicy.Statement, { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
    const result = decide({ keyPolicy: denying, identityPolicies: [ALLOW_ALL_KMS] }, CAROL, 'kms:Decrypt');
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.trace[0]).toEqual({ source: 'key-policy', id: 'NoDecrypt', effect: 'Deny', detail: 'denies kms:Decrypt' });
    expect(result.missing).toEqual([]);
  });

  it('in an IAM policy, even where the key policy names the caller directly', () => {
    const direct = doc({ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:*', Resource: '*' });
    const deny = doc({ Sid: 'NoKms', Effect: 'Deny', Action: 'kms:*', Resource: '*' });
    const result = decide({ keyPolicy: direct, identityPolicies: [deny] }, ALICE, 'kms:Decrypt');
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.trace[0]).toMatchObject({ source: 'identity-policy', id: 'NoKms', effect: 'Deny' });
  });

  it('in an SCP', () => {
    const scp = doc(
      { Sid: 'FullAccess', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'NoGrants', Effect: 'Deny', Action: 'kms:CreateGrant', Resource: '*' },
    );
    const result = decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [scp] }, CAROL, 'kms:CreateGrant');
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.trace[0]).toMatchObject({ source: 'scp', id: 'NoGrants', effect: 'Deny' });
  });
});

describe('SCPs bound the accounts they are attached to', () => {
  const keyPolicy = doc(ROOT_DELEGATION, { Sid: 'Other', Effect: 'Allow', Principal: { AWS: OTHER_ROOT }, Action: 'kms:*', Resource: '*' });
  const fullAccess = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
  const ec2Only = doc({ Sid: 'Ec2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' });

  it('every SCP must allow: one that allows only EC2 blocks KMS', () => {
    const result = decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [fullAccess, ec2Only] }, CAROL, 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toEqual([`SCP 2 of 2 allows no kms:Decrypt for ${CAROL}`]);
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [fullAccess] }, CAROL, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('an SCP with only Deny statements allows nothing by itself, and the denial says why', () => {
    const denyGrants = doc({ Sid: 'DenyKmsGrantCreation', Effect: 'Deny', Action: 'kms:CreateGrant', Resource: '*' });
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [denyGrants] }, CAROL, 'kms:CreateGrant').decision).toBe('ExplicitlyDenied');
    const result = decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [denyGrants] }, CAROL, 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toEqual([
      `SCP allows no kms:Decrypt for ${CAROL}: it has only Deny statements, and each SCP given must allow the request (each stands for one level of the organization; if FullAWSAccess is attached beside it, put its Allow statement in the same document)`,
    ]);
    // FullAWSAccess and the deny-list SCP attached at one level: one document.
    const level = doc(...fullAccess.Statement, ...denyGrants.Statement);
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [level] }, CAROL, 'kms:Decrypt').decision).toBe('Allowed');
    expect(decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [level] }, CAROL, 'kms:CreateGrant').decision).toBe('ExplicitlyDenied');
  });

  it('they never restrict a service-linked role', () => {
    const deny = doc({ Effect: 'Deny', Action: 'kms:*', Resource: '*' });
    const slrPolicy = doc({ Sid: 'Slr', Effect: 'Allow', Principal: { AWS: SLR }, Action: 'kms:Decrypt', Resource: '*' });
    expect(decide({ keyPolicy: slrPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [ec2Only, deny] }, SLR, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('they do not affect the management account when the caller says it is one', () => {
    expect(
      decide({ keyPolicy, identityPolicies: [ALLOW_ALL_KMS], scps: [ec2Only], callerInManagementAccount: true }, CAROL, 'kms:Decrypt').decision,
    ).toBe('Allowed');
  });

  it('they bound the root user too', () => {
    expect(decide({ keyPolicy, scps: [ec2Only] }, OTHER_ROOT, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
  });
});

describe('the account root user is not subject to IAM policies (KMS developer guide, "Default key policy")', () => {
  it('is allowed by root delegation in its own account', () => {
    expect(decide({ keyPolicy: doc(ROOT_DELEGATION) }, `arn:aws:iam::${OWNER}:root`, 'kms:ScheduleKeyDeletion').decision).toBe('Allowed');
  });

  it('is allowed where the key policy allows its account, and only there', () => {
    const keyPolicy = doc(ROOT_DELEGATION, { Effect: 'Allow', Principal: { AWS: OTHER_ROOT }, Action: 'kms:Decrypt', Resource: '*' });
    expect(decide({ keyPolicy }, OTHER_ROOT, 'kms:Decrypt').decision).toBe('Allowed');
    expect(decide({ keyPolicy }, OTHER_ROOT, 'kms:Encrypt').decision).toBe('ImplicitlyDenied');
  });
});
