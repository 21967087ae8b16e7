import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { load } from 'js-yaml';
import { generate, GenerateRequest } from '../../src/generate';
import { renderTerraformModules, terraformModules } from '../../src/terraform-modules';
import { keyPolicy } from '../../src/policy/key-policy';
import { OWNER, ORG_ARN, ORG_ID } from '../support/rollouts';
import { expectBadInput, keyshare, ROOT } from '../support/cli';
import { listing, tmp } from '../support/tree';
import { requireTerraform } from '../support/terraform';

/** The tests read the YAML they check as loosely typed data. */
const parseYaml = (text: string): any => load(text);

/**
 * `keyshare generate` end to end: the files it writes are what Terraform, GitHub Actions and
 * Atlantis read, so each is checked with a real reader of its format.
 */

const work = tmp('keyshare-generate-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const CONFIG = `
owner: { account: "${OWNER}", region: eu-central-1, deployRoleArn: "arn:aws:iam::${OWNER}:role/keyshare-deploy" }
key: { alias: golden-ami, administrators: ["arn:aws:iam::${OWNER}:role/kms-admin"], rotation: false }
amis: [ { id: ami-0a1b2c3d4e5f60718, snapshotIds: [snap-0123456789abcdef0] } ]
consumers:
  - { account: "300000000003", serviceLinkedRoleSuffix: web, createServiceLinkedRole: true, attachPolicyToRoles: [platform-deployer] }
  - { account: "${OWNER}" }
organization: { id: ${ORG_ID}, arn: "${ORG_ARN}", ouPaths: ["${ORG_ID}/r-ab12/ou-ab12-11111111/", "${ORG_ID}/r-ab12/ou-ab12-22222222/"], grantee: any-account }
backend: { s3: { bucket: keyshare-state, region: eu-central-1, keyPrefix: keyshare/eu, roleArn: "arn:aws:iam::${OWNER}:role/state" } }
consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/terraform-deploy"
generate: { canary: { accounts: ["300000000000", "300000000002", "300000000003", "300000000004"] }, keyshare: { package: "@acme/keyshare" } }
`;

function write(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

/** An inventory as `aws organizations list-accounts` prints it, some accounts not active. */
function inventory(count: number, states: Record<number, string> = {}): string {
  const ids = [OWNER, ...Array.from({ length: count }, (_, i) => String(300000000000 + i))];
  return JSON.stringify(
    {
      Accounts: ids.map((id, i) => ({
        Id: id,
        Arn: `arn:aws:organizations::${OWNER}:account/${ORG_ID}/${id}`,
        Email: `aws+${id}@example.com`,
        Name: i % 5 === 0 ? `team "${i}" | \${var.x}` : `team-${i}`,
        Status: states[i] === 'CLOSED' ? 'SUSPENDED' : (states[i] ?? 'ACTIVE'),
        State: states[i] ?? 'ACTIVE',
        Paths: [`${ORG_ID}/r-ab12/ou-ab12-${i === 13 ? '33333333' : i % 2 === 0 ? '11111111' : '22222222'}/`],
        JoinedMethod: 'CREATED',
        JoinedTimestamp: '2024-03-01T10:11:12.345000+00:00',
      })),
    },
    null,
    4,
  );
}

const config = write('keyshare.yaml', CONFIG);
const accounts = write('accounts.json', inventory(40, { 2: 'SUSPENDED', 9: 'CLOSED', 11: 'PENDING_CLOSURE' }));

function run(out: string, more: Partial<GenerateRequest> = {}) {
  return generate({ accounts, config, out, ous: [], exclude: [], waveSize: 16, ...more });
}

function filesUnder(dir: string, suffix: string): string[] {
  return Object.keys(listing(dir)).filter((rel) => rel.endsWith(suffix));
}

describe('a rollout of 40 accounts', () => {
  const out = path.join(work, 'rollout');
  const result = run(out);
  const read = (rel: string) => fs.readFileSync(path.join(out, rel), 'utf8');

  test('one root per active account the key policy admits, none for the owner, the others counted', () => {
    expect(result.selection.accounts).toHaveLength(36);
    expect(result.selection.outsideOrganizationPaths).toBe(1);
    expect(result.selection.skipped).toEqual({ SUSPENDED: 1, CLOSED: 1, PENDING_CLOSURE: 1 });
    const roots = fs.readdirSync(path.join(out, 'accounts')).sort();
    expect(roots).toEqual(result.selection.accounts.map((a) => a.account));
    expect(roots).not.toContain(OWNER);
    expect(roots).not.toContain('300000000001'); // index 2 in the inventory: suspended
    expect(roots).not.toContain('300000000012'); // index 13: in an OU outside organization.ouPaths
  });

  test('every .tf file is terraform fmt-clean', () => {
    requireTerraform('it runs `terraform fmt -check` on the generated roots');
    try {
      execFileSync('terraform', ['fmt', '-check', '-recursive', '-list=true', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { code?: string; stdout?: string };
      throw new Error(`terraform fmt would change: ${e.stdout}`);
    }
  });

  test("every .tf file parses with HashiCorp's HCL parser, and says what the plan said", async () => {
    const tf = filesUnder(out, '.tf');
    expect(tf.length).toBeGreaterThan(37);
    const parsed = new Map<string, any>();
    for (const rel of tf) parsed.set(rel, await parseHcl(rel, read(rel)));

    const web = parsed.get('accounts/300000000003/main.tf');
    expect(web.module.consumer_grant[0]).toMatchObject({
      source: '../../modules/consumer-grant',
      key_arn: `arn:aws:kms:eu-central-1:${OWNER}:alias/golden-ami`,
      account_id: '300000000003',
      service_linked_role_suffix: 'web',
      create_service_linked_role: true,
      attach_policy_to_roles: ['platform-deployer'],
    });
    const provider = web.provider.aws[0];
    expect(provider.allowed_account_ids).toEqual(['300000000003']);
    expect(provider.assume_role[0].role_arn).toBe('arn:aws:iam::300000000003:role/terraform-deploy');
    const backend = web.terraform[0].backend.s3[0];
    expect(backend).toMatchObject({ bucket: 'keyshare-state', key: 'keyshare/eu/generate/accounts/300000000003.tfstate', region: 'eu-central-1' });
    expect(backend.assume_role).toEqual({ role_arn: `arn:aws:iam::${OWNER}:role/state` });

    const owner = parsed.get('owner/main.tf');
    expect(owner.module.key_owner[0]).toMatchObject({
      source: '../modules/key-owner',
      owner_account_id: OWNER,
      organization_id: ORG_ID,
      organization_paths: [`${ORG_ID}/r-ab12/ou-ab12-11111111/`, `${ORG_ID}/r-ab12/ou-ab12-22222222/`],
      organization_arn: null,
      organizational_unit_arns: [
        `arn:aws:organizations::${OWNER}:ou/${ORG_ID}/ou-ab12-11111111`,
        `arn:aws:organizations::${OWNER}:ou/${ORG_ID}/ou-ab12-22222222`,
      ],
      administrator_arns: [`arn:aws:iam::${OWNER}:role/kms-admin`],
      amis: [{ id: 'ami-0a1b2c3d4e5f60718', snapshot_ids: ['snap-0123456789abcdef0'] }],
    });
    // Set in the config: passed on. Unset: left to the module's default, as synth leaves it to KeyOwner's.
    expect(owner.module.key_owner[0].enable_key_rotation).toBe(false);
    expect(owner.module.key_owner[0]).not.toHaveProperty('description');
    expect(owner.module.key_owner[0]).not.toHaveProperty('deletion_window_in_days');
    expect(owner.terraform[0].backend.s3[0].key).toBe('keyshare/eu/generate/owner.tfstate');
    const locals = parsed.get('owner/consumers.tf').locals[0];
    // Without create-volume permissions only the accounts the key policy reads: the suffixed one and the owner.
    expect(locals.consumer_account_ids).toEqual(['111122223333', '300000000003']);
    expect(locals.service_linked_role_suffixes).toEqual({ '300000000003': 'web' });

    // Every account root differs only in what is the account's own.
    for (const a of result.selection.accounts) {
      const p = parsed.get(`accounts/${a.account}/main.tf`);
      expect(p.provider.aws[0].assume_role[0].role_arn).toBe(a.deployRoleArn);
      expect(p.terraform[0].backend.s3[0].key).toContain(`/accounts/${a.account}.tfstate`);
    }
  });

  test("the owner root's inputs make the key-policy module, run in real Terraform, write the policy check proved", async () => {
    const call = (await parseHcl('owner/main.tf', read('owner/main.tf'))).module.key_owner[0];
    const locals = (await parseHcl('owner/consumers.tf', read('owner/consumers.tf'))).locals[0];
    const inputs = {
      ...Object.fromEntries(terraformModules()[0].variables.map((v) => [v.name, call[v.name]])),
      consumer_account_ids: locals.consumer_account_ids,
      service_linked_role_suffixes: locals.service_linked_role_suffixes,
    };
    requireTerraform("it applies the key-policy module to the owner root's inputs");
    const proof = tmp('keyshare-generate-proof-');
    fs.writeFileSync(
      path.join(proof, 'main.tf.json'),
      JSON.stringify({
        module: { kp: { source: path.join(out, 'modules/key-policy'), ...inputs } },
        output: { policy: { value: '${module.kp.policy_json}' } },
      }),
    );
    const tf = (...args: string[]) => execFileSync('terraform', args, { cwd: proof, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    tf('init', '-input=false', '-no-color');
    tf('apply', '-auto-approve', '-input=false', '-no-color');
    const policy = JSON.parse(JSON.parse(tf('output', '-json', 'policy')) as string);
    fs.rmSync(proof, { recursive: true, force: true });
    expect(policy).toEqual(keyPolicy(result.selection.rollout));
    expect(JSON.stringify(policy)).toContain('aws:PrincipalOrgID');
    expect(call.organization_grantee).toBe('any-account');
  });

  test('the modules are in the output, as `keyshare modules` writes them, so nothing is fetched', () => {
    for (const [rel, text] of renderTerraformModules()) expect(read(`modules/${rel}`)).toBe(text);
  });

  test('the roots call each module with exactly its variables: every required one, no unknown one', async () => {
    const variables = new Map(terraformModules().map((m) => [m.name, m.variables]));
    const calls: [string, string, string][] = [
      ['owner/main.tf', 'key_owner', 'key-owner'],
      ['accounts/300000000003/main.tf', 'consumer_grant', 'consumer-grant'],
      ['accounts/300000000000/main.tf', 'consumer_grant', 'consumer-grant'],
    ];
    for (const [file, block, module] of calls) {
      const call = (await parseHcl(file, read(file))).module[block][0];
      const declared = variables.get(module)!;
      const given = Object.keys(call).filter((k) => k !== 'source');
      expect(given.filter((k) => !declared.some((v) => v.name === k))).toEqual([]);
      expect(declared.filter((v) => v.default === undefined && !given.includes(v.name)).map((v) => v.name)).toEqual([]);
      expect(fs.existsSync(path.join(path.dirname(path.join(out, file)), call.source, 'variables.tf'))).toBe(true);
    }
  });

  test('waves: the canary the config names first, then waves of at most --wave-size', () => {
    const waves = result.selection.waves.map((w) => w.map((a) => a.account));
    expect(waves[0]).toEqual(['300000000000', '300000000002', '300000000003', '300000000004']);
    expect(waves.map((w) => w.length)).toEqual([4, 16, 16]);
    expect(result.selection.canary).toBe(true);
  });

  test('atlantis.yaml: one project per root, each account depends on the owner, parallel plan and apply', () => {
    const atlantis = parseYaml(read('atlantis.yaml'));
    expect(atlantis).toMatchObject({ version: 3, parallel_plan: true, parallel_apply: true });
    expect(atlantis.projects[0]).toMatchObject({ name: 'owner', dir: 'owner', execution_order_group: 0 });
    const accountProjects = atlantis.projects.slice(1);
    expect(accountProjects.map((p: any) => p.dir)).toEqual(result.selection.accounts.map((a) => `accounts/${a.account}`));
    for (const [i, p] of accountProjects.entries()) {
      expect(p.depends_on).toEqual(['owner']);
      expect(p.execution_order_group).toBe(result.selection.accounts[i].wave);
    }
    // Atlantis's repo-level config rules (https://www.runatlantis.io/docs/repo-level-atlantis-yaml): names unique and
    // URL-safe, dirs relative without "..", depends_on naming a project, when_modified relative to the project's dir.
    const names = atlantis.projects.map((p: any) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of atlantis.projects) {
      expect(encodeURIComponent(p.name)).toBe(p.name);
      expect(p.dir).not.toMatch(/^\/|(^|\/)\.\.(\/|$)/);
      expect(fs.existsSync(path.join(out, p.dir, 'main.tf'))).toBe(true);
      for (const d of p.depends_on ?? []) expect(names).toContain(d);
      expect(Number.isInteger(p.execution_order_group)).toBe(true);
      expect(p.autoplan.when_modified.every((w: unknown) => typeof w === 'string')).toBe(true);
    }
  });

  test('the rollout README lists every account with its wave, and the wave files hold the same', () => {
    const readme = read('README.md');
    for (const a of result.selection.accounts) expect(readme).toContain(`| \`${a.account}\` |`);
    expect(readme).toContain('| `300000000004` | team "5" \\| \\${var.x} | 1 |');
    expect(readme).toContain('Skipped**, not active: 1 SUSPENDED, 1 CLOSED, 1 PENDING\\_CLOSURE');
    result.selection.waves.forEach((wave, i) => {
      expect(read(`waves/wave-0${i + 1}.txt`)).toBe(`${wave.map((a) => `accounts/${a.account}`).join('\n')}\n`);
    });
  });
});

