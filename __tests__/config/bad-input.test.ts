import { parseRollout } from '../../src/config';
import { InputError, show } from '../../src/errors';

/**
 * Every class of bad input, one test each. A config that is valid except for one change goes
 * in; the test asserts the InputError names that field, shows that value and gives the fix.
 */

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const ORG = 'o-a1b2c3d4e5';

type Config = Record<string, any>;

function valid(): Config {
  return {
    owner: { account: OWNER, region: 'us-west-2', deployRoleArn: `arn:aws:iam::${OWNER}:role/deploy` },
    key: { alias: 'golden-ami', administrators: [`arn:aws:iam::${OWNER}:role/key-admin`] },
    amis: [{ id: 'ami-0a1b2c3d4e5f60718', snapshotIds: ['snap-0123456789abcdef0'] }],
    consumers: [
      { account: CONSUMER, deployRoleArn: `arn:aws:iam::${CONSUMER}:role/deploy`, attachPolicyToRoles: ['launcher'] },
      { account: '777788889999', serviceLinkedRoleSuffix: 'web', createServiceLinkedRole: true },
    ],
    organization: { id: ORG, arn: `arn:aws:organizations::${OWNER}:organization/${ORG}`, ouPaths: [`${ORG}/r-ab12/ou-ab12-11111111/`] },
    backend: { s3: { bucket: 'keyshare-state', region: 'us-west-2', keyPrefix: 'keyshare', roleArn: `arn:aws:iam::${OWNER}:role/state` } },
  };
}

