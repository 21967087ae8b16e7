import { parseRollout } from '../../src/config';
import { partitionOf } from '../../src/policy/arns';
import fc from 'fast-check';
import { keyPolicy, ORGANIZATION_GRANTEES, OrganizationGrantee } from '../../src/policy/key-policy';
import { renderTerraformModules } from '../../src/terraform-modules';
import { applyRoot, moduleCalls, terraform, writeTree } from '../support/terraform-cli';
import { requireTerraform } from '../support/terraform';

/**
 * The equality proof: real Terraform runs the generated key-policy module for a matrix of inputs,
 * and each policy_json must equal, as a parsed document, what keyPolicy() builds for the same
 * config through keyshare's own config loader. One root calls the module once per case, so
 * Terraform starts once.
 */

const OWNER = '111122223333';
const A = '444455556666';
const B = '777788889999';
const C = '200000000001';
const ORG = 'o-a1b2c3d4e5';
const OU1 = `${ORG}/r-ab12/ou-ab12-11111111/`;
const OU2 = `${ORG}/r-ab12/ou-ab12-22222222/`;
const ADMIN = `arn:aws:iam::${OWNER}:role/key-admin`;
const ADMIN2 = `arn:aws:iam::${OWNER}:user/alice`;

interface Case {
  readonly region?: string;
  readonly consumers: readonly string[];
  readonly administrators?: readonly string[];
  readonly suffixes?: Readonly<Record<string, string>>;
  readonly organization?: { readonly paths: readonly string[]; readonly grantee?: OrganizationGrantee };
}

const CASES: Record<string, Case> = {
  flat_one_consumer: { consumers: [A] },
  flat_many_consumers_unsorted: { consumers: [B, C, A] },
  flat_suffixes: { consumers: [A, B], suffixes: { [B]: 'web' } },
  flat_every_suffix: { consumers: [A, B], suffixes: { [A]: 'a.b@c', [B]: 'web' } },
  same_account_only: { consumers: [OWNER] },
  same_account_with_suffix: { consumers: [OWNER, A], suffixes: { [OWNER]: 'own' } },
  same_account_and_many: { consumers: [B, OWNER, A], administrators: [ADMIN], suffixes: { [A]: 'x' } },
  one_administrator: { consumers: [A], administrators: [ADMIN] },
  many_administrators: { consumers: [A, B], administrators: [ADMIN2, ADMIN] },
  organization_whole: { consumers: [A], organization: { paths: [] } },
  organization_one_path: { consumers: [A, B], organization: { paths: [OU1] } },
  organization_paths_suffixes: { consumers: [A, B, C], suffixes: { [B]: 'web', [C]: 'web' }, organization: { paths: [OU2, OU1] } },
  organization_path_forms: { consumers: [A], organization: { paths: [`${ORG}/r-ab12/ou-ab12-11111111`, `${ORG}/r-ab12/ou-ab12-22222222/*`] } },
  organization_same_account_admins: {
    consumers: [OWNER, A],
    administrators: [ADMIN],
    suffixes: { [OWNER]: 'own', [A]: 'web' },
    organization: { paths: [] },
  },
  organization_only_owner: { consumers: [OWNER], organization: { paths: [OU1] } },
  china_partition: { region: 'cn-north-1', consumers: [A, OWNER], administrators: [`arn:aws-cn:iam::${OWNER}:role/key-admin`] },
  gov_partition_organization: { region: 'us-gov-west-1', consumers: [A], organization: { paths: [OU1] } },
  organization_any_account_whole: { consumers: [A, B], suffixes: { [B]: 'web' }, organization: { paths: [], grantee: 'any-account' } },
  organization_any_account_paths: { region: 'cn-north-1', consumers: [A], organization: { paths: [OU1, OU2], grantee: 'any-account' } },
  organization_own_account_explicit: { consumers: [A], organization: { paths: [OU1], grantee: 'own-account' } },
  // consumer_account_ids left out: its default. keyshare.yaml needs a consumer, so the model is built directly.
  organization_no_consumers: { consumers: [], organization: { paths: [OU2] } },
};