test('--ou keeps the accounts of an OU; --exclude leaves one out', () => {
  const r = run(path.join(work, 'ou'), { ous: ['ou-ab12-22222222'], exclude: ['300000000002'] });
  // Odd inventory indexes are in OU 2222…; index i is account 300000000000 + i - 1.
  expect(r.selection.accounts.map((a) => a.account)).toEqual(
    // 300000000012 (index 13) is in no OU of organization.ouPaths.
    Array.from({ length: 20 }, (_, k) => String(300000000000 + 2 * k)).filter(
      (id) => !['300000000002', '300000000008', '300000000010', '300000000012'].includes(id),
    ),
  );
  expect(r.selection.excluded).toBe(1);
});

describe('regeneration', () => {
  test('keeps the files a user added, replaces its own; accounts that left get tombstones, and no other account moves', () => {
    const out = path.join(work, 'regen');
    const before = run(out).selection;
    fs.writeFileSync(path.join(out, 'accounts/300000000004/terraform.tfvars'), 'x = 1\n');
    fs.writeFileSync(path.join(out, 'notes.md'), 'mine\n');
    fs.writeFileSync(path.join(out, 'accounts/300000000005/extra.tf'), '# mine\n');
    const fewer = write(
      'fewer.json',
      inventory(40, { 2: 'SUSPENDED', 9: 'CLOSED', 11: 'PENDING_CLOSURE', 7: 'SUSPENDED' }).replace(/\s*\{[^{}]*"Id": "300000000005"[^{}]*\},?/, ''),
    );
    const again = generate({ accounts: fewer, config, out, ous: [], exclude: [], waveSize: 16 });
    expect(again.selection.left?.map((a) => a.account)).toEqual(['300000000005', '300000000006']);
    expect(again.selection.added).toEqual([]);
    // The two that left keep a root whose plan destroys what theirs created; every other account keeps its wave.
    expect(again.selection.leaving.map((l) => l.account)).toEqual(['300000000005', '300000000006']);
    const tombstone = fs.readFileSync(path.join(out, 'accounts/300000000006/main.tf'), 'utf8');
    expect(tombstone).toMatch(/left the rollout/);
    expect(tombstone).not.toMatch(/module /);
    const waveOf = (plan: typeof before) => new Map(plan.accounts.map((a) => [a.account, a.wave]));
    for (const [account, wave] of waveOf(again.selection)) expect(wave).toBe(waveOf(before).get(account));
    expect(fs.readFileSync(path.join(out, 'accounts/300000000005/extra.tf'), 'utf8')).toBe('# mine\n');
    // --forget drops a tombstone once its destroy was applied.
    const forgot = generate({ accounts: fewer, config, out, ous: [], exclude: [], waveSize: 16, forget: ['300000000006'] });
    expect(forgot.forgotten).toEqual(['300000000006']);
    expect(fs.existsSync(path.join(out, 'accounts/300000000006'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'accounts/300000000004/terraform.tfvars'), 'utf8')).toBe('x = 1\n');
    expect(fs.readFileSync(path.join(out, 'notes.md'), 'utf8')).toBe('mine\n');
    expect(again.output.kept).toEqual(
      expect.arrayContaining(['notes.md', 'accounts/300000000004/terraform.tfvars', 'accounts/300000000005/extra.tf']),
    );
  });

  test('the same input gives byte-identical output from any working directory; the summary names what changed', () => {
    const a = path.join(work, 'same-a');
    const b = path.join(work, 'same-b');
    const args = (out: string) => ['generate', '--accounts', accounts, '--config', config, '--out', out];
    const first = keyshare(args(a), ROOT);
    expect(first.status).toBe(0);
    expect(keyshare(args(path.relative(work, b)), work).status).toBe(0);
    expect(listing(b)).toEqual(listing(a));
    expect(first.stdout).toMatch(/the owner root and 36 account roots in 2 waves \(at most 32 a wave; the canary wave holds 4\)/);
    expect(first.stdout).toMatch(/skipped 3 not active: 1 SUSPENDED, 1 CLOSED, 1 PENDING_CLOSURE/);
    expect(first.stdout).toMatch(/left out, outside organization\.ouPaths .*: 1\n/);
    expect(first.stdout).not.toMatch(/\r|\x1b/);
    const rerun = keyshare([...args(a), '--format', 'json'], ROOT);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.files.changed).toEqual([]);
    expect(summary.accounts).toHaveLength(36);
    expect(summary.waves.map((w: string[]) => w.length)).toEqual([4, 32]);
    expect(summary.skipped).toEqual({ SUSPENDED: 1, CLOSED: 1, PENDING_CLOSURE: 1 });
    expect(summary.outsideOrganizationPaths).toBe(1);
  });
});

