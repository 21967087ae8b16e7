import { parse } from '@cdktf/hcl2json';
import { parseRollout } from '../../src/config';
import { organizationalUnitArn } from '../../src/policy/arns';
import type { Rollout } from '../../src/model/rollout';
import { renderTerraformModules } from '../../src/terraform-modules';
import { BASE_YAML, ORG_ID, ORG_YAML } from '../support/rollouts';
import { resources, synthOwner } from '../support/synth';
import { applyRoot, moduleCalls } from '../support/terraform-cli';
import { requireTerraform } from '../support/terraform';

/**
 * key-owner needs the AWS provider, which cannot be installed here. Its key settings, alias and
 * AMI and snapshot permissions are expressions over variables and locals, though: this test lifts
 * them out of the generated main.tf with HashiCorp's parser into a provider-free module, with the
 * module's own variables.tf, has real Terraform evaluate them, and compares them with what the
 * owner stack synthesizes for the same config. (The key policy is key-policy's, proven apart.)
 */

const files = renderTerraformModules();
const OU1 = `${ORG_ID}/r-ab12/ou-ab12-11111111/`;
const OU2 = `${ORG_ID}/r-ab12/ou-ab12-22222222/`;

const CASES: Record<string, string> = {
  flat: BASE_YAML,
  organization: ORG_YAML,
  organizational_units: ORG_YAML.replace(/organization: \{ (.*) \}/, `organization: { $1, ouPaths: ["${OU1}", "${OU2}"] }`),
  organization_root_path: ORG_YAML.replace(/organization: \{ (.*) \}/, `organization: { $1, ouPaths: ["${ORG_ID}/r-ab12/", "${OU1}"] }`),
  snapshots_description: BASE_YAML.replace(
    'key: { alias: golden-ami,',
    'key: { alias: alias/golden-ami, description: "My key", rotation: false, deletionWindowDays: 7,',
  ),
};

/** The inputs a caller gives key-owner for a rollout, as `keyshare generate` writes them into the owner root. */
function inputs(r: Rollout): Record<string, unknown> {
  const org = r.organization;
  const ous = org?.ouPaths.map((p) => organizationalUnitArn(org.arn, org.id, p)) ?? [];
  const whole = org !== undefined && (ous.length === 0 || ous.includes(undefined));
  return {
    alias: r.key.alias,
    description: r.key.description ?? null,
    enable_key_rotation: r.key.rotation ?? null,
    deletion_window_in_days: r.key.deletionWindowDays ?? null,
    owner_account_id: r.owner.account,
    consumer_account_ids: r.consumers.map((c) => c.account),
    administrator_arns: r.key.administrators,
    service_linked_role_suffixes: Object.fromEntries(
      r.consumers.flatMap((c) => (c.serviceLinkedRoleSuffix ? [[c.account, c.serviceLinkedRoleSuffix]] : [])),
    ),
    organization_id: org?.id ?? null,
    organization_paths: org?.ouPaths ?? [],
    partition: r.partition,
    amis: r.amis.map((a) => ({ id: a.id, snapshot_ids: a.snapshotIds })),
    organization_arn: whole ? org.arn : null,
    organizational_unit_arns: whole ? [] : ous,
  };
}

type Block = Record<string, unknown>;
type Resources = Record<string, Record<string, Block[]>>;

async function liftedModule(): Promise<string> {
  const main = (await parse('main.tf', files.get('key-owner/main.tf') ?? '')) as { locals: Block[]; resource: Resources };
  const [key] = main.resource.aws_kms_key.this;
  const [alias] = main.resource.aws_kms_alias.this;
  const permissions = {
    account: main.resource.aws_ami_launch_permission.account[0],
    organization: main.resource.aws_ami_launch_permission.organization[0],
    organizational_unit: main.resource.aws_ami_launch_permission.organizational_unit[0],
    snapshot: main.resource.aws_snapshot_create_volume_permission.account[0],
  };
  // Each permission's arguments are the pair its for_each value holds: the lifted module outputs the pairs.
  for (const p of Object.values(permissions)) {
    const { for_each: _, image_id, snapshot_id, ...target } = p;
    expect({ source: image_id ?? snapshot_id, target: Object.values(target) }).toEqual({ source: '${each.value[0]}', target: ['${each.value[1]}'] });
  }
  return JSON.stringify({
    locals: Object.assign({}, ...main.locals) as Block,
    output: {
      key: {
        value: {
          description: key.description,
          enable_key_rotation: key.enable_key_rotation,
          deletion_window_in_days: key.deletion_window_in_days,
          key_usage: key.key_usage,
          customer_master_key_spec: key.customer_master_key_spec,
        },
      },
      alias: { value: alias.name },
      permissions: {
        value: Object.fromEntries(
          Object.entries(permissions).map(([k, p]) => [k, `\${[for pair in values(${String(p.for_each).slice(2, -1)}) : join(" ", pair)]}`]),
        ),
      },
    },
  });
}

/** What the owner stack synthesizes, in the lifted module's terms. */
function synthesized(r: Rollout) {
  const s = synthOwner(r);
  const [key] = resources(s, 'aws_kms_key');
  const [alias] = resources(s, 'aws_kms_alias');
  const launch = resources(s, 'aws_ami_launch_permission');
  const pairs = (list: any[], target: string) =>
    list
      .filter((p) => p[target])
      .map((p) => `${p.image_id ?? p.snapshot_id} ${p[target]}`)
      .sort();
  return {
    key: {
      description: key.description,
      enable_key_rotation: key.enable_key_rotation,
      deletion_window_in_days: key.deletion_window_in_days,
      key_usage: key.key_usage,
      customer_master_key_spec: key.customer_master_key_spec,
    },
    alias: alias.name,
    permissions: {
      account: pairs(launch, 'account_id'),
      organization: pairs(launch, 'organization_arn'),
      organizational_unit: pairs(launch, 'organizational_unit_arn'),
      snapshot: pairs(resources(s, 'aws_snapshot_create_volume_permission'), 'account_id'),
    },
  };
}

describe('key-owner module in real Terraform', () => {
  beforeAll(() => requireTerraform());

  it('creates the key, alias and AMI and snapshot permissions the owner stack synthesizes', async () => {
    const rollouts = Object.fromEntries(Object.entries(CASES).map(([name, yaml]) => [name, parseRollout(yaml, `${name}.yaml`)]));
    const outputs = (await applyRoot({
      'key-owner/variables.tf': files.get('key-owner/variables.tf') ?? '',
      'key-owner/main.tf.json': await liftedModule(),
      'main.tf.json': moduleCalls('./key-owner', Object.fromEntries(Object.entries(rollouts).map(([name, r]) => [name, inputs(r)]))),
    })) as Record<string, any>;
    for (const [name, r] of Object.entries(rollouts)) {
      const actual = outputs[name];
      for (const list of Object.values(actual.permissions as Record<string, string[]>)) list.sort();
      expect({ case: name, ...actual }).toEqual({ case: name, ...synthesized(r) });
    }
  });
});