/**
 * Random combinations beside the named ones, from a fixed seed so every run checks the same: any
 * partition, consumers from a pool that holds the owner, suffixes, administrators with paths, and
 * organization mode with paths written in each accepted form and either grantee.
 */
const RANDOM_CASES: Record<string, Case> = Object.fromEntries(
  fc
    .sample(
      fc.record({
        region: fc.constantFrom('us-west-2', 'cn-north-1', 'us-gov-west-1'),
        consumers: fc.uniqueArray(fc.constantFrom(OWNER, A, B, C, '300000000007'), { minLength: 1, maxLength: 5 }),
        suffixes: fc.array(fc.constantFrom(undefined, 'web', 'a.b@c', 'x_1'), { minLength: 5, maxLength: 5 }),
        administrators: fc.subarray(['role/key-admin', 'user/alice', 'role/ops/team/admin']),
        organization: fc.option(
          fc.record({
            ous: fc.subarray(['ou-ab12-11111111', 'ou-ab12-22222222', 'ou-cd34-33333333']),
            ending: fc.constantFrom('/', '', '/*'),
            grantee: fc.constantFrom(undefined, ...ORGANIZATION_GRANTEES),
          }),
          { nil: undefined },
        ),
      }),
      { seed: 10, numRuns: 12 },
    )
    .map((r, i): [string, Case] => {
      const partition = partitionOf(r.region);
      const suffixes = Object.fromEntries(r.consumers.flatMap((account, j) => (r.suffixes[j] ? [[account, r.suffixes[j]]] : [])));
      return [
        `random_${i}`,
        {
          region: r.region,
          consumers: r.consumers,
          suffixes,
          administrators: r.administrators.map((a) => `arn:${partition}:iam::${OWNER}:${a}`),
          organization: r.organization && {
            paths: r.organization.ous.map((ou) => `${ORG}/r-ab12/${ou}${r.organization?.ending}`),
            grantee: r.organization.grantee,
          },
        },
      ];
    }),
);

/** What keyPolicy() builds for a case: through keyshare's config loader, as synth does, when a config can say it. */
function expectedPolicy(name: string, c: Case) {
  if (c.consumers.length > 0) return keyPolicy(parseRollout(configOf(c), `${name}.json`));
  return keyPolicy({
    partition: partitionOf(c.region ?? 'us-west-2'),
    owner: { account: OWNER },
    key: { administrators: c.administrators ?? [] },
    consumers: [],
    organization: c.organization && { id: ORG, ouPaths: c.organization.paths, grantee: c.organization.grantee },
  });
}

function configOf(c: Case): string {
  const region = c.region ?? 'us-west-2';
  const partition = partitionOf(region);
  return JSON.stringify({
    owner: { account: OWNER, region },
    key: { alias: 'golden-ami', administrators: c.administrators ?? [] },
    amis: [{ id: 'ami-0a1b2c3d4e5f60718' }],
    consumers: c.consumers.map((account) => ({ account, ...(c.suffixes?.[account] && { serviceLinkedRoleSuffix: c.suffixes[account] }) })),
    ...(c.organization && {
      organization: {
        id: ORG,
        arn: `arn:${partition}:organizations::${OWNER}:organization/${ORG}`,
        ouPaths: c.organization.paths,
        ...(c.organization.grantee && { grantee: c.organization.grantee }),
      },
    }),
  });
}

function moduleInputs(c: Case): Record<string, unknown> {
  return {
    owner_account_id: OWNER,
    ...(c.consumers.length > 0 && { consumer_account_ids: c.consumers }),
    administrator_arns: c.administrators ?? [],
    service_linked_role_suffixes: c.suffixes ?? {},
    organization_id: c.organization ? ORG : null,
    organization_paths: c.organization?.paths ?? [],
    ...(c.organization?.grantee && { organization_grantee: c.organization.grantee }),
    partition: partitionOf(c.region ?? 'us-west-2'),
  };
}

