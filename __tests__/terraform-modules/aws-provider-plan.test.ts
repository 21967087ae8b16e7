import { parseRollout } from '../../src/config';
import { aliasName, keyIdOf, parseKmsArn } from '../../src/policy/arns';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { autoScalingGrant } from '../../src/policy/grant';
import { keyPolicy } from '../../src/policy/key-policy';
import { renderTerraformModules } from '../../src/terraform-modules';
import { ORG_YAML } from '../support/rollouts';
import { terraform, writeTree } from '../support/terraform-cli';
import { requireTerraform } from '../support/terraform';
import { PLUGIN_DIR, startAwsProvider, type RunningProvider } from '../support/aws-provider';

/**
 * key-owner and consumer-grant need the AWS provider, which no registry serves here. Where a local
 * copy exists (a filesystem mirror in $KEYSHARE_TF_PLUGIN_DIR, default /opt/tf-plugins), real
 * Terraform plans both modules with the provider (validating them on the way), offline, with stand-in
 * credentials; the planned key policy (of a new key and of an existing one), IAM policy and grant must
 * be synth's. Without a mirror the test fails and names the folder it looked in, as requireTerraform()
 * does for terraform: a skipped proof would hide that CI never ran it.
 */

const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONSUMER = '444455556666';

/** The provider plans without calling AWS: stand-in credentials, no account or region lookups. */
const PROVIDER = `provider "aws" {
  region                      = "us-west-2"
  access_key                  = "stand-in"
  secret_key                  = "stand-in"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
`;

type Change = { address: string; change: { after: Record<string, unknown> } };

describe(`key-owner and consumer-grant with the AWS provider from ${PLUGIN_DIR}`, () => {
  // The provider starts once, and terraform reattaches to it: Terraform would start it two or three times.
  let provider: RunningProvider | undefined;
  beforeAll(async () => {
    requireTerraform();
    provider = await startAwsProvider();
    process.env.TF_REATTACH_PROVIDERS = provider.reattach;
  });
  afterAll(() => provider?.stop());

  it('plan (which validates) the key policy, IAM policy and grant that synth writes', async () => {
    // Organization mode with a suffixed consumer; no snapshots and no role lookups, which would call AWS at plan time.
    const rollout = parseRollout(ORG_YAML, 'org.yaml');
    const org = rollout.organization;
    if (!org) throw new Error('ORG_YAML has no organization');
    const main = `${PROVIDER}
module "owner" {
  source = "./modules/key-owner"

  alias                        = ${JSON.stringify(rollout.key.alias)}
  owner_account_id             = ${JSON.stringify(rollout.owner.account)}
  consumer_account_ids         = ${JSON.stringify(rollout.consumers.map((c) => c.account))}
  service_linked_role_suffixes = ${JSON.stringify(Object.fromEntries(rollout.consumers.flatMap((c) => (c.serviceLinkedRoleSuffix ? [[c.account, c.serviceLinkedRoleSuffix]] : []))))}
  organization_id              = ${JSON.stringify(org.id)}
  organization_arn             = ${JSON.stringify(org.arn)}
  amis                         = [{ id = ${JSON.stringify(rollout.amis[0].id)} }]
}

module "existing" {
  source = "./modules/key-owner"

  existing_key_arn     = ${JSON.stringify(KEY_ARN)}
  owner_account_id     = ${JSON.stringify(rollout.owner.account)}
  consumer_account_ids = [${JSON.stringify(CONSUMER)}]
}

module "consumer" {
  source = "./modules/consumer-grant"

  key_arn                    = ${JSON.stringify(KEY_ARN)}
  account_id                 = ${JSON.stringify(CONSUMER)}
  service_linked_role_suffix = "web"
  create_service_linked_role = true
  attach_policy_to_roles     = ["deploy"]
}
`;
    const modules = new Map([...renderTerraformModules()].map(([p, text]) => [`modules/${p}`, text]));
    const { dir, cleanup } = writeTree(new Map([...modules, ['main.tf', main]]));
    try {
      const init = await terraform(dir, 'init', '-input=false', '-no-color', '-backend=false', `-plugin-dir=${PLUGIN_DIR}`);
      if (!init.ok) throw new Error(`terraform init failed:\n${init.stderr}`);
      const plan = await terraform(dir, 'plan', '-input=false', '-no-color', '-out=plan.bin');
      if (!plan.ok) throw new Error(`terraform plan failed:\n${plan.stderr}`);
      const changes = (JSON.parse((await terraform(dir, 'show', '-json', '-no-color', 'plan.bin')).stdout) as { resource_changes: Change[] })
        .resource_changes;
      const after = (address: string) => {
        const found = changes.find((c) => c.address === address);
        if (!found) throw new Error(`${address} is not in the plan: ${changes.map((c) => c.address).join(', ')}`);
        return found.change.after;
      };

      const key = after('module.owner.aws_kms_key.this[0]');
      expect(JSON.parse(String(key.policy))).toEqual(keyPolicy(rollout));
      expect(after('module.owner.aws_kms_alias.this[0]').name).toBe(aliasName(rollout.key.alias));

      // An existing key (synth's key.arn): its policy is managed, and no key or alias is created.
      const existing = parseRollout(
        `{ owner: { account: "${rollout.owner.account}", region: us-west-2 }, key: { alias: golden-ami, arn: "${KEY_ARN}" },
           amis: [ { id: ami-0a1b2c3d4e5f60718 } ], consumers: [ { account: "${CONSUMER}" } ] }`,
        'existing.yaml',
      );
      // The bare key ID, as the provider stores it: an ARN would show an update on every plan.
      expect(after('module.existing.aws_kms_key_policy.existing[0]')).toMatchObject({ key_id: keyIdOf(KEY_ARN) });
      expect(JSON.parse(String(after('module.existing.aws_kms_key_policy.existing[0]').policy))).toEqual(keyPolicy(existing));
      expect(
        changes.filter((c) => c.address.startsWith('module.existing.aws_kms_key.') || c.address.startsWith('module.existing.aws_kms_alias.')),
      ).toEqual([]);
      expect(after('module.owner.aws_ami_launch_permission.organization["ami-0a1b2c3d4e5f60718"]')).toMatchObject({ organization_arn: org.arn });

      const { partition, region } = parseKmsArn(KEY_ARN) ?? { partition: 'aws' as const, region: '' };
      const policy = after('module.consumer.aws_iam_policy.grant_creator');
      expect(JSON.parse(String(policy.policy))).toEqual(consumerIamPolicy(partition, region, CONSUMER, KEY_ARN, 'web'));
      const spec = autoScalingGrant(partition, KEY_ARN, CONSUMER, 'web');
      expect(after('module.consumer.aws_kms_grant.autoscaling')).toMatchObject({
        name: spec.Name,
        key_id: spec.KeyId,
        grantee_principal: spec.GranteePrincipal,
        operations: [...spec.Operations].sort(),
        retire_on_delete: true,
      });
      expect(after('module.consumer.aws_iam_service_linked_role.autoscaling[0]')).toMatchObject({
        aws_service_name: 'autoscaling.amazonaws.com',
        custom_suffix: 'web',
      });
      expect(after('module.consumer.aws_iam_role_policy_attachment.grant_creator["deploy"]')).toMatchObject({ role: 'deploy' });
    } finally {
      cleanup();
    }
  }, 600_000); // terraform init copies the 700 MB provider: over a minute on a loaded 2-core machine
});