describe('bad input: exit 2, one line naming the place, nothing written', () => {
  test.each([
    ['an empty inventory', 'empty.json', '{"Accounts": []}', [], /--accounts .*empty\.json: lists no accounts/],
    [
      'an unknown column',
      'col.csv',
      'id,name,status,owner\n300000000000,a,ACTIVE,me\n',
      [],
      /row 1, column 4: is not a known column \(got "owner"\)/,
    ],
    [
      'a duplicate account',
      'dup.csv',
      'id,name,status\n300000000000,a,ACTIVE\n300000000000,b,ACTIVE\n',
      [],
      /row 3: repeats account 300000000000 of row 2/,
    ],
    ['an account ID of 11 digits', 'short.csv', 'id,name,status\n30000000000,a,ACTIVE\n', [], /row 2, id: is not a 12-digit AWS account ID/],
    [
      'an --ou the inventory cannot filter by',
      'noou.csv',
      'id,name,status\n300000000000,a,ACTIVE\n',
      ['--ou', 'ou-ab12-11111111'],
      /--ou: cannot filter/,
    ],
    ['a --wave-size above the limit', 'ok.csv', 'id,name,status\n300000000000,a,ACTIVE\n', ['--wave-size', '10001'], /--wave-size: .*10000/],
    [
      'a --forget of no leaving account',
      'ok2.csv',
      'id,name,status\n300000000000,a,ACTIVE\n',
      ['--forget', '300000000000'],
      /--forget: .*not a leaving account/,
    ],
  ])('%s', (_name, file, text, extra, message) => {
    const out = path.join(work, `bad-${file}`);
    const r = keyshare(['generate', '--accounts', write(file, text), '--config', config, '--out', out, ...(extra as string[])]);
    expectBadInput(r, message as RegExp);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a config that is not valid', () => {
    const out = path.join(work, 'bad-config');
    const bad = write('bad.yaml', CONFIG.replace('{{account}}', '444455556666'));
    expectBadInput(keyshare(['generate', '--accounts', accounts, '--config', bad, '--out', out]), /^keyshare: consumerDeployRoleArn: /);
    expect(fs.existsSync(out)).toBe(false);
  });
});

