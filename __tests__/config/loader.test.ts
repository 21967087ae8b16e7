import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRollout, parseRollout } from '../../src/config';
import { InputError } from '../../src/errors';
import { tempDir } from '../support/temp';

const OWNER = '111122223333';
const MINIMAL = `
owner: { account: "${OWNER}", region: us-west-2 }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718 } ]
consumers: [ { account: "444455556666" } ]
`;

describe('defaults', () => {
  const r = parseRollout(MINIMAL, 'minimal.yaml');

  test('the key has no extra administrators; rotation, deletion window and description are left to KeyOwner', () => {
    // KeyOwner alone defines those defaults (src/model/key-defaults.ts); the owner stack test sees them applied.
    expect(r.key).toEqual({ alias: 'golden-ami', administrators: [] });
  });

  test('a consumer creates no service-linked role and attaches no policy unless asked', () => {
    expect(r.consumers).toEqual([{ account: '444455556666', createServiceLinkedRole: false, attachPolicyToRoles: [], sameAccount: false }]);
  });

  test('an AMI without snapshotIds shares no snapshot; no organization, local state', () => {
    expect(r.amis).toEqual([{ id: 'ami-0a1b2c3d4e5f60718', snapshotIds: [] }]);
    expect(r).not.toHaveProperty('organization');
    expect(r).not.toHaveProperty('backend');
  });

  test('the S3 backend key prefix defaults to keyshare', () => {
    const withBackend = parseRollout(`${MINIMAL}backend: { s3: { bucket: state-bucket, region: us-east-1 } }\n`, 'b.yaml');
    expect(withBackend.backend).toEqual({ s3: { bucket: 'state-bucket', region: 'us-east-1', keyPrefix: 'keyshare' } });
  });

  test('explicit values win over defaults', () => {
    const explicit = parseRollout(
      MINIMAL.replace('{ alias: golden-ami }', '{ alias: golden-ami, description: Golden, rotation: false, deletionWindowDays: 7 }').replace(
        '{ account: "444455556666" }',
        '{ account: "444455556666", createServiceLinkedRole: true, attachPolicyToRoles: [launcher] }',
      ),
      'explicit.yaml',
    );
    expect(explicit.key).toMatchObject({ description: 'Golden', rotation: false, deletionWindowDays: 7 });
    expect(explicit.consumers[0]).toMatchObject({ createServiceLinkedRole: true, attachPolicyToRoles: ['launcher'] });
  });
});

