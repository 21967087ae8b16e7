import { arnPartitionField, iamIdentityOf, KEY_ARN, KMS_ARN, organizationalUnitArn, organizationalUnitIdOf, splitArn } from '../../src/policy/arns';

describe('organizationalUnitIdOf', () => {
  test.each([
    ['arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-11111111', 'ou-ab12-11111111'],
    ['arn:aws-cn:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-22222222', 'ou-ab12-22222222'],
    ['arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5', undefined],
    ['not an arn', undefined],
  ])('%s → %s', (arn, id) => {
    expect(organizationalUnitIdOf(arn)).toBe(id);
  });

  test('reads back the OU that organizationalUnitArn built from a path', () => {
    const org = 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5';
    const arn = organizationalUnitArn(org, 'o-a1b2c3d4e5', 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-33333333/');
    expect(organizationalUnitIdOf(arn!)).toBe('ou-ab12-33333333');
  });
});

describe('iamIdentityOf: the role or user whose policy a principal carries, name in its own case', () => {
  test.each([
    ['arn:aws:iam::111122223333:role/Deploy', { kind: 'role', name: 'Deploy' }],
    ['arn:aws:iam::111122223333:role/teams/ci/Deploy', { kind: 'role', name: 'Deploy' }],
    ['arn:aws:sts::111122223333:assumed-role/Deploy/terraform', { kind: 'role', name: 'Deploy' }],
    ['arn:aws-cn:iam::111122223333:user/ops/Alice', { kind: 'user', name: 'Alice' }],
    ['arn:aws:iam::111122223333:root', undefined],
    ['arn:aws:sts::111122223333:federated-user/Bob', undefined],
    ['111122223333', undefined],
  ])('%s', (arn, identity) => {
    expect(iamIdentityOf(arn)).toEqual(identity);
  });
});

describe('splitArn: the six fields of the ARN format, wildcards and all', () => {
  test.each([
    ['arn:aws:iam::111122223333:role/deploy', ['arn', 'aws', 'iam', '', '111122223333', 'role/deploy']],
    ['arn:aws:iam::*:role/*', ['arn', 'aws', 'iam', '', '*', 'role/*']],
    ['arn:aws:logs:us-east-1:111122223333:log-group:name:*', ['arn', 'aws', 'logs', 'us-east-1', '111122223333', 'log-group:name:*']],
    ['arn:aws:iam::111122223333', undefined],
    ['urn:aws:iam::111122223333:root', undefined],
  ])('%s', (arn, parts) => {
    expect(splitArn(arn)).toEqual(parts);
  });
});

test('arnPartitionField reads partitions keyshare does not write too', () => {
  expect(arnPartitionField('arn:aws-iso:iam::111122223333:root')).toBe('aws-iso');
  expect(arnPartitionField('111122223333')).toBeUndefined();
});

describe('KEY_ARN is KMS_ARN narrowed to key ARNs with the key IDs KMS issues', () => {
  test.each([
    ['arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', true, true],
    ['arn:aws:kms:us-east-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab', true, true],
    ['arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias', true, false],
    ['arn:aws:kms:us-east-2:111122223333:key/not-a-key-id', true, false],
    ['arn:aws:kms:us-east-2:111122223333:key/', false, false],
  ])('%s', (arn, kms, key) => {
    expect([KMS_ARN.test(arn), KEY_ARN.test(arn)]).toEqual([kms, key]);
  });
});