/** JSON is YAML, so the mutated object goes in as JSON text. */
function failure(text: string): InputError {
  try {
    parseRollout(text, 'bad.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('the config was accepted');
}

function failureOf(change: (c: Config) => void): InputError {
  const config = valid();
  change(config);
  return failure(JSON.stringify(config));
}

function expectError(err: InputError, field: string, value: unknown, fix: RegExp): void {
  expect(err.field).toBe(field);
  expect(err.value).toEqual(value);
  expect(err.message.startsWith(`${field}: `)).toBe(true);
  expect(err.message).toContain(`(got ${show(value)})`);
  expect(err.fix).toMatch(fix);
  expect(err.message).toContain(`Fix: ${err.fix}`);
  expect(err.message).not.toContain('\n');
}

test('the unchanged base config is valid, so each case below fails for its one change', () => {
  expect(parseRollout(JSON.stringify(valid()), 'ok.yaml').consumers).toHaveLength(2);
});

describe('account IDs', () => {
  test('a string that is not 12 digits', () => {
    expectError(
      failureOf((c) => (c.consumers[1].account = '12345')),
      'consumers[1].account',
      '12345',
      /12-digit/,
    );
  });
  test('a YAML number that lost its leading zeros says to quote the ID', () => {
    const flow = `owner: { account: "${OWNER}", region: us-west-2 }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718 } ]
consumers:
  - { account: ${OWNER} }
  - { account: 044445555666 }
`;
    const zeros = failure(flow);
    expectError(zeros, 'consumers[1].account', 44445555666, /in quotes/);
    expect(zeros.problem).toMatch(/leading zeros/);
  });
  test('a number with more than 12 digits', () => {
    expectError(
      failureOf((c) => (c.owner.account = 1111222233334)),
      'owner.account',
      1111222233334,
      /12-digit/,
    );
  });
  test('neither a string nor a number', () => {
    expectError(
      failureOf((c) => (c.consumers[0].account = true)),
      'consumers[0].account',
      true,
      /string or a number/,
    );
  });
});

describe('regions', () => {
  test('not a region code', () => {
    expectError(
      failureOf((c) => (c.owner.region = 'US West (Oregon)')),
      'owner.region',
      'US West (Oregon)',
      /us-west-2/,
    );
  });
  test('a partition keyshare does not write ARNs for', () => {
    expectError(
      failureOf((c) => (c.backend.s3.region = 'us-iso-east-1')),
      'backend.s3.region',
      'us-iso-east-1',
      /partition/,
    );
  });
  test('an AMI in another region than the key: copy it, or one rollout per region', () => {
    const err = failureOf((c) => (c.amis[0].region = 'eu-west-1'));
    expectError(err, 'amis[0].region', 'eu-west-1', /aws ec2 copy-image .*--encrypted --kms-key-id <a key in us-west-2>/);
    expect(err.fix).toMatch(/one keyshare rollout per region/);
  });
  test('a consumer in another region than the key', () => {
    expectError(
      failureOf((c) => (c.consumers[1].region = 'eu-central-1')),
      'consumers[1].region',
      'eu-central-1',
      /copy-image.*rollout per region/,
    );
  });
});

describe('AMIs and snapshots', () => {
  test('a malformed AMI ID', () => {
    expectError(
      failureOf((c) => (c.amis[0].id = 'ami-12345')),
      'amis[0].id',
      'ami-12345',
      /8 or 17 lowercase hex/,
    );
  });
  test('a malformed snapshot ID', () => {
    expectError(
      failureOf((c) => (c.amis[0].snapshotIds = ['snap-0123456789ABCDEF0'])),
      'amis[0].snapshotIds[0]',
      'snap-0123456789ABCDEF0',
      /8 or 17 lowercase hex/,
    );
  });
  test('a duplicate AMI', () => {
    expectError(
      failureOf((c) => c.amis.push({ id: 'ami-0a1b2c3d4e5f60718' })),
      'amis[1].id',
      'ami-0a1b2c3d4e5f60718',
      /each AMI once/,
    );
  });
  test('a snapshot listed twice', () => {
    expectError(
      failureOf((c) => c.amis.push({ id: 'ami-12345678', snapshotIds: ['snap-0123456789abcdef0'] })),
      'amis[1].snapshotIds[0]',
      'snap-0123456789abcdef0',
      /each snapshot once/,
    );
  });
  test('no AMI at all', () => {
    expectError(
      failureOf((c) => (c.amis = [])),
      'amis',
      [],
      /at least one AMI/,
    );
  });
});

describe('consumers', () => {
  test('no consumer at all', () => {
    expectError(
      failureOf((c) => (c.consumers = [])),
      'consumers',
      [],
      /at least one consumer/,
    );
  });
  test('a list left empty in YAML is null, not a list', () => {
    const err = failure(
      `owner: { account: "${OWNER}", region: us-west-2 }\nkey: { alias: golden-ami }\namis: [ { id: ami-0a1b2c3d4e5f60718 } ]\nconsumers:\n`,
    );
    expectError(err, 'consumers', null, /a list/);
  });
  test('a duplicate consumer account', () => {
    expectError(
      failureOf((c) => c.consumers.push({ account: CONSUMER })),
      'consumers[2].account',
      CONSUMER,
      /each consumer account once/,
    );
  });
  test('a consumer deploy role in another account', () => {
    const arn = `arn:aws:iam::${OWNER}:role/deploy`;
    expectError(
      failureOf((c) => (c.consumers[0].deployRoleArn = arn)),
      'consumers[0].deployRoleArn',
      arn,
      new RegExp(`role of account ${CONSUMER}`),
    );
  });
  test('a service-linked role suffix with characters IAM refuses', () => {
    expectError(
      failureOf((c) => (c.consumers[1].serviceLinkedRoleSuffix = 'web app')),
      'consumers[1].serviceLinkedRoleSuffix',
      'web app',
      /CustomSuffix/,
    );
  });
  test('a service-linked role suffix longer than 64 characters', () => {
    const long = 'a'.repeat(65);
    expectError(
      failureOf((c) => (c.consumers[1].serviceLinkedRoleSuffix = long)),
      'consumers[1].serviceLinkedRoleSuffix',
      long,
      /at most 64/,
    );
  });
  test('a role ARN where attachPolicyToRoles wants a role name', () => {
    const arn = `arn:aws:iam::${CONSUMER}:role/launcher`;
    expectError(
      failureOf((c) => (c.consumers[0].attachPolicyToRoles = [arn])),
      'consumers[0].attachPolicyToRoles[0]',
      arn,
      /only the role name/,
    );
  });
  test('a role name IAM would refuse', () => {
    expectError(
      failureOf((c) => (c.consumers[0].attachPolicyToRoles = ['my role'])),
      'consumers[0].attachPolicyToRoles[0]',
      'my role',
      /1 to 64/,
    );
  });
  test('a role listed twice in attachPolicyToRoles', () => {
    expectError(
      failureOf((c) => c.consumers[0].attachPolicyToRoles.push('launcher')),
      'consumers[0].attachPolicyToRoles[1]',
      'launcher',
      /each role once/,
    );
  });
  test('createServiceLinkedRole that is not a boolean', () => {
    expectError(
      failureOf((c) => (c.consumers[1].createServiceLinkedRole = 'yes')),
      'consumers[1].createServiceLinkedRole',
      'yes',
      /true or false/,
    );
  });
});

describe('IAM ARNs', () => {
  test('an assumed-role session ARN where a role ARN is needed', () => {
    const arn = `arn:aws:sts::${OWNER}:assumed-role/deploy/session`;
    expectError(
      failureOf((c) => (c.owner.deployRoleArn = arn)),
      'owner.deployRoleArn',
      arn,
      /:role\/<name>/,
    );
  });
  test('a role ARN in another partition than the owner region', () => {
    const arn = `arn:aws-cn:iam::${OWNER}:role/deploy`;
    expectError(
      failureOf((c) => (c.owner.deployRoleArn = arn)),
      'owner.deployRoleArn',
      arn,
      /arn:aws:/,
    );
  });
  test('an owner deploy role in another account', () => {
    const arn = `arn:aws:iam::${CONSUMER}:role/deploy`;
    expectError(
      failureOf((c) => (c.owner.deployRoleArn = arn)),
      'owner.deployRoleArn',
      arn,
      new RegExp(`role of account ${OWNER}`),
    );
  });
  test('a state role in another partition than the state bucket', () => {
    const arn = `arn:aws-us-gov:iam::${OWNER}:role/state`;
    expectError(
      failureOf((c) => (c.backend.s3.roleArn = arn)),
      'backend.s3.roleArn',
      arn,
      /arn:aws:iam/,
    );
  });
});

describe('key', () => {
  test('an administrator outside the owner account: only the owner administers', () => {
    const arn = `arn:aws:iam::${CONSUMER}:role/admin`;
    expectError(
      failureOf((c) => (c.key.administrators = [arn])),
      'key.administrators[0]',
      arn,
      /only the owner account administers/,
    );
  });
  test('an administrator given as an assumed-role session ARN', () => {
    const arn = `arn:aws:sts::${OWNER}:assumed-role/key-admin/alice`;
    expectError(
      failureOf((c) => (c.key.administrators = [arn])),
      'key.administrators[0]',
      arn,
      /:user\/<name>, not the assumed-role ARN/,
    );
  });
  test('an administrator listed twice', () => {
    expectError(
      failureOf((c) => c.key.administrators.push(c.key.administrators[0])),
      'key.administrators[1]',
      `arn:aws:iam::${OWNER}:role/key-admin`,
      /once/,
    );
  });
  test('an aws/ alias names an AWS-managed key, which cannot be shared', () => {
    const err = failureOf((c) => (c.key.alias = 'aws/ebs'));
    expectError(err, 'key.alias', 'aws/ebs', /cannot be shared with other accounts/);
    expect(err.fix).toMatch(/customer-managed key/);
  });
  test('alias/aws/... is the same AWS-managed alias', () => {
    expectError(
      failureOf((c) => (c.key.alias = 'alias/aws/ebs')),
      'key.alias',
      'alias/aws/ebs',
      /customer-managed key/,
    );
  });
  test('an alias with characters KMS refuses', () => {
    expectError(
      failureOf((c) => (c.key.alias = 'golden ami')),
      'key.alias',
      'golden ami',
      /letters, digits, \/, _ and -/,
    );
  });
  test('an alias longer than 256 characters with its prefix', () => {
    const long = 'a'.repeat(251);
    expectError(
      failureOf((c) => (c.key.alias = long)),
      'key.alias',
      long,
      /256 characters/,
    );
  });
  test('a deletion window KMS does not allow', () => {
    expectError(
      failureOf((c) => (c.key.deletionWindowDays = 5)),
      'key.deletionWindowDays',
      5,
      /7 to 30/,
    );
    expectError(
      failureOf((c) => (c.key.deletionWindowDays = 31)),
      'key.deletionWindowDays',
      31,
      /7 to 30/,
    );
    expectError(
      failureOf((c) => (c.key.deletionWindowDays = 7.5)),
      'key.deletionWindowDays',
      7.5,
      /whole number/,
    );
  });
  test('rotation written as YAML 1.1 yes, which YAML 1.2 reads as a string', () => {
    const err = failure(
      `owner: { account: "${OWNER}", region: us-west-2 }\nkey: { alias: golden-ami, rotation: yes }\namis: [ { id: ami-0a1b2c3d4e5f60718 } ]\nconsumers: [ { account: "${CONSUMER}" } ]\n`,
    );
    expectError(err, 'key.rotation', 'yes', /true or false/);
  });
  test('a description longer than KMS allows', () => {
    const long = 'd'.repeat(8193);
    expectError(
      failureOf((c) => (c.key.description = long)),
      'key.description',
      long,
      /8192/,
    );
  });
  test('key.arn given as an alias ARN', () => {
    const arn = `arn:aws:kms:us-west-2:${OWNER}:alias/golden-ami`;
    expectError(
      failureOf((c) => (c.key.arn = arn)),
      'key.arn',
      arn,
      /describe-key/,
    );
  });
  test('key.arn of an AWS-managed key alias', () => {
    const arn = `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`;
    expectError(
      failureOf((c) => (c.key.arn = arn)),
      'key.arn',
      arn,
      /customer-managed key/,
    );
  });
  test('key.arn that is not a key ARN', () => {
    expectError(
      failureOf((c) => (c.key.arn = 'golden-ami')),
      'key.arn',
      'golden-ami',
      /key\/<key id>/,
    );
  });
  test('key.arn in another account', () => {
    const arn = `arn:aws:kms:us-west-2:${CONSUMER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expectError(
      failureOf((c) => (c.key.arn = arn)),
      'key.arn',
      arn,
      new RegExp(`key of account ${OWNER}`),
    );
  });
  test('key.arn in another region', () => {
    const arn = `arn:aws:kms:eu-west-1:${OWNER}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
    expectError(
      failureOf((c) => (c.key.arn = arn)),
      'key.arn',
      arn,
      /key in owner.region/,
    );
  });
});

describe('organization', () => {
  test('a malformed organization ID', () => {
    expectError(
      failureOf((c) => (c.organization.id = 'o-short')),
      'organization.id',
      'o-short',
      /o- followed by 10 to 32/,
    );
  });
  test('a malformed organization ARN', () => {
    const arn = `arn:aws:organizations::${OWNER}:ou/${ORG}/ou-ab12-11111111`;
    expectError(
      failureOf((c) => (c.organization.arn = arn)),
      'organization.arn',
      arn,
      /describe-organization/,
    );
  });
  test('an organization ARN of another organization than the ID', () => {
    const arn = `arn:aws:organizations::${OWNER}:organization/o-zzzzzzzzzz`;
    expectError(
      failureOf((c) => (c.organization.arn = arn)),
      'organization.arn',
      arn,
      /same `aws organizations describe-organization`/,
    );
  });
  test('an organization ARN in another partition', () => {
    const arn = `arn:aws-cn:organizations::${OWNER}:organization/${ORG}`;
    expectError(
      failureOf((c) => (c.organization.arn = arn)),
      'organization.arn',
      arn,
      /arn:aws:organizations/,
    );
  });
  test('an OU path that is not an organization path', () => {
    expectError(
      failureOf((c) => (c.organization.ouPaths = ['ou-ab12-11111111'])),
      'organization.ouPaths[0]',
      'ou-ab12-11111111',
      /<org id>\/<root id>/,
    );
  });
  test('an OU path of another organization', () => {
    const path = 'o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/';
    expectError(
      failureOf((c) => (c.organization.ouPaths = [path])),
      'organization.ouPaths[0]',
      path,
      /aws:PrincipalOrgPaths/,
    );
  });
});

describe('S3 backend', () => {
  test.each([
    ['Keyshare-State', /3 to 63 lowercase/],
    ['192.168.1.10', /IP address/],
    ['keyshare..state', /adjacent periods/],
    ['xn--keyshare', /reserves/],
    ['keyshare-s3alias', /reserves/],
  ])('bucket %s breaks an S3 naming rule', (bucket, problem) => {
    const err = failureOf((c) => (c.backend.s3.bucket = bucket));
    expectError(err, 'backend.s3.bucket', bucket, /bucketnamingrules/);
    expect(err.problem).toMatch(problem);
  });
  test('a key prefix with a leading slash', () => {
    expectError(
      failureOf((c) => (c.backend.s3.keyPrefix = '/keyshare')),
      'backend.s3.keyPrefix',
      '/keyshare',
      /without a leading \//,
    );
  });
  test('a backend without s3', () => {
    expectError(
      failureOf((c) => (c.backend = {})),
      'backend.s3',
      undefined,
      /backend.s3/,
    );
  });
});

describe('structure', () => {
  test('a misspelt top-level field is refused, naming the known ones', () => {
    const err = failureOf((c) => {
      c.consumer = c.consumers;
      delete c.consumers;
    });
    expectError(err, 'consumer', 'consumer', /owner, key, amis, consumers, organization, backend/);
  });
  test('a misspelt nested field is refused, naming the fields of that object', () => {
    const err = failureOf((c) => (c.consumers[1].serviceLinkedRoleSufix = 'web'));
    expectError(err, 'consumers[1].serviceLinkedRoleSufix', 'serviceLinkedRoleSufix', /account, deployRoleArn, serviceLinkedRoleSuffix/);
  });
  test('a missing required field', () => {
    expectError(
      failureOf((c) => delete c.owner.region),
      'owner.region',
      undefined,
      /region of the key/,
    );
  });
  test('a list where a mapping belongs', () => {
    expectError(
      failureOf((c) => (c.owner = [OWNER])),
      'owner',
      [OWNER],
      /a mapping of fields/,
    );
  });
  test('an empty document', () => {
    expectError(failure('# nothing yet\n'), 'bad.yaml', null, /owner, key, amis and consumers/);
  });
  test('a document that is not a mapping', () => {
    expectError(failure('- owner\n- key\n'), 'bad.yaml', ['owner', 'key'], /examples\/keyshare.yaml/);
  });
});

describe('YAML syntax', () => {
  test('a syntax error names the line and column', () => {
    const err = failure(`owner:\n  account: "${OWNER}"\n region: us-west-2\nkey: { alias: golden-ami }\n`);
    expectError(err, 'bad.yaml:3:1', 'region: us-west-2', /indent with spaces/);
    expect(err.problem).toMatch(/^YAML syntax error at line 3, column 1: .*same column/);
  });
  test('an unclosed flow list is reported where YAML notices it', () => {
    const err = failure(`owner: { account: "${OWNER}", region: us-west-2 }\nkey: { alias: [golden-ami }\namis: []\n`);
    expect(err.field).toMatch(/^bad\.yaml:[23]:\d+$/);
  });
  test('a duplicate key is an error at its line', () => {
    const err = failure(`owner:\n  account: "${OWNER}"\n  account: "${CONSUMER}"\n`);
    expect(err.field).toBe('bad.yaml:3:3');
    expect(err.value).toBe(`account: "${CONSUMER}"`);
    expect(err.problem).toMatch(/unique/);
    expect(err.fix).toMatch(/each field once/);
  });
  test('a second YAML document in the same file', () => {
    const err = failure(`owner: { account: "${OWNER}" }\n---\nowner: { account: "${CONSUMER}" }\n`);
    expectError(err, 'bad.yaml:2:1', '---', /one config per file/);
  });
  test('an alias inside its own anchor, which would make a cycle', () => {
    expectError(failure('owner: &loop [ *loop ]\n'), 'bad.yaml', 'YAML aliases (*name)', /write the repeated values out/);
  });
  test('tabs used for indentation', () => {
    const err = failure(`owner:\n\taccount: "${OWNER}"\n`);
    expect(err.field).toMatch(/^bad\.yaml:2:\d+$/);
    expect(err.fix).toMatch(/spaces/);
  });
});

test('the first problem in config order is the one reported, every time', () => {
  const change = (c: Config) => {
    c.consumers[0].account = '1';
    c.consumers[1].account = '2';
  };
  const messages = [failureOf(change).message, failureOf(change).message];
  expect(messages[0]).toBe(messages[1]);
  expect(messages[0].startsWith('consumers[0].account: ')).toBe(true);
});
