import { parseRollout } from '../../src/config';
import { InputError, show } from '../../src/errors';

/**
 * Every class of bad input, one row each: a config that is valid except for one change goes in,
 * and the InputError must name that field, show that value and give the fix, on one line.
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

/** JSON is YAML, so a changed config goes in as JSON text; YAML-only mistakes go in as text. */
function failure(input: Input): InputError {
  let text = input;
  if (typeof input === 'function') {
    const config = valid();
    input(config);
    text = JSON.stringify(config);
  }
  try {
    parseRollout(text as string, 'bad.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('the config was accepted');
}

type Input = ((c: Config) => void) | string;

interface Case {
  /** One change to the valid config, or a whole YAML text. */
  readonly input: Input;
  /** The field the message names; a pattern where YAML's own position may vary. */
  readonly field: string | RegExp;
  /** The value the message shows; checked whenever `field` is exact. */
  readonly value?: unknown;
  readonly fix?: RegExp;
  readonly problem?: RegExp;
}

const YAML_HEAD = `owner: { account: "${OWNER}", region: us-west-2 }\nkey: { alias: golden-ami }\namis: [ { id: ami-0a1b2c3d4e5f60718 } ]\n`;
const SESSION = `arn:aws:sts::${OWNER}:assumed-role/deploy/session`;
const LONG_SUFFIX = 'a'.repeat(65);
const LONG_ALIAS = 'a'.repeat(251);
const LONG_DESCRIPTION = 'd'.repeat(8193);

const CASES: Record<string, Record<string, Case>> = {
  'account IDs': {
    'a string that is not 12 digits': {
      input: (c) => (c.consumers[1].account = '12345'),
      field: 'consumers[1].account',
      value: '12345',
      fix: /12-digit/,
    },
    'a YAML number that lost its leading zeros says to quote the ID': {
      input: `${YAML_HEAD}consumers:\n  - { account: ${OWNER} }\n  - { account: 044445555666 }\n`,
      field: 'consumers[1].account',
      value: 44445555666,
      fix: /in quotes/,
      problem: /leading zeros/,
    },
    'a number with more than 12 digits': {
      input: (c) => (c.owner.account = 1111222233334),
      field: 'owner.account',
      value: 1111222233334,
      fix: /12-digit/,
    },
    'neither a string nor a number': {
      input: (c) => (c.consumers[0].account = true),
      field: 'consumers[0].account',
      value: true,
      fix: /string or a number/,
    },
  },
  regions: {
    'not a region code': { input: (c) => (c.owner.region = 'US West (Oregon)'), field: 'owner.region', value: 'US West (Oregon)', fix: /us-west-2/ },
    'a partition keyshare does not write ARNs for': {
      input: (c) => (c.backend.s3.region = 'us-iso-east-1'),
      field: 'backend.s3.region',
      value: 'us-iso-east-1',
      fix: /partition/,
    },
    'an AMI in another region than the key: copy it, or one rollout per region': {
      input: (c) => (c.amis[0].region = 'eu-west-1'),
      field: 'amis[0].region',
      value: 'eu-west-1',
      fix: /aws ec2 copy-image .*--encrypted --kms-key-id <a key in us-west-2>.*one keyshare rollout per region/,
    },
    'a consumer in another region than the key': {
      input: (c) => (c.consumers[1].region = 'eu-central-1'),
      field: 'consumers[1].region',
      value: 'eu-central-1',
      fix: /copy-image.*rollout per region/,
    },
  },
  'AMIs and snapshots': {
    'a malformed AMI ID': { input: (c) => (c.amis[0].id = 'ami-12345'), field: 'amis[0].id', value: 'ami-12345', fix: /8 or 17 lowercase hex/ },
    'a malformed snapshot ID': {
      input: (c) => (c.amis[0].snapshotIds = ['snap-0123456789ABCDEF0']),
      field: 'amis[0].snapshotIds[0]',
      value: 'snap-0123456789ABCDEF0',
      fix: /8 or 17 lowercase hex/,
    },
    'a duplicate AMI': {
      input: (c) => c.amis.push({ id: 'ami-0a1b2c3d4e5f60718' }),
      field: 'amis[1].id',
      value: 'ami-0a1b2c3d4e5f60718',
      fix: /each AMI once/,
    },
    'a snapshot listed twice': {
      input: (c) => c.amis.push({ id: 'ami-12345678', snapshotIds: ['snap-0123456789abcdef0'] }),
      field: 'amis[1].snapshotIds[0]',
      value: 'snap-0123456789abcdef0',
      fix: /each snapshot once/,
    },
    'no AMI at all': { input: (c) => (c.amis = []), field: 'amis', value: [], fix: /at least one AMI/ },
  },
  consumers: {
    'no consumer at all': { input: (c) => (c.consumers = []), field: 'consumers', value: [], fix: /at least one consumer/ },
    'a list left empty in YAML is null, not a list': { input: `${YAML_HEAD}consumers:\n`, field: 'consumers', value: null, fix: /a list/ },
    'a duplicate consumer account': {
      input: (c) => c.consumers.push({ account: CONSUMER }),
      field: 'consumers[2].account',
      value: CONSUMER,
      fix: /each consumer account once/,
    },
    'a consumer deploy role in another account': {
      input: (c) => (c.consumers[0].deployRoleArn = `arn:aws:iam::${OWNER}:role/deploy`),
      field: 'consumers[0].deployRoleArn',
      value: `arn:aws:iam::${OWNER}:role/deploy`,
      fix: new RegExp(`role of account ${CONSUMER}`),
    },
    'a service-linked role suffix with characters IAM refuses': {
      input: (c) => (c.consumers[1].serviceLinkedRoleSuffix = 'web app'),
      field: 'consumers[1].serviceLinkedRoleSuffix',
      value: 'web app',
      fix: /CustomSuffix/,
    },
    'a service-linked role suffix longer than 64 characters': {
      input: (c) => (c.consumers[1].serviceLinkedRoleSuffix = LONG_SUFFIX),
      field: 'consumers[1].serviceLinkedRoleSuffix',
      value: LONG_SUFFIX,
      fix: /at most 64/,
    },
    'a role ARN where attachPolicyToRoles wants a role name': {
      input: (c) => (c.consumers[0].attachPolicyToRoles = [`arn:aws:iam::${CONSUMER}:role/launcher`]),
      field: 'consumers[0].attachPolicyToRoles[0]',
      value: `arn:aws:iam::${CONSUMER}:role/launcher`,
      fix: /only the role name/,
    },
    'a role name IAM would refuse': {
      input: (c) => (c.consumers[0].attachPolicyToRoles = ['my role']),
      field: 'consumers[0].attachPolicyToRoles[0]',
      value: 'my role',
      fix: /1 to 64/,
    },
    'a role listed twice in attachPolicyToRoles': {
      input: (c) => c.consumers[0].attachPolicyToRoles.push('launcher'),
      field: 'consumers[0].attachPolicyToRoles[1]',
      value: 'launcher',
      fix: /each role once/,
    },
    'createServiceLinkedRole that is not a boolean': {
      input: (c) => (c.consumers[1].createServiceLinkedRole = 'yes'),
      field: 'consumers[1].createServiceLinkedRole',
      value: 'yes',
      fix: /true or false/,
    },
  },
  'IAM ARNs': {
    'an assumed-role session ARN where a role ARN is needed': {
      input: (c) => (c.owner.deployRoleArn = SESSION),
      field: 'owner.deployRoleArn',
      value: SESSION,
      fix: /:role\/<name>/,
    },
    'a role ARN in another partition than the owner region': {
      input: (c) => (c.owner.deployRoleArn = `arn:aws-cn:iam::${OWNER}:role/deploy`),
      field: 'owner.deployRoleArn',
      value: `arn:aws-cn:iam::${OWNER}:role/deploy`,
      fix: /arn:aws:/,
    },
    'an owner deploy role in another account': {
      input: (c) => (c.owner.deployRoleArn = `arn:aws:iam::${CONSUMER}:role/deploy`),
      field: 'owner.deployRoleArn',
      value: `arn:aws:iam::${CONSUMER}:role/deploy`,
      fix: new RegExp(`role of account ${OWNER}`),
    },
    'a state role in another partition than the state bucket': {
      input: (c) => (c.backend.s3.roleArn = `arn:aws-us-gov:iam::${OWNER}:role/state`),
      field: 'backend.s3.roleArn',
      value: `arn:aws-us-gov:iam::${OWNER}:role/state`,
      fix: /arn:aws:iam/,
    },
  },
  key: {
    'an administrator outside the owner account: only the owner administers': {
      input: (c) => (c.key.administrators = [`arn:aws:iam::${CONSUMER}:role/admin`]),
      field: 'key.administrators[0]',
      value: `arn:aws:iam::${CONSUMER}:role/admin`,
      fix: /only the owner account administers/,
    },
    'an administrator given as an assumed-role session ARN': {
      input: (c) => (c.key.administrators = [`arn:aws:sts::${OWNER}:assumed-role/key-admin/alice`]),
      field: 'key.administrators[0]',
      value: `arn:aws:sts::${OWNER}:assumed-role/key-admin/alice`,
      fix: /:user\/<name>, not the assumed-role ARN/,
    },
    'an administrator listed twice': {
      input: (c) => c.key.administrators.push(c.key.administrators[0]),
      field: 'key.administrators[1]',
      value: `arn:aws:iam::${OWNER}:role/key-admin`,
      fix: /once/,
    },
    'an aws/ alias names an AWS-managed key, which cannot be shared': {
      input: (c) => (c.key.alias = 'aws/ebs'),
      field: 'key.alias',
      value: 'aws/ebs',
      // key.arn was not given: the fix does not tell to leave it out.
      fix: /^choose your own alias such as golden-ami: (?!.*key\.arn).*cannot be shared with other accounts.*customer-managed key/,
    },
    'alias/aws/... is the same AWS-managed alias': {
      input: (c) => (c.key.alias = 'alias/aws/ebs'),
      field: 'key.alias',
      value: 'alias/aws/ebs',
      fix: /customer-managed key/,
    },
    'an alias with characters KMS refuses': {
      input: (c) => (c.key.alias = 'golden ami'),
      field: 'key.alias',
      value: 'golden ami',
      fix: /letters, digits, \/, _ and -/,
    },
    'an alias longer than 256 characters with its prefix': {
      input: (c) => (c.key.alias = LONG_ALIAS),
      field: 'key.alias',
      value: LONG_ALIAS,
      fix: /256 characters/,
    },
    'a deletion window below 7 days': { input: (c) => (c.key.deletionWindowDays = 5), field: 'key.deletionWindowDays', value: 5, fix: /7 to 30/ },
    'a deletion window above 30 days': { input: (c) => (c.key.deletionWindowDays = 31), field: 'key.deletionWindowDays', value: 31, fix: /7 to 30/ },
    'a deletion window of part of a day': {
      input: (c) => (c.key.deletionWindowDays = 7.5),
      field: 'key.deletionWindowDays',
      value: 7.5,
      fix: /whole number/,
    },
    'rotation written as YAML 1.1 yes, which YAML 1.2 reads as a string': {
      input: `owner: { account: "${OWNER}", region: us-west-2 }\nkey: { alias: golden-ami, rotation: yes }\namis: [ { id: ami-0a1b2c3d4e5f60718 } ]\nconsumers: [ { account: "${CONSUMER}" } ]\n`,
      field: 'key.rotation',
      value: 'yes',
      fix: /true or false/,
    },
    'a description longer than KMS allows': {
      input: (c) => (c.key.description = LONG_DESCRIPTION),
      field: 'key.description',
      value: LONG_DESCRIPTION,
      fix: /8192/,
    },
    'key.arn given as an alias ARN': {
      input: (c) => (c.key.arn = `arn:aws:kms:us-west-2:${OWNER}:alias/golden-ami`),
      field: 'key.arn',
      value: `arn:aws:kms:us-west-2:${OWNER}:alias/golden-ami`,
      fix: /describe-key/,
    },
    'key.arn of an AWS-managed key alias': {
      input: (c) => (c.key.arn = `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`),
      field: 'key.arn',
      value: `arn:aws:kms:us-west-2:${OWNER}:alias/aws/ebs`,
      fix: /customer-managed key's ARN, or leave key\.arn out/,
    },
    'key.arn that is not a key ARN': { input: (c) => (c.key.arn = 'golden-ami'), field: 'key.arn', value: 'golden-ami', fix: /key\/<key id>/ },
    'key.arn in another account': {
      input: (c) => (c.key.arn = `arn:aws:kms:us-west-2:${CONSUMER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
      field: 'key.arn',
      value: `arn:aws:kms:us-west-2:${CONSUMER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      fix: new RegExp(`key of account ${OWNER}`),
    },
    'key.arn in another region': {
      input: (c) => (c.key.arn = `arn:aws:kms:eu-west-1:${OWNER}:key/mrk-1234abcd12ab34cd56ef1234567890ab`),
      field: 'key.arn',
      value: `arn:aws:kms:eu-west-1:${OWNER}:key/mrk-1234abcd12ab34cd56ef1234567890ab`,
      fix: /key in owner.region/,
    },
  },
  organization: {
    'a malformed organization ID': {
      input: (c) => (c.organization.id = 'o-short'),
      field: 'organization.id',
      value: 'o-short',
      fix: /o- followed by 10 to 32/,
    },
    'a malformed organization ARN': {
      input: (c) => (c.organization.arn = `arn:aws:organizations::${OWNER}:ou/${ORG}/ou-ab12-11111111`),
      field: 'organization.arn',
      value: `arn:aws:organizations::${OWNER}:ou/${ORG}/ou-ab12-11111111`,
      fix: /describe-organization/,
    },
    'an organization ARN of another organization than the ID': {
      input: (c) => (c.organization.arn = `arn:aws:organizations::${OWNER}:organization/o-zzzzzzzzzz`),
      field: 'organization.arn',
      value: `arn:aws:organizations::${OWNER}:organization/o-zzzzzzzzzz`,
      fix: /same `aws organizations describe-organization`/,
    },
    'an organization ARN in another partition': {
      input: (c) => (c.organization.arn = `arn:aws-cn:organizations::${OWNER}:organization/${ORG}`),
      field: 'organization.arn',
      value: `arn:aws-cn:organizations::${OWNER}:organization/${ORG}`,
      fix: /arn:aws:organizations/,
    },
    'an OU path that is not an organization path': {
      input: (c) => (c.organization.ouPaths = ['ou-ab12-11111111']),
      field: 'organization.ouPaths[0]',
      value: 'ou-ab12-11111111',
      fix: /<org id>\/<root id>/,
    },
    'an OU path of another organization': {
      input: (c) => (c.organization.ouPaths = ['o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/']),
      field: 'organization.ouPaths[0]',
      value: 'o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/',
      fix: /aws:PrincipalOrgPaths/,
    },
  },
  'S3 backend': {
    ...Object.fromEntries(
      (
        [
          ['Keyshare-State', /3 to 63 lowercase/],
          ['192.168.1.10', /IP address/],
          ['keyshare..state', /adjacent periods/],
          ['xn--keyshare', /reserves/],
          ['keyshare-s3alias', /reserves/],
        ] as const
      ).map(([bucket, problem]): [string, Case] => [
        `bucket ${bucket} breaks an S3 naming rule`,
        { input: (c) => (c.backend.s3.bucket = bucket), field: 'backend.s3.bucket', value: bucket, fix: /bucketnamingrules/, problem },
      ]),
    ),
    'a key prefix with a leading slash': {
      input: (c) => (c.backend.s3.keyPrefix = '/keyshare'),
      field: 'backend.s3.keyPrefix',
      value: '/keyshare',
      fix: /without a leading \//,
    },
    'a backend without s3': { input: (c) => (c.backend = {}), field: 'backend.s3', value: undefined, fix: /backend.s3/ },
  },
  structure: {
    'a misspelt top-level field is refused, naming the known ones': {
      input: (c) => {
        c.consumer = c.consumers;
        delete c.consumers;
      },
      field: 'consumer',
      value: 'consumer',
      fix: /owner, key, amis, consumers, organization, backend/,
    },
    'a misspelt nested field is refused, naming the fields of that object': {
      input: (c) => (c.consumers[1].serviceLinkedRoleSufix = 'web'),
      field: 'consumers[1].serviceLinkedRoleSufix',
      value: 'serviceLinkedRoleSufix',
      fix: /account, deployRoleArn, serviceLinkedRoleSuffix/,
    },
    'a missing required field': { input: (c) => delete c.owner.region, field: 'owner.region', value: undefined, fix: /region of the key/ },
    'a list where a mapping belongs': { input: (c) => (c.owner = [OWNER]), field: 'owner', value: [OWNER], fix: /a mapping of fields/ },
    'an empty document': { input: '# nothing yet\n', field: 'bad.yaml', value: null, fix: /owner, key, amis and consumers/ },
    'a document that is not a mapping': { input: '- owner\n- key\n', field: 'bad.yaml', value: ['owner', 'key'], fix: /examples\/keyshare.yaml/ },
  },
  'YAML syntax': {
    'a syntax error names the line and column': {
      input: `owner:\n  account: "${OWNER}"\n region: us-west-2\nkey: { alias: golden-ami }\n`,
      field: 'bad.yaml:3:2',
      value: 'region: us-west-2',
      fix: /indent with spaces/,
      problem: /^YAML syntax error at line 3, column 2: bad indentation of a mapping entry/,
    },
    'an unclosed flow list is reported where YAML notices it': {
      input: `owner: { account: "${OWNER}", region: us-west-2 }\nkey: { alias: [golden-ami }\namis: []\n`,
      field: /^bad\.yaml:[23]:\d+$/,
    },
    'a duplicate key is an error at its line': {
      input: `owner:\n  account: "${OWNER}"\n  account: "${CONSUMER}"\n`,
      field: 'bad.yaml:3:3',
      value: `account: "${CONSUMER}"`,
      fix: /each field once/,
      problem: /duplicated mapping key/,
    },
    'a second YAML document in the same file': {
      input: `owner: { account: "${OWNER}" }\n---\nowner: { account: "${CONSUMER}" }\n`,
      field: 'bad.yaml',
      value: '2 documents',
      fix: /one config per file/,
    },
    'an alias inside its own anchor, which would make a cycle': {
      input: 'owner: &loop [ *loop ]\n',
      field: 'bad.yaml',
      value: 'YAML aliases (*name)',
      fix: /write the repeated values out/,
    },
    // 9^12 values if walked: refused by counting before anything walks the data.
    'aliases of aliases twelve levels deep': {
      input: `l0: &l0 [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`).join('\n')}\n`,
      field: 'bad.yaml',
      value: 'YAML aliases (*name)',
      fix: /write the repeated values out/,
      problem: /expand to more than \d+ values/,
    },
    'a mapping key written as a hexadecimal number': {
      input: `owner: { account: "${OWNER}", region: us-west-2 }\n0x1A: 1\n`,
      field: 'bad.yaml:2:1',
      value: '0x1A: 1',
      fix: /plain word/,
      problem: /a mapping key is a list, a mapping, or a number written in hexadecimal/,
    },
    'tabs used for indentation': { input: `owner:\n\taccount: "${OWNER}"\n`, field: /^bad\.yaml:2:\d+$/, fix: /spaces/ },
  },
};

test('the unchanged base config is valid, so each case below fails for its one change', () => {
  expect(parseRollout(JSON.stringify(valid()), 'ok.yaml').consumers).toHaveLength(2);
});

describe.each(Object.entries(CASES))('%s', (_, cases) => {
  test.each(Object.entries(cases))('%s', (__, { input, field, value, fix, problem }) => {
    const err = failure(input);
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain(`Fix: ${err.fix}`);
    if (typeof field === 'string') {
      expect(err.field).toBe(field);
      expect(err.value).toEqual(value);
      expect(err.message.startsWith(`${field}: `)).toBe(true);
      expect(err.message).toContain(`(got ${show(value)})`);
    } else {
      expect(err.field).toMatch(field);
    }
    if (fix) expect(err.fix).toMatch(fix);
    if (problem) expect(err.problem).toMatch(problem);
  });
});

test('the first problem in config order is the one reported, every time', () => {
  const change = (c: Config) => {
    c.consumers[0].account = '1';
    c.consumers[1].account = '2';
  };
  const messages = [failure(change).message, failure(change).message];
  expect(messages[0]).toBe(messages[1]);
  expect(messages[0].startsWith('consumers[0].account: ')).toBe(true);
});
