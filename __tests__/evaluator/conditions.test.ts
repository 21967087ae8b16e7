/**
 * Condition operators and context keys (IAM User Guide, "IAM JSON policy elements: Condition
 * operators", "Single-valued vs. multivalued context keys", "IAM policy elements: Variables and
 * tags"; KMS developer guide, "AWS KMS condition keys").
 */
import type { ConditionBlock } from '../../src/policy/document';
import { keyPolicy as rolloutKeyPolicy } from '../../src/policy/key-policy';
import { ORG_YAML, rollout } from '../support/rollouts';
import { decide, doc, OTHER, OWNER, SLR } from './helpers';
import type { ContextValue } from '../../src/policy/kms-api';

const ALICE = `arn:aws:iam::${OWNER}:user/alice`;

function holds(condition: ConditionBlock, context: Record<string, ContextValue> = {}, principal = ALICE): boolean {
  const keyPolicy = doc({ Sid: 'Cond', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: condition });
  return decide({ keyPolicy }, principal, 'kms:CreateGrant', { context }).decision === 'Allowed';
}

describe('string operators', () => {
  it.each<[ConditionBlock, Record<string, ContextValue>, boolean]>([
    [{ StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } }, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, true],
    [{ StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } }, { 'kms:ViaService': 'EC2.us-west-2.amazonaws.com' }, false],
    [{ StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } }, {}, false],
    [{ StringNotEquals: { 'kms:ViaService': 'rds.us-west-2.amazonaws.com' } }, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, true],
    [{ StringNotEquals: { 'kms:ViaService': 'rds.us-west-2.amazonaws.com' } }, {}, true],
    [{ StringEqualsIgnoreCase: { 'kms:ViaService': 'EC2.US-WEST-2.amazonaws.com' } }, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, true],
    [{ StringNotEqualsIgnoreCase: { 'kms:ViaService': 'EC2.US-WEST-2.amazonaws.com' } }, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, false],
    [{ StringLike: { 'kms:ViaService': 'ec2.*.amazonaws.com' } }, { 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' }, true],
    [{ StringLike: { 'kms:ViaService': 'ec2.us-west-?.amazonaws.com' } }, { 'kms:ViaService': 'ec2.us-west-22.amazonaws.com' }, false],
    [{ StringNotLike: { 'kms:ViaService': 'ec2.*' } }, { 'kms:ViaService': 'rds.us-west-2.amazonaws.com' }, true],
    [{ StringEqualsIfExists: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } }, {}, true],
    [{ StringEqualsIfExists: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } }, { 'kms:ViaService': 'rds.us-west-2.amazonaws.com' }, false],
  ])('%j with %j: %s', (condition, context, expected) => {
    expect(holds(condition, context)).toBe(expected);
  });
});

