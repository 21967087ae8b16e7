/**
 * Grant semantics, case by case from the KMS developer guide: "Grants in AWS KMS" and
 * "Creating grants" (grant constraints; granting CreateGrant permission).
 */
import { decide, doc, KEY, OTHER, OWNER, ROOT_DELEGATION, SLR } from './helpers';
import type { Grant, GrantConstraints } from '../../src/policy/kms-api';

const EXAMPLE_USER = `arn:aws:iam::${OWNER}:user/exampleUser`;
/** No statement for anyone but the owner account's IAM: only grants can let other principals in. */
const keyPolicy = doc(ROOT_DELEGATION);

function grant(overrides: Partial<Grant>): Grant {
  return { GrantId: 'g-1', KeyId: KEY, GranteePrincipal: EXAMPLE_USER, Operations: ['Decrypt'], ...overrides };
}

describe('a grant allows its grantee its operations on its key', () => {
  it('without any IAM policy, in the key account', () => {
    const result = decide({ keyPolicy, grants: [grant({})] }, EXAMPLE_USER, 'kms:Decrypt');
    expect(result).toEqual({
      decision: 'Allowed',
      trace: [{ source: 'grant', id: 'g-1', effect: 'Allow', detail: `grants ${EXAMPLE_USER} Decrypt` }],
      missing: [],
    });
  });

  it('without any IAM policy, across accounts (the service-linked role of a consumer)', () => {
    const g = grant({ GranteePrincipal: SLR, Operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext'] });
    expect(decide({ keyPolicy, grants: [g] }, SLR, 'kms:GenerateDataKeyWithoutPlaintext').decision).toBe('Allowed');
  });

  it('to sessions of a grantee role', () => {
    const g = grant({ GranteePrincipal: `arn:aws:iam::${OTHER}:role/Engineering` });
    expect(decide({ keyPolicy, grants: [g] }, `arn:aws:sts::${OTHER}:assumed-role/Engineering/bob`, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('for an operation it lists, and no other', () => {
    const result = decide({ keyPolicy, grants: [grant({})] }, EXAMPLE_USER, 'kms:Encrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toContain(`grant g-1 names ${EXAMPLE_USER} but it allows Decrypt, not Encrypt`);
  });

  it('to its grantee only', () => {
    const result = decide({ keyPolicy, grants: [grant({})] }, `arn:aws:iam::${OWNER}:user/someoneElse`, 'kms:Decrypt');
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toContain(`no grant on the key names arn:aws:iam::${OWNER}:user/someoneElse as grantee`);
  });

  it('on its key only', () => {
    const g = grant({ KeyId: `arn:aws:kms:us-west-2:${OWNER}:key/another-key` });
    expect(decide({ keyPolicy, grants: [g] }, EXAMPLE_USER, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
    expect(decide({ keyPolicy, grants: [grant({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })] }, EXAMPLE_USER, 'kms:Decrypt').decision).toBe(
      'Allowed',
    );
  });

  it.each(['PutKeyPolicy', 'ScheduleKeyDeletion', 'RevokeGrant'])('never for %s, which is not a grant operation', (op) => {
    const result = decide({ keyPolicy, grants: [grant({ Operations: ['Decrypt', op] })] }, EXAMPLE_USER, `kms:${op}`);
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toContain(`grant g-1 names ${EXAMPLE_USER} but kms:${op} is not a grant operation, so no grant can allow it`);
  });

  it('but an explicit deny in the key policy still wins ("Grants ... allow access, but not deny it")', () => {
    const denying = doc(ROOT_DELEGATION, { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
    expect(decide({ keyPolicy: denying, grants: [grant({})] }, EXAMPLE_USER, 'kms:Decrypt').decision).toBe('ExplicitlyDenied');
  });

  it('and an SCP still bounds a user, though never a service-linked role', () => {
    const ec2Only = doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    expect(decide({ keyPolicy, grants: [grant({})], scps: [ec2Only] }, EXAMPLE_USER, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
    expect(decide({ keyPolicy, grants: [grant({ GranteePrincipal: SLR })], scps: [ec2Only] }, SLR, 'kms:Decrypt').decision).toBe('Allowed');
  });

  it('a grant to an account lets that account delegate it through IAM policies', () => {
    const g = grant({ GranteePrincipal: `arn:aws:iam::${OTHER}:root` });
    const carol = `arn:aws:iam::${OTHER}:user/carol`;
    const denied = decide({ keyPolicy, grants: [g] }, carol, 'kms:Decrypt');
    expect(denied.decision).toBe('ImplicitlyDenied');
    expect(denied.missing).toContain(`grant g-1 is for account ${OTHER}, so an IAM policy of the caller must allow kms:Decrypt, and none does`);
    expect(
      decide({ keyPolicy, grants: [g], identityPolicies: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY })] }, carol, 'kms:Decrypt')
        .decision,
    ).toBe('Allowed');
  });
});

describe('retiring a grant ("Grants in AWS KMS": by its retiring principal, or its grantee if it allows RetireGrant)', () => {
  const admin = `arn:aws:iam::${OWNER}:role/adminRole`;
  const g = grant({ RetiringPrincipal: admin });

  it('its retiring principal may retire it without RetireGrant in its operations', () => {
    const result = decide({ keyPolicy, grants: [g] }, `arn:aws:sts::${OWNER}:assumed-role/adminRole/ops`, 'kms:RetireGrant');
    expect(result.decision).toBe('Allowed');
    expect(result.trace).toEqual([{ source: 'grant', id: 'g-1', effect: 'Allow', detail: `names ${admin} as its retiring principal` }]);
  });

  it('its grantee only when the grant allows RetireGrant', () => {
    expect(decide({ keyPolicy, grants: [g] }, EXAMPLE_USER, 'kms:RetireGrant').decision).toBe('ImplicitlyDenied');
    expect(decide({ keyPolicy, grants: [grant({ Operations: ['Decrypt', 'RetireGrant'] })] }, EXAMPLE_USER, 'kms:RetireGrant').decision).toBe(
      'Allowed',
    );
  });
});

describe('encryption context constraints ("Creating grants", Using grant constraints)', () => {
  const subset = grant({
    Operations: ['GenerateDataKey', 'Decrypt', 'DescribeKey', 'RetireGrant'],
    Constraints: { EncryptionContextSubset: { Department: 'Finance', Classification: 'Public' } },
  });

  it.each([
    [{ Department: 'Finance', Classification: 'Public' }, 'Allowed'],
    [{ Classification: 'Public', Department: 'Finance' }, 'Allowed'],
    [{ Customer: '12345', Department: 'Finance', Classification: 'Public', Purpose: 'Test' }, 'Allowed'],
    [{ Department: 'Finance' }, 'ImplicitlyDenied'],
    [{ department: 'finance', classification: 'public' }, 'ImplicitlyDenied'],
    [{ Classification: 'Public', Customer: '12345' }, 'ImplicitlyDenied'],
  ])('EncryptionContextSubset with encryption context %j: %s', (encryptionContext, expected) => {
    expect(decide({ keyPolicy, grants: [subset] }, EXAMPLE_USER, 'kms:Decrypt', { encryptionContext }).decision).toBe(expected);
  });

  it('EncryptionContextEquals needs exactly the pairs of the constraint', () => {
    const equals = grant({ Constraints: { EncryptionContextEquals: { Department: 'IT' } } });
    expect(decide({ keyPolicy, grants: [equals] }, EXAMPLE_USER, 'kms:Decrypt', { encryptionContext: { Department: 'IT' } }).decision).toBe(
      'Allowed',
    );
    const extra = decide({ keyPolicy, grants: [equals] }, EXAMPLE_USER, 'kms:Decrypt', { encryptionContext: { Department: 'IT', Purpose: 'Test' } });
    expect(extra.decision).toBe('ImplicitlyDenied');
    expect(extra.missing).toContain(
      `grant g-1 names ${EXAMPLE_USER} but its EncryptionContextEquals constraint requires exactly {"Department":"IT"}, the request has {"Department":"IT","Purpose":"Test"}`,
    );
  });

  it.each(['kms:DescribeKey', 'kms:RetireGrant'])('is ignored for %s, which has no encryption context', (action) => {
    expect(decide({ keyPolicy, grants: [subset] }, EXAMPLE_USER, action).decision).toBe('Allowed');
  });
});

describe('CreateGrant through a grant ("Creating grants", Granting CreateGrant permission)', () => {
  const parent = grant({
    Operations: ['GenerateDataKey', 'Decrypt', 'CreateGrant'],
    Constraints: { EncryptionContextSubset: { Department: 'IT' } },
  });
  const create = (operations: string[], grantConstraints?: GrantConstraints) =>
    decide({ keyPolicy, grants: [parent] }, EXAMPLE_USER, 'kms:CreateGrant', {
      context: { 'kms:GrantOperations': operations, 'kms:GranteePrincipal': `arn:aws:iam::${OWNER}:user/anotherUser` },
      grantConstraints,
    });

  it('allows a child grant with a subset of the operations and stricter constraints (the guide example)', () => {
    expect(create(['CreateGrant', 'Decrypt'], { EncryptionContextEquals: { Department: 'IT' } }).decision).toBe('Allowed');
    expect(create(['Decrypt'], { EncryptionContextSubset: { Department: 'IT', Purpose: 'Test' } }).decision).toBe('Allowed');
  });

  it('refuses operations the parent does not have', () => {
    const result = create(['Decrypt', 'ReEncryptFrom'], { EncryptionContextSubset: { Department: 'IT' } });
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toContain(
      `grant g-1 names ${EXAMPLE_USER} but the new grant's operations include ReEncryptFrom, which it does not have (it has GenerateDataKey, Decrypt, CreateGrant)`,
    );
  });

  it.each<[string, GrantConstraints | undefined]>([
    ['no constraint', undefined],
    ['pairs removed', { EncryptionContextSubset: { Purpose: 'Test' } }],
    ['a different value', { EncryptionContextEquals: { Department: 'Finance' } }],
  ])('refuses constraints less strict than the parent: %s', (_, constraints) => {
    const result = create(['Decrypt'], constraints);
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing).toContain(
      `grant g-1 names ${EXAMPLE_USER} but the new grant's constraints must include its EncryptionContextSubset pairs {"Department":"IT"}`,
    );
  });

  it('an EncryptionContextEquals parent allows only the same EncryptionContextEquals, never a Subset', () => {
    const equalsParent = grant({ Operations: ['Decrypt', 'CreateGrant'], Constraints: { EncryptionContextEquals: { Department: 'IT' } } });
    const child = (grantConstraints: GrantConstraints | undefined) =>
      decide({ keyPolicy, grants: [equalsParent] }, EXAMPLE_USER, 'kms:CreateGrant', {
        context: { 'kms:GrantOperations': ['Decrypt'] },
        grantConstraints,
      }).decision;
    expect(child({ EncryptionContextEquals: { Department: 'IT' } })).toBe('Allowed');
    expect(child({ EncryptionContextSubset: { Department: 'IT' } })).toBe('ImplicitlyDenied');
  });

  it('without kms:GrantOperations in the request it cannot be checked and is not allowed', () => {
    const result = decide({ keyPolicy, grants: [parent] }, EXAMPLE_USER, 'kms:CreateGrant', {
      grantConstraints: { EncryptionContextSubset: { Department: 'IT' } },
    });
    expect(result.decision).toBe('ImplicitlyDenied');
    expect(result.missing[result.missing.length - 1]).toMatch(/has no kms:GrantOperations/);
  });

  it("EC2's child grant for a volume through the Auto Scaling role's grant", () => {
    const autoScaling = grant({
      GranteePrincipal: SLR,
      Operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'CreateGrant'],
    });
    const volume = (ops: string[]) =>
      decide({ keyPolicy, grants: [autoScaling] }, SLR, 'kms:CreateGrant', {
        context: { 'kms:GrantOperations': ops, 'kms:GrantIsForAWSResource': true },
      }).decision;
    expect(volume(['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'])).toBe('Allowed');
    expect(volume(['Decrypt', 'Encrypt'])).toBe('ImplicitlyDenied');
  });
});
