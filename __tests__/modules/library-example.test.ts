import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { AmiLaunchPermission } from '@cdktf/provider-aws/lib/ami-launch-permission';
import { KmsGrant } from '@cdktf/provider-aws/lib/kms-grant';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { sharedAmiApp } from '../../examples/library/shared-ami';
import { SID } from '../../src/policy/key-policy';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

Testing.setupJest();

const EXAMPLE = path.join(ROOT, 'examples/library/shared-ami.ts');

describe("the README's library example", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = tempDir('keyshare-library-');
    sharedAmiApp(outdir).synth();
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const stack = (name: string) => fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');

  test('is in the README exactly as the file the test runs', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${fs.readFileSync(EXAMPLE, 'utf8')}\`\`\``);
  });

  test('the images stack: the key names the workload account in its policy, and the AMI is shared with it', () => {
    const images = stack('images');
    expect(images).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(images).toContain(SID.consumerGrant('444455556666'));
    expect(images).toHaveResourceWithProperties(AmiLaunchPermission, { image_id: 'ami-0a1b2c3d4e5f60718', account_id: '444455556666' });
  });

  test('the workload stack: the grant on the key resolved through its alias ARN, after the images stack', () => {
    const workload = stack('workload');
    expect(workload).toHaveResourceWithProperties(KmsGrant, { key_id: '${data.aws_kms_key.shared-key.arn}' });
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks.workload.dependencies).toEqual(['images']);
  });
});
