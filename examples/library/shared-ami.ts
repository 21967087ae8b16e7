import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { AmiShare } from '../../modules/ami-share';
import { ConsumerGrant } from '../../modules/consumer-grant';
import { KeyOwner } from '../../modules/key-owner';

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const REGION = 'eu-west-1';

/** Your own two stacks: the images account shares its key and AMI with one workload account. */
export function sharedAmiApp(outdir?: string): App {
  const app = new App({ outdir });

  const images = new TerraformStack(app, 'images');
  new AwsProvider(images, 'aws', { region: REGION, allowedAccountIds: [OWNER] });
  const key = new KeyOwner(images, 'ami-key', { account: OWNER, region: REGION, alias: 'golden-ami' });
  key.grantAutoScalingLaunch({ account: CONSUMER });
  new AmiShare(images, 'ami', { amis: [{ id: 'ami-0a1b2c3d4e5f60718' }], accounts: [CONSUMER] });

  const workload = new TerraformStack(app, 'workload');
  new AwsProvider(workload, 'aws', { region: REGION, allowedAccountIds: [CONSUMER] });
  // The alias ARN is known before the key exists; DescribeKey resolves it across accounts.
  const sharedKey = new DataAwsKmsKey(workload, 'shared-key', { keyId: key.aliasArn });
  new ConsumerGrant(workload, 'launch-grant', { account: CONSUMER, region: REGION, keyArn: sharedKey.arn });
  workload.addDependency(images);

  return app;
}
