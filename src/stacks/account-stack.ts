import { Construct } from 'constructs';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Backend } from '../model/rollout';
import { toTerraformResolvedOnce } from './resolve-once';

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
    }
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
}