test('the examples generate: examples/accounts.json and examples/accounts.csv with examples/keyshare-org.yaml', () => {
  const json = generate({
    accounts: path.join(ROOT, 'examples/accounts.json'),
    config: path.join(ROOT, 'examples/keyshare-org.yaml'),
    out: path.join(work, 'example-json'),
    ous: [],
    exclude: [],
    waveSize: 256,
  });
  expect(json.selection.accounts.length).toBeGreaterThan(200);
  expect(json.selection.ownerInInventory).toBe(true);
  const csv = generate({
    accounts: path.join(ROOT, 'examples/accounts.csv'),
    config: path.join(ROOT, 'examples/keyshare-org.yaml'),
    out: path.join(work, 'example-csv'),
    ous: ['ou-ab12-11111111'],
    exclude: [],
    waveSize: 256,
  });
  expect(csv.selection.accounts.map((a) => a.account)).toEqual(['210000007919', '210000015838', '210000039595', '444455556666', '777788889999']);
});

test('an existing key (key.arn): the owner root manages its policy through key-owner, and every grant names it', async () => {
  const keyArn = `arn:aws:kms:eu-central-1:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const withKey = write('existing-key.yaml', CONFIG.replace('rotation: false }', `arn: "${keyArn}" }`));
  const out = path.join(work, 'existing-key');
  generate({ accounts, config: withKey, out, ous: [], exclude: [], waveSize: 256 });
  const owner = await parseHcl('owner/main.tf', fs.readFileSync(path.join(out, 'owner/main.tf'), 'utf8'));
  expect(owner.module.key_owner[0].existing_key_arn).toBe(keyArn);
  const account = await parseHcl('a.tf', fs.readFileSync(path.join(out, 'accounts/300000000000/main.tf'), 'utf8'));
  expect(account.module.consumer_grant[0].key_arn).toBe(keyArn);
});

test('a rollout too large for its CI system is refused before any account root renders, and nothing is written (#19)', () => {
  const out = path.join(work, 'too-large');
  const big = write('accounts-too-large.json', inventory(1000));
  let rendered = 0;
  expect(() => run(out, { accounts: big, waveSize: 1, progress: () => rendered++ })).toThrow(
    /--accounts.*make \.github\/workflows\/keyshare-apply\.yml \d+ KB, over the 500 KB its CI system reads/,
  );
  expect(rendered).toBe(0);
  expect(fs.existsSync(out)).toBe(false);
});
