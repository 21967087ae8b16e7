import { Construct } from 'constructs';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Backend } from '../model/rollout';
import { toTerraformResolvedOnce } from './resolve-once';

// cdktf is pinned (0.21.0, deprecated upstream): its private synthesizer module path is stable.
const { StackSynthesizer } = require('cdktf/lib/synthesize/synthesizer') as {
  StackSynthesizer: new (stack: TerraformStack, continueOnErrorAnnotations: boolean, hclOutput: boolean) => TerraformStack['synthesizer'];
};
import { AWS_PROVIDER_VERSION, ROOT_TERRAFORM_VERSION } from '../terraform/versions';
import { terraformJsonMetadata, terraformJsonToHcl } from '../terraform/json-to-hcl';

/** From `<out>/stacks/<id>`, where Terraform runs, to the directory that holds `<out>`. */
const LOCAL_STATE_FROM_STACK_DIR = '../../..';

export interface AccountStackProps {
  readonly account: string;
  readonly region: string;
  /** Role Terraform assumes in `account`. @default the caller's credentials */
  readonly deployRoleArn?: string;
  /** @default local state */
  readonly backend?: Backend;
}

/**
 * A stack that deploys into exactly one account. `allowed_account_ids` makes Terraform refuse to
 * run with credentials for any other account, so a wrong profile cannot apply a consumer's grant
 * to the owner account or the reverse.
 */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    // cdktf 0.21 gives a stack's synthesizer the HCL setting from SYNTH_HCL_OUTPUT only, not from the
    // App's `hclOutput` (which `keyshare synth --hcl` sets); without this it writes JSON into cdk.tf.
    if (App.of(this).hclOutput) {
      this.synthesizer = new StackSynthesizer(this, process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined, true);
    }
    new AwsProvider(this, 'aws', {
      region: props.region,
      allowedAccountIds: [props.account],
      assumeRole: props.deployRoleArn ? [{ roleArn: props.deployRoleArn, sessionName: 'keyshare' }] : undefined,
      defaultTags: [{ tags: { ManagedBy: 'keyshare' } }],
    });
    const s3 = props.backend?.s3;
    if (!s3) {
      // State lives beside the output directory (Terraform runs in <out>/stacks/<id>), whatever
      // directory the command ran from: the same input gives the same files, and no synth into
      // <out> can ever replace the state. cdktf's default path is absolute, which would not.
      new LocalBackend(this, { path: `${LOCAL_STATE_FROM_STACK_DIR}/terraform.${id}.tfstate` });
    } else {
      new S3Backend(this, {
        bucket: s3.bucket,
        region: s3.region,
        key: `${s3.keyPrefix}/${id}.tfstate`,
        encrypt: true,
        assumeRole: s3.roleArn ? { roleArn: s3.roleArn } : undefined,
      });
      // S3 native state locking; cdktf 0.21's S3Backend predates the argument.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
    // cdktf pins the exact version its bindings were generated from; keyshare's stacks share one
    // range with the modules and generated roots (terraform/versions.ts).
    this.addOverride('terraform.required_version', ROOT_TERRAFORM_VERSION);
    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_VERSION);
  }

  /**
   * cdktf resolves every stack here, before writing any, only to find cross-stack references;
   * `toTerraform` finds them in its one resolve. HCL output (`synth --hcl`) keeps cdktf's passes.
   */
  override prepareStack(): void {
    if (App.of(this).hclOutput) super.prepareStack();
    else this.ensureBackendExists();
  }

  override toTerraform(): Record<string, unknown> {
    return toTerraformResolvedOnce(this);
  }

  /**
   * `synth --hcl`: the same configuration as `cdk.tf.json`, in native syntax, fmt-clean
   * (terraform/json-to-hcl.ts); cdktf's own renderer breaks the stack's `terraform` overrides.
   */
  override toHclTerraform(): { hcl: string; metadata: Record<string, unknown> } {
    const json = this.toTerraform() as Parameters<typeof terraformJsonToHcl>[0];
    return { hcl: terraformJsonToHcl(json), metadata: terraformJsonMetadata(json) };
  }
}