describe('normalization', () => {
  test('consumers are sorted by account and only the owner account is the same-account consumer', () => {
    const r = parseRollout(
      MINIMAL.replace(
        'consumers: [ { account: "444455556666" } ]',
        `consumers: [ { account: "777788889999" }, { account: "${OWNER}" }, { account: "444455556666" } ]`,
      ),
      'order.yaml',
    );
    expect(r.consumers.map((c) => [c.account, c.sameAccount])).toEqual([
      [OWNER, true],
      ['444455556666', false],
      ['777788889999', false],
    ]);
  });

  test('the same rollout comes out whatever the consumer order in the file', () => {
    const a = `consumers: [ { account: "777788889999", serviceLinkedRoleSuffix: web }, { account: "444455556666" } ]`;
    const b = `consumers: [ { account: "444455556666" }, { account: "777788889999", serviceLinkedRoleSuffix: web } ]`;
    const base = MINIMAL.replace('consumers: [ { account: "444455556666" } ]', '');
    expect(JSON.stringify(parseRollout(base + a, 'a.yaml'))).toBe(JSON.stringify(parseRollout(base + b, 'b.yaml')));
  });

  test('the alias loses its alias/ prefix', () => {
    expect(parseRollout(MINIMAL.replace('alias: golden-ami', 'alias: alias/golden-ami'), 'a.yaml').key.alias).toBe('golden-ami');
  });

  test('account IDs written as YAML numbers become 12-digit strings', () => {
    const r = parseRollout(MINIMAL.replace(`"${OWNER}"`, OWNER).replace('"444455556666"', '444455556666'), 'n.yaml');
    expect(r.owner.account).toBe(OWNER);
    expect(r.consumers[0].account).toBe('444455556666');
  });

  test('OU paths end in exactly one /, however they were written', () => {
    const org = 'o-a1b2c3d4e5';
    const r = parseRollout(
      `${MINIMAL}organization:
  id: ${org}
  arn: arn:aws:organizations::${OWNER}:organization/${org}
  ouPaths: [ ${org}/r-ab12/ou-ab12-11111111, ${org}/r-ab12/ou-ab12-22222222/, "${org}/r-ab12/ou-ab12-33333333/*", ${org}/r-ab12 ]
`,
      'org.yaml',
    );
    expect(r.organization).toEqual({
      id: org,
      arn: `arn:aws:organizations::${OWNER}:organization/${org}`,
      ouPaths: [`${org}/r-ab12/ou-ab12-11111111/`, `${org}/r-ab12/ou-ab12-22222222/`, `${org}/r-ab12/ou-ab12-33333333/`, `${org}/r-ab12/`],
      grantee: 'own-account',
    });
  });

  test('key administrators may be roles and users of the owner account, under paths, or the account itself', () => {
    const admins = [
      `arn:aws:iam::${OWNER}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`,
      `arn:aws:iam::${OWNER}:user/alice`,
      `arn:aws:iam::${OWNER}:root`,
    ];
    const r = parseRollout(
      MINIMAL.replace('{ alias: golden-ami }', `{ alias: golden-ami, administrators: ${JSON.stringify(admins)} }`),
      'admins.yaml',
    );
    expect(r.key.administrators).toEqual(admins);
  });

  test('the S3 key prefix loses a trailing /', () => {
    const r = parseRollout(`${MINIMAL}backend: { s3: { bucket: state-bucket, region: us-west-2, keyPrefix: team/keyshare/ } }\n`, 'b.yaml');
    expect(r.backend?.s3.keyPrefix).toBe('team/keyshare');
  });

  test.each([
    ['us-west-2', 'aws'],
    ['eu-central-1', 'aws'],
    ['ap-southeast-4', 'aws'],
    ['ap-northeast-3', 'aws'],
    ['il-central-1', 'aws'],
    ['ca-west-1', 'aws'],
    ['mx-central-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
  ])('region %s is accepted, in partition %s, and ARNs must be of that partition', (region, partition) => {
    const config = `
owner: { account: "${OWNER}", region: ${region}, deployRoleArn: "arn:${partition}:iam::${OWNER}:role/deploy" }
key: { alias: golden-ami, arn: "arn:${partition}:kms:${region}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
amis: [ { id: ami-0a1b2c3d4e5f60718, region: ${region} } ]
consumers: [ { account: "444455556666", region: ${region} } ]
`;
    const r = parseRollout(config, 'region.yaml');
    expect(r.partition).toBe(partition);
    expect(r.owner.region).toBe(region);
  });
});

describe('input forms', () => {
  let dir: string;
  beforeAll(() => (dir = tempDir('keyshare-config-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const asJson = {
    $schema: '../schema/keyshare.schema.json',
    owner: { account: OWNER, region: 'us-west-2' },
    key: { alias: 'golden-ami' },
    amis: [{ id: 'ami-0a1b2c3d4e5f60718' }],
    consumers: [{ account: '444455556666' }],
  };

  test('JSON text gives the same rollout as the equivalent YAML, $schema and all', () => {
    expect(parseRollout(JSON.stringify(asJson, null, 2), 'c.json')).toEqual(parseRollout(MINIMAL, 'c.yaml'));
  });

  test('the file name decides nothing: JSON in .yaml and YAML in .json both load', () => {
    const jsonInYaml = join(dir, 'json.yaml');
    const yamlInJson = join(dir, 'yaml.json');
    writeFileSync(jsonInYaml, JSON.stringify(asJson));
    writeFileSync(yamlInJson, MINIMAL);
    expect(loadRollout(jsonInYaml)).toEqual(loadRollout(yamlInJson));
  });

  test('YAML merge keys let consumers share settings', () => {
    const r = parseRollout(
      `owner: { account: "${OWNER}", region: us-west-2 }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718 } ]
consumers:
  - &common { account: "444455556666", attachPolicyToRoles: [launcher], createServiceLinkedRole: true }
  - { <<: *common, account: "777788889999" }
`,
      'merge.yaml',
    );
    expect(r.consumers[1]).toEqual({
      account: '777788889999',
      attachPolicyToRoles: ['launcher'],
      createServiceLinkedRole: true,
      sameAccount: false,
    });
  });

  test('a missing file is bad input naming the path', () => {
    const missing = join(dir, 'nope.yaml');
    expect(() => loadRollout(missing)).toThrow(InputError);
    expect(() => loadRollout(missing)).toThrow(`--config: file not found (got ${JSON.stringify(missing)}). Fix:`);
  });

  test('a directory is bad input too', () => {
    expect(() => loadRollout(dir)).toThrow('is a directory');
  });

  test('messages name the file for file-level problems', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'owner: {\n');
    expect(() => loadRollout(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: YAML syntax error at line 2`));
  });
});

describe('the shipped examples', () => {
  test('examples/keyshare.yaml: the owner, a golden-ami key, one AMI with two snapshots, three consumers', () => {
    const r = loadRollout(join(__dirname, '..', '..', 'examples', 'keyshare.yaml'));
    expect(r.owner).toEqual({
      account: OWNER,
      region: 'us-west-2',
      deployRoleArn: expect.stringMatching(new RegExp(`^arn:aws:iam::${OWNER}:role/`)),
    });
    expect(r.key.alias).toBe('golden-ami');
    expect(r.key.administrators).toEqual([expect.stringMatching(new RegExp(`^arn:aws:iam::${OWNER}:role/`))]);
    expect(r.amis).toHaveLength(1);
    expect(r.amis[0].snapshotIds).toHaveLength(2);
    expect(r.consumers.map((c) => c.account)).toEqual([OWNER, '444455556666', '777788889999']);
    const [self, a, b] = r.consumers;
    expect(self.sameAccount).toBe(true);
    expect(a).toMatchObject({ deployRoleArn: expect.stringContaining(':444455556666:'), attachPolicyToRoles: [expect.any(String)] });
    expect(b).toMatchObject({ serviceLinkedRoleSuffix: 'web', createServiceLinkedRole: true });
    expect(r.organization).toBeUndefined();
    expect(r.backend).toBeUndefined();
  });

  test('the organization and backend blocks commented out in examples/keyshare.yaml are valid once uncommented', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'keyshare.yaml'), 'utf8');
    const uncommented = text.replace(/^# (?=organization:|backend:| {2,}\S)/gm, '');
    expect(uncommented).not.toBe(text);
    const r = parseRollout(uncommented, 'uncommented.yaml');
    expect(r.organization?.ouPaths).toHaveLength(1);
    expect(r.backend?.s3.bucket).toBeDefined();
  });

  test('examples/keyshare-org.yaml: organization mode with OU paths', () => {
    const r = loadRollout(join(__dirname, '..', '..', 'examples', 'keyshare-org.yaml'));
    expect(r.organization?.ouPaths.length).toBeGreaterThan(0);
    for (const path of r.organization?.ouPaths ?? []) expect(path.startsWith(`${r.organization?.id}/`) && path.endsWith('/')).toBe(true);
  });
});