const modules = renderTerraformModules();
const keyPolicyFiles = new Map([...modules].filter(([p]) => p.startsWith('key-policy/') && p.endsWith('.tf')));

describe('key-policy module in real Terraform', () => {
  beforeAll(() => requireTerraform());

  it(`has at least 12 cases`, () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(12);
  });

  it('produces, for every named and random case, the policy keyshare synth writes', async () => {
    const all = { ...CASES, ...RANDOM_CASES };
    const outputs = (await applyRoot(
      new Map([
        ...keyPolicyFiles,
        [
          'main.tf.json',
          moduleCalls(
            './key-policy',
            Object.fromEntries(Object.entries(all).map(([name, c]) => [name, moduleInputs(c)])),
            (name) => `\${module.${name}.policy_json}`,
          ),
        ],
      ]),
    )) as Record<string, string>;
    for (const [name, c] of Object.entries(all)) {
      const expected = expectedPolicy(name, c);
      const actual: unknown = JSON.parse(outputs[name]);
      // toEqual ignores key order: Terraform's jsonencode sorts keys, JSON.stringify keeps insertion order.
      expect({ case: name, policy: actual }).toEqual({ case: name, policy: expected });
    }
  });

  /** `terraform plan` of a root calling the module per entry; the errors on one line each. Roots run in parallel. */
  async function planErrors(calls: Record<string, Record<string, unknown>>): Promise<string> {
    const root = {
      module: Object.fromEntries(
        Object.entries(calls).map(([name, inputs]) => [name, { source: './key-policy', owner_account_id: OWNER, ...inputs }]),
      ),
      output: Object.fromEntries(Object.keys(calls).map((name) => [name, { value: `\${module.${name}.policy_json}` }])),
    };
    const { dir, cleanup } = writeTree(new Map([...keyPolicyFiles, ['main.tf.json', JSON.stringify(root, null, 1)]]));
    try {
      await terraform(dir, 'init', '-input=false', '-no-color', '-backend=false');
      const plan = await terraform(dir, 'plan', '-input=false', '-no-color');
      expect(plan.ok).toBe(false);
      return plan.stderr.replace(/[│╷╵]/g, '').replace(/\s+/g, ' ');
    } finally {
      cleanup();
    }
  }

  it('refuses a policy over 32,768 bytes and bad inputs, in plan, each with its fix', async () => {
    const flat = Array.from({ length: 100 }, (_, i) => String(300000000000 + i));
    // Terraform reports every invalid variable, but checks preconditions only once all variables are valid.
    const [variables, preconditions] = await Promise.all([
      planErrors({
        bad_account: { consumer_account_ids: ['12345'] },
        duplicate_account: { consumer_account_ids: [A, A] },
        bad_suffix: { consumer_account_ids: [A], service_linked_role_suffixes: { [A]: 'no spaces' } },
        bad_administrator: { consumer_account_ids: [A], administrator_arns: [`arn:aws:sts::${OWNER}:assumed-role/admin/me`] },
        bad_path: { consumer_account_ids: [A], organization_id: ORG, organization_paths: ['ou-ab12-11111111'] },
      }),
      planErrors({
        too_big: { consumer_account_ids: flat },
        paths_without_organization: { consumer_account_ids: [A], organization_paths: [OU1] },
      }),
    ]);
    expect(variables).toMatch(/consumer_account_ids must hold 12-digit AWS account IDs/);
    expect(variables).toMatch(/consumer_account_ids lists an account twice/);
    expect(variables).toMatch(/service_linked_role_suffixes maps 12-digit account IDs to suffixes/);
    expect(variables).toMatch(/administrator_arns must hold IAM role or user ARNs/);
    expect(variables).toMatch(/organization_paths must hold paths such as/);
    expect(preconditions).toMatch(/The key policy would be \d+ bytes, over the KMS limit of 32768: set organization_id/);
    expect(preconditions).toMatch(/organization_paths needs organization_id/);
  });
});
