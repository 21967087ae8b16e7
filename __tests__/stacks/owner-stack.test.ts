import { Testing } from 'cdktf';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, ORG_ARN, ORG_ID, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { resources, synthOwner } from '../support/synth';
import { checkRollout, passed } from '../../src/check/check';

describe('owner stack', () => {
  const r = rollout(BASE_YAML);
  const owner = synthOwner(r);

  test('a customer-managed symmetric key with rotation, a 30-day window and the built key policy', () => {
    expect(
      Testing.toHaveResourceWithProperties(owner.raw, 'aws_kms_key', {
        description: 'Encrypts the AMI snapshots that keyshare shares with consumer accounts (alias/golden-ami)',
        key_usage: 'ENCRYPT_DECRYPT',
        customer_master_key_spec: 'SYMMETRIC_DEFAULT',
        enable_key_rotation: true,
        deletion_window_in_days: 30,
      }),
    ).toBe(true);
    const [key] = resources(owner, 'aws_kms_key');
    // The value Terraform computes from it is proven equal to keyPolicy() in __tests__/terraform.
    expect(key.policy).toMatch(/^\$\{jsonencode\(\{"Version" = "2012-10-17", "Statement" = \[\{"Sid" = "EnableOwnerAccountIamPolicies"/);
    expect(key).not.toHaveProperty('bypass_policy_lockout_safety_check');
  });

  test('the alias targets the key', () => {
    expect(Testing.toHaveResourceWithProperties(owner.raw, 'aws_kms_alias', { name: 'alias/golden-ami' })).toBe(true);
    expect(resources(owner, 'aws_kms_alias')[0].target_key_id).toMatch(/^\$\{aws_kms_key\..+\.key_id\}$/);
  });

  test('the key waits for the owner Auto Scaling role it names, which must exist', () => {
    const [key] = resources(owner, 'aws_kms_key');
    expect(key.depends_on).toEqual([expect.stringMatching(/^data\.aws_iam_role\./)]);
    expect(Testing.toHaveDataSourceWithProperties(owner.raw, 'aws_iam_role', { name: 'AWSServiceRoleForAutoScaling' })).toBe(true);
  });

  test('launch permission per AMI and cross-account consumer, never for the owner itself', () => {
    const launch = resources(owner, 'aws_ami_launch_permission');
    expect(launch.map((l) => l.account_id).sort()).toEqual([CONSUMER_A, CONSUMER_B]);
    for (const l of launch) expect(l.image_id).toBe('ami-0a1b2c3d4e5f60718');
  });

  test('create-volume permission per snapshot and cross-account consumer', () => {
    const perms = resources(owner, 'aws_snapshot_create_volume_permission');
    expect(perms.map((p) => `${p.snapshot_id}/${p.account_id}`).sort()).toEqual([
      `snap-0123456789abcdef0/${CONSUMER_A}`,
      `snap-0123456789abcdef0/${CONSUMER_B}`,
    ]);
  });

  test('the provider assumes the owner deploy role and refuses any other account', () => {
    expect(
      Testing.toHaveProviderWithProperties(owner.raw, 'aws', {
        region: 'us-west-2',
        allowed_account_ids: [OWNER],
        assume_role: [{ role_arn: `arn:aws:iam::${OWNER}:role/deploy`, session_name: 'keyshare' }],
      }),
    ).toBe(true);
  });

  test('outputs the key ARN and the alias ARN', () => {
    expect(owner.json.output.key_arn.value).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(owner.json.output.alias_arn.value).toBe(`arn:aws:kms:us-west-2:${OWNER}:alias/golden-ami`);
  });

  test('creating the owner role when asked, and depending on it', () => {
    const yaml = BASE_YAML.replace(`- { account: "${OWNER}" }`, `- { account: "${OWNER}", createServiceLinkedRole: true }`);
    const s = synthOwner(rollout(yaml));
    expect(Testing.toHaveResourceWithProperties(s.raw, 'aws_iam_service_linked_role', { aws_service_name: 'autoscaling.amazonaws.com' })).toBe(true);
    expect(resources(s, 'aws_kms_key')[0].depends_on).toEqual([expect.stringMatching(/^aws_iam_service_linked_role\./)]);
  });

  test('S3 backend: one state key per stack', () => {
    const yaml = `${BASE_YAML}\nbackend: { s3: { bucket: keyshare-state, region: us-east-1, keyPrefix: keyshare/golden-ami } }\n`;
    const s = synthOwner(rollout(yaml));
    expect(s.json.terraform.backend).toEqual({
      s3: { bucket: 'keyshare-state', region: 'us-east-1', key: 'keyshare/golden-ami/owner.tfstate', encrypt: true, use_lockfile: true },
    });
  });

  test('local state by default, at a path relative to the stack', () => {
    expect(owner.json.terraform.backend.local.path).toMatch(/^(\.\.\/)+.*terraform\.owner\.tfstate$/);
  });
});

describe('owner stack in organization mode', () => {
  test('one launch permission per AMI for the whole organization', () => {
    const s = synthOwner(rollout(ORG_YAML));
    expect(resources(s, 'aws_ami_launch_permission')).toEqual([
      expect.objectContaining({ image_id: 'ami-0a1b2c3d4e5f60718', organization_arn: ORG_ARN }),
    ]);
  });

  test('OU paths become OU launch permissions', () => {
    const yaml = ORG_YAML.replace(`arn: "`, `ouPaths: ["${ORG_ID}/r-ab12/ou-ab12-11111111/", "${ORG_ID}/r-ab12/ou-ab12-22222222/"], arn: "`);
    const launch = resources(synthOwner(rollout(yaml)), 'aws_ami_launch_permission');
    expect(launch.map((l) => l.organizational_unit_arn).sort()).toEqual([
      `arn:aws:organizations::${OWNER}:ou/${ORG_ID}/ou-ab12-11111111`,
      `arn:aws:organizations::${OWNER}:ou/${ORG_ID}/ou-ab12-22222222`,
    ]);
    expect(launch.every((l) => l.organization_arn === undefined && l.account_id === undefined)).toBe(true);
  });
});

describe('owner stack with key.arn: the existing key, its policy managed, nothing new', () => {
  const KEY_ARN = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const withArn = BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${KEY_ARN}",`);
  const r = rollout(withArn);
  const owner = synthOwner(r);

  test('no aws_kms_key and no aws_kms_alias; aws_kms_key_policy on that key, with the policy a new key would get', () => {
    expect(r.key.arn).toBe(KEY_ARN);
    expect(resources(owner, 'aws_kms_key')).toEqual([]);
    expect(resources(owner, 'aws_kms_alias')).toEqual([]);
    const [policy] = resources(owner, 'aws_kms_key_policy');
    // The bare key ID, which the provider stores (terraform-provider-aws#31297): no update on every plan.
    expect(policy.key_id).toBe('1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(policy.policy).toBe(resources(synthOwner(rollout(BASE_YAML)), 'aws_kms_key')[0].policy);
    // Same builder, same rollout: the policy is keyPolicy(r), as __tests__/terraform proves for aws_kms_key.
    // The policy names the owner's Auto Scaling role, which must exist first.
    expect(policy.depends_on).toEqual([expect.stringMatching(/^data\.aws_iam_role\./)]);
    expect(owner.json.output.key_arn.value).toBe(KEY_ARN);
    expect(owner.json.output).not.toHaveProperty('alias_arn');
  });

  test('check proves that key and exactly that policy', () => {
    const report = checkRollout(r);
    expect(report).toMatchObject({ keyArn: KEY_ARN, keyArnAssumed: false });
    expect(passed(report)).toBe(true);
  });

  test.each(['rotation: false', 'deletionWindowDays: 7', 'description: "x"'])('%s with key.arn is refused: keyshare creates no key', (setting) => {
    const field = setting.split(':')[0];
    expect(() => rollout(withArn.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, ${setting},`))).toThrow(
      new RegExp(`key\\.${field}.*describes a key keyshare creates, but key\\.arn names a key that exists`),
    );
  });
});
