import type { Rollout } from '../model/rollout';
import { organizationalUnitIdOf } from '../policy/arns';
import { stacksOf } from '../review/config-plans';
import { OWNER_STACK } from '../stacks/owner-stack';
import { hclString } from '../terraform/hcl';
import type { Adoptable } from './report';
import type { LaunchPermission } from './snapshot';

/**
 * Import IDs, as the AWS provider's importer parses them (terraform-provider-aws,
 * internal/service/ec2/ec2_ami_launch_permission.go: `<account ID | group | organization ARN | OU ARN>/<image ID>`).
 * Grants get no import block: provider 5.100.0 leaves `retire_on_delete` null on import, and the
 * argument forces a new grant, so an imported grant plans a replacement whose delete a consumer
 * cannot revoke across accounts (recorded by __tests__/e2e/adoption.test.ts). They need none: "When
 * this value [Name] is present, you can retry a CreateGrant request with identical parameters; if
 * the grant already exists, the original GrantId is returned without creating a new grant" (KMS API
 * reference, CreateGrant, Name), so creating keyshare's named grant adopts the one that exists.
 * `aws_snapshot_create_volume_permission` has no importer; creating one that exists is idempotent
 * (ModifySnapshotAttribute adds a permission the snapshot already has), so it needs none either.
 */
export function launchPermissionImportId(imageId: string, p: LaunchPermission): string {
  return `${p.userId ?? p.group ?? p.organizationArn ?? p.organizationalUnitArn}/${imageId}`;
}

interface ImportBlock {
  readonly to: string;
  readonly id: string;
}

/** Terraform identifiers as cdktf writes resource names: letters, digits, `_` and `-`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function block(b: ImportBlock): string {
  return `import {\n  to = ${b.to}\n  id = ${hclString(b.id)}\n}\n`;
}

const HEADER =
  '# Written by keyshare audit --emit-imports: these resources already exist as keyshare would create them.\n' +
  '# Terraform adopts them at the next plan and apply instead of creating duplicates.\n';

/** The resource of `type` in `stack` whose attributes match, as `type.name`. */
function address(stack: Map<string, Record<string, Record<string, unknown>>>, type: string, match: (attrs: Record<string, unknown>) => boolean) {
  const names = Object.entries(stack.get(type) ?? {})
    .filter(([, attrs]) => match(attrs))
    .map(([name]) => name);
  return names.length === 1 && IDENTIFIER.test(names[0]) ? `${type}.${names[0]}` : undefined;
}

/**
 * `import` blocks that adopt what exists, one file per root, in both layouts keyshare writes:
 * `synth/<stack>/keyshare-imports.tf` beside synth's `cdk.tf.json` (Terraform reads `.tf` and
 * `.tf.json` files of a directory together; synth keeps files it did not write) with the resource
 * addresses of the synthesized stacks, and `generate/owner/…`, `generate/accounts/<id>/…` for the
 * roots `generate` writes (their module calls and `for_each` keys, templates/generate and
 * templates/modules).
 */
export function importFiles(adoptable: Adoptable, rollout: Rollout): Map<string, string> {
  const stacks = stacksOf(rollout);
  const resources = (name: string) => new Map(Object.entries(stacks.get(name)?.resource ?? {}));
  const files = new Map<string, string>();
  const add = (path: string, b: ImportBlock) => files.set(path, `${files.get(path) ?? ''}${files.has(path) ? '\n' : ''}${block(b)}`);

  const owner = resources(OWNER_STACK);
  for (const { imageId, permission: p } of adoptable.launchPermissions) {
    const id = launchPermissionImportId(imageId, p);
    const to = address(
      owner,
      'aws_ami_launch_permission',
      (a) =>
        a.image_id === imageId &&
        (p.userId
          ? a.account_id === p.userId
          : p.organizationArn
            ? a.organization_arn === p.organizationArn
            : a.organizational_unit_arn === p.organizationalUnitArn),
    );
    if (to) add(`synth/${OWNER_STACK}/keyshare-imports.tf`, { to, id });
    const key = p.userId
      ? `account["${imageId}/${p.userId}"]`
      : p.organizationArn
        ? `organization["${imageId}"]`
        : `organizational_unit["${imageId}/${organizationalUnitIdOf(p.organizationalUnitArn!)}"]`;
    add('generate/owner/keyshare-imports.tf', { to: `module.key_owner.aws_ami_launch_permission.${key}`, id });
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, text]) => [path, `${HEADER}\n${text}`]));
}
