#!/usr/bin/env node
// Baseline for synth benchmarks: a bare cdktf program that emits the same resource, data source,
// provider, backend and output set as `keyshare synth` for N cross-account consumers in organization
// mode, with policies as plain JSON strings of the same size, and no config parsing, validation,
// proof or policy logic. keyshare's own cost is its time and memory beyond this program's.
//   owner stack: provider, local backend, key, alias, one organization launch permission, 2 outputs
//   per consumer: assume-role provider (allowed_account_ids, default_tags), local backend,
//     data aws_kms_key + data aws_iam_role, aws_iam_policy, aws_kms_grant (depends_on), 2 outputs,
//     and a dependency on the owner stack
//   node bench/bare-cdktf.js 1000 bare.out
// `npm run bench` runs it beside keyshare; __tests__/bench/bare-program.test.ts keeps its resource
// set equal to what `keyshare synth` emits.
const need = require;
const { App, TerraformStack, TerraformOutput, LocalBackend } = need('cdktf');
const { AwsProvider } = need('@cdktf/provider-aws/lib/provider');
const { KmsKey } = need('@cdktf/provider-aws/lib/kms-key');
const { KmsAlias } = need('@cdktf/provider-aws/lib/kms-alias');
const { KmsGrant } = need('@cdktf/provider-aws/lib/kms-grant');
const { AmiLaunchPermission } = need('@cdktf/provider-aws/lib/ami-launch-permission');
const { DataAwsKmsKey } = need('@cdktf/provider-aws/lib/data-aws-kms-key');
const { DataAwsIamRole } = need('@cdktf/provider-aws/lib/data-aws-iam-role');
const { IamPolicy } = need('@cdktf/provider-aws/lib/iam-policy');

const n = parseInt(process.argv[2] || '1000', 10);
const app = new App({ outdir: process.argv[3] || 'fair.out' });
const OPS = ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey', 'CreateGrant'];
const SLR = 'role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const keyPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [
  { Sid: 'EnableOwnerAccountIamPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
  { Sid: 'AllowConsumerAccountsUseOfKey', Effect: 'Allow', Principal: { AWS: '*' }, Action: USE, Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
  { Sid: 'AllowOrganizationAutoScalingGrants', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*', Condition: {
    StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'kms:GranteePrincipal': 'arn:aws:iam::$${aws:PrincipalAccount}:' + SLR },
    'ForAllValues:StringEquals': { 'kms:GrantOperations': OPS } } },
] });

const owner = new TerraformStack(app, 'owner');
new AwsProvider(owner, 'aws', { region: 'us-west-2', allowedAccountIds: ['111122223333'], defaultTags: [{ tags: { ManagedBy: 'keyshare' } }] });
new LocalBackend(owner, { path: '../../../terraform.owner.tfstate' });
const key = new KmsKey(owner, 'key', {
  description: 'Encrypts the AMI snapshots that keyshare shares with consumer accounts (alias/golden-ami)',
  keyUsage: 'ENCRYPT_DECRYPT', customerMasterKeySpec: 'SYMMETRIC_DEFAULT', enableKeyRotation: true, deletionWindowInDays: 30,
  policy: keyPolicy,
});
new KmsAlias(owner, 'alias', { name: 'alias/golden-ami', targetKeyId: key.keyId });
new AmiLaunchPermission(owner, 'lp-organization', { imageId: 'ami-0a1b2c3d4e5f60718', organizationArn: 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5' });
new TerraformOutput(owner, 'key_arn', { value: key.arn, description: 'ARN of the shared key; grants name it' });
new TerraformOutput(owner, 'alias_arn', { value: 'arn:aws:kms:us-west-2:111122223333:alias/golden-ami', description: 'Alias ARN; consumer stacks resolve the key through it' });

for (let i = 0; i < n; i++) {
  const acct = String(200000000000 + i);
  const id = 'consumer-' + acct;
  const s = new TerraformStack(app, id);
  new AwsProvider(s, 'aws', {
    region: 'us-west-2', allowedAccountIds: [acct],
    assumeRole: [{ roleArn: `arn:aws:iam::${acct}:role/deploy`, sessionName: 'keyshare' }],
    defaultTags: [{ tags: { ManagedBy: 'keyshare' } }],
  });
  new LocalBackend(s, { path: `../../../terraform.${id}.tfstate` });
  const keyData = new DataAwsKmsKey(s, 'shared-key', { keyId: 'arn:aws:kms:us-west-2:111122223333:alias/golden-ami' });
  const role = new DataAwsIamRole(s, 'autoscaling-role', { name: 'AWSServiceRoleForAutoScaling' });
  const policy = new IamPolicy(s, 'policy', {
    name: 'keyshare-golden-ami',
    description: 'Create the Auto Scaling grant on the shared AMI key and use it through EC2 (keyshare)',
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Sid: 'DescribeSharedKey', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: KEY_ARN },
      { Sid: 'CreateAutoScalingGrantOnSharedKey', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY_ARN, Condition: {
        StringEquals: { 'kms:GranteePrincipal': `arn:aws:iam::${acct}:${SLR}` }, 'ForAllValues:StringEquals': { 'kms:GrantOperations': OPS } } },
      { Sid: 'UseSharedKeyThroughEc2', Effect: 'Allow', Action: USE, Resource: KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } },
      { Sid: 'AttachSharedKeyThroughEc2', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY_ARN, Condition: {
        StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, Bool: { 'kms:GrantIsForAWSResource': true } } },
    ] }),
  });
  const grant = new KmsGrant(s, 'grant', {
    name: 'keyshare-autoscaling', keyId: keyData.arn,
    granteePrincipal: `arn:aws:iam::${acct}:${SLR}`,
    operations: OPS, retireOnDelete: true, dependsOn: [role],
  });
  new TerraformOutput(s, 'grant_id', { value: grant.grantId, description: 'ID of the Auto Scaling grant' });
  new TerraformOutput(s, 'policy_arn', { value: policy.arn, description: 'IAM policy for grant creators and launchers' });
  s.addDependency(owner);
}
app.synth();