describe('ARN, Bool, Null, Numeric, Date and IP operators', () => {
  it.each<[ConditionBlock, Record<string, ContextValue>, boolean]>([
    [{ ArnLike: { 'kms:GranteePrincipal': `arn:aws:iam::${OTHER}:role/aws-service-role/*` } }, { 'kms:GranteePrincipal': SLR }, true],
    [
      { ArnEquals: { 'kms:GranteePrincipal': `arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/*` } },
      { 'kms:GranteePrincipal': SLR },
      true,
    ],
    [{ ArnLike: { 'kms:GranteePrincipal': 'arn:aws:iam::*:role/*' } }, { 'kms:GranteePrincipal': 'not-an-arn' }, false],
    [{ ArnNotLike: { 'kms:GranteePrincipal': `arn:aws:iam::${OWNER}:*` } }, { 'kms:GranteePrincipal': SLR }, true],
    [{ ArnNotEquals: { 'kms:GranteePrincipal': SLR } }, { 'kms:GranteePrincipal': SLR }, false],
    [{ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { 'kms:GrantIsForAWSResource': true }, true],
    [{ Bool: { 'kms:GrantIsForAWSResource': true } }, { 'kms:GrantIsForAWSResource': 'TRUE' }, true],
    [{ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { 'kms:GrantIsForAWSResource': false }, false],
    [{ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, {}, false],
    [{ BoolIfExists: { 'kms:GrantIsForAWSResource': 'true' } }, {}, true],
    [{ Null: { 'kms:ViaService': 'true' } }, {}, true],
    [{ Null: { 'kms:ViaService': 'true' } }, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, false],
    [{ Null: { 'kms:ViaService': 'false' } }, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, true],
    [{ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': 100 }, true],
    [{ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': '7200' }, false],
    [{ NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '60' } }, { 'aws:MultiFactorAuthAge': '60' }, true],
    [{ NumericEquals: { 'aws:MultiFactorAuthAge': '60' } }, { 'aws:MultiFactorAuthAge': 'sixty' }, false],
    [{ NumericNotEquals: { 'aws:MultiFactorAuthAge': '60' } }, { 'aws:MultiFactorAuthAge': '61' }, true],
    [{ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2027-06-01T00:00:00Z' }, true],
    [{ DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2027-06-01T00:00:00Z' }, false],
    [{ DateEquals: { 'aws:CurrentTime': '1893456000' } }, { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }, true],
    [{ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.7' }, true],
    [{ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.7' }, true],
    [{ StringEqualsWhatever: { 'kms:ViaService': 'x' } }, { 'kms:ViaService': 'x' }, false],
  ])('%j with %j: %s', (condition, context, expected) => {
    expect(holds(condition, context)).toBe(expected);
  });
});

describe('several values, keys and operators', () => {
  it('values of one key are ORed', () => {
    expect(holds({ StringEquals: { 'kms:CallerAccount': [OTHER, OWNER] } })).toBe(true);
  });

  it('keys and operators are ANDed', () => {
    const both = { StringEquals: { 'kms:CallerAccount': OWNER, 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } };
    expect(holds(both, { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' })).toBe(true);
    expect(holds(both)).toBe(false);
    expect(
      holds({ StringEquals: { 'kms:CallerAccount': OWNER }, Bool: { 'kms:GrantIsForAWSResource': 'true' } }, { 'kms:GrantIsForAWSResource': false }),
    ).toBe(false);
  });

  it('condition key names are case-insensitive, in policies and requests', () => {
    expect(holds({ StringEquals: { 'KMS:VIASERVICE': 'ec2.us-west-2.amazonaws.com' } }, { 'kms:viaservice': 'ec2.us-west-2.amazonaws.com' })).toBe(
      true,
    );
  });
});

describe('multivalued keys and set qualifiers', () => {
  const ops = ['Decrypt', 'CreateGrant'];
  it.each<[ConditionBlock, Record<string, ContextValue>, boolean]>([
    [{ 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'CreateGrant', 'Encrypt'] } }, { 'kms:GrantOperations': ops }, true],
    [{ 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, { 'kms:GrantOperations': ops }, false],
    [{ 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, {}, true],
    [{ 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, { 'kms:GrantOperations': [] }, true],
    [{ 'ForAnyValue:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, { 'kms:GrantOperations': ops }, true],
    [{ 'ForAnyValue:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, {}, false],
    [{ 'ForAnyValue:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }, { 'kms:GrantOperations': [] }, false],
    [{ 'ForAnyValue:StringNotEquals': { 'kms:GrantOperations': ['Decrypt'] } }, { 'kms:GrantOperations': ops }, true],
    [{ 'ForAllValues:StringLike': { 'kms:GrantOperations': ['*crypt', 'Create*'] } }, { 'kms:GrantOperations': ops }, true],
    // A single-valued operator never matches a multivalued key.
    [{ StringEquals: { 'kms:GrantOperations': 'Decrypt' } }, { 'kms:GrantOperations': ['Decrypt'] }, false],
    [{ StringNotEquals: { 'kms:GrantOperations': 'Encrypt' } }, { 'kms:GrantOperations': ['Decrypt'] }, false],
    [
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } },
      { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-33333333/'] },
      true,
    ],
  ])('%j with %j: %s', (condition, context, expected) => {
    expect(holds(condition, context)).toBe(expected);
  });
});

describe('policy variables', () => {
  it('${aws:PrincipalAccount} pairs each caller with its own service-linked role (keyshare organization statement)', () => {
    const keyPolicy = rolloutKeyPolicy(rollout(ORG_YAML));
    const caller = `arn:aws:sts::${OTHER}:assumed-role/deploy/terraform`;
    const request = (grantee: string) => ({
      context: {
        'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
        'kms:GranteePrincipal': grantee,
        'kms:GrantOperations': ['Decrypt', 'CreateGrant'],
        'kms:GrantIsForAWSResource': false,
      },
    });
    const all = [doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })];
    const own = `arn:aws:iam::${OTHER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const foreign = `arn:aws:iam::${OWNER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    expect(decide({ keyPolicy, identityPolicies: all }, caller, 'kms:CreateGrant', request(own)).decision).toBe('Allowed');
    const denied = decide({ keyPolicy, identityPolicies: all }, caller, 'kms:CreateGrant', request(foreign));
    expect(denied.decision).toBe('ImplicitlyDenied');
    expect(denied.missing).toContain(
      'key policy statement AllowOrganizationAutoScalingGrants matches except condition kms:GranteePrincipal (StringEquals): expected one of [' +
        `arn:aws:iam::\${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling (here ${own}), ` +
        `arn:aws:iam::\${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web (here ${own}_web)], request has ${foreign}`,
    );
  });

  it('${aws:username} and ${aws:PrincipalArn} resolve from the caller', () => {
    expect(holds({ StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } }, { 'kms:EncryptionContext:owner': 'alice' })).toBe(true);
    expect(holds({ StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } }, { 'kms:EncryptionContext:owner': 'bob' })).toBe(false);
    expect(holds({ ArnEquals: { 'kms:GranteePrincipal': '${aws:PrincipalArn}' } }, { 'kms:GranteePrincipal': ALICE })).toBe(true);
  });

  it('a missing variable matches nothing unless it has a default; ${*} is a literal star', () => {
    const session = `arn:aws:sts::${OWNER}:assumed-role/Admin/s`;
    expect(holds({ StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } }, { 'kms:EncryptionContext:owner': '' }, session)).toBe(false);
    expect(
      holds({ StringEquals: { 'kms:EncryptionContext:owner': "${aws:username, 'nobody'}" } }, { 'kms:EncryptionContext:owner': 'nobody' }, session),
    ).toBe(true);
    expect(holds({ StringLike: { 'kms:EncryptionContext:owner': 'a${*}' } }, { 'kms:EncryptionContext:owner': 'a*' })).toBe(true);
    expect(holds({ StringLike: { 'kms:EncryptionContext:owner': 'a${*}' } }, { 'kms:EncryptionContext:owner': 'ab' })).toBe(false);
  });
});

describe('context keys derived from the request', () => {
  it('kms:EncryptionContext:<key> and kms:EncryptionContextKeys come from the encryption context', () => {
    const keyPolicy = doc({
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:EncryptionContext:Department': 'IT' },
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Purpose'] },
      },
    });
    const decrypt = (encryptionContext: Record<string, string>) => decide({ keyPolicy }, ALICE, 'kms:Decrypt', { encryptionContext }).decision;
    expect(decrypt({ Department: 'IT' })).toBe('Allowed');
    expect(decrypt({ Department: 'IT', Purpose: 'Test' })).toBe('Allowed');
    expect(decrypt({ Department: 'it' })).toBe('ImplicitlyDenied');
    expect(decrypt({ Department: 'IT', Customer: '1' })).toBe('ImplicitlyDenied');
  });

  it('kms:GrantConstraintType comes from the constraints of the grant being created', () => {
    const condition = { 'ForAnyValue:StringEquals': { 'kms:GrantConstraintType': 'EncryptionContextEquals' } };
    const keyPolicy = doc({ Effect: 'Allow', Principal: '*', Action: 'kms:CreateGrant', Resource: '*', Condition: condition });
    expect(decide({ keyPolicy }, ALICE, 'kms:CreateGrant', { grantConstraints: { EncryptionContextEquals: { a: 'b' } } }).decision).toBe('Allowed');
    expect(decide({ keyPolicy }, ALICE, 'kms:CreateGrant', { grantConstraints: { EncryptionContextSubset: { a: 'b' } } }).decision).toBe(
      'ImplicitlyDenied',
    );
    expect(decide({ keyPolicy }, ALICE, 'kms:CreateGrant').decision).toBe('ImplicitlyDenied');
  });

  it('policy variables are literal text in a 2008-10-17 policy', () => {
    const condition = { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } };
    const old = {
      Version: '2008-10-17' as const,
      Statement: [{ Effect: 'Allow' as const, Principal: '*' as const, Action: 'kms:Decrypt', Resource: '*', Condition: condition }],
    };
    expect(decide({ keyPolicy: old }, ALICE, 'kms:Decrypt', { encryptionContext: { owner: 'alice' } }).decision).toBe('ImplicitlyDenied');
    expect(decide({ keyPolicy: old }, ALICE, 'kms:Decrypt', { encryptionContext: { owner: '${aws:username}' } }).decision).toBe('Allowed');
  });
});

describe('context keys derived from the caller', () => {
  it('kms:CallerAccount, aws:PrincipalAccount and aws:PrincipalArn come from the principal when absent', () => {
    const carol = `arn:aws:iam::${OTHER}:user/carol`;
    const keyPolicy = doc({
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': OTHER, 'aws:PrincipalAccount': OTHER, 'aws:PrincipalArn': carol } },
    });
    const all = [doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })];
    expect(decide({ keyPolicy, identityPolicies: all }, carol, 'kms:Decrypt').decision).toBe('Allowed');
    expect(decide({ keyPolicy, identityPolicies: all }, `arn:aws:iam::${OTHER}:user/dave`, 'kms:Decrypt').decision).toBe('ImplicitlyDenied');
  });
});
