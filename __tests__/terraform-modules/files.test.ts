import { parse } from '@cdktf/hcl2json';
import { AUTOSCALING_GRANT_OPERATIONS } from '../../src/policy/actions';
import { renderTerraformModules, terraformModules } from '../../src/terraform-modules';
import { TERRAFORM_REQUIRED_VERSION } from '../../src/terraform-modules/spec';
import { terraform, writeTree } from '../support/terraform-cli';
import { requireTerraform } from '../support/terraform';

/**
 * The generated modules as files: complete, fmt-clean, parseable, deterministic. key-owner and
 * consumer-grant need the AWS provider, which cannot be installed here, so `terraform validate`
 * cannot run on them; HashiCorp's HCL parser (@cdktf/hcl2json) reads them instead.
 */

const files = renderTerraformModules();
const MODULES = terraformModules();

/** The ```hcl blocks of a README, each a .tf file of its own. */
function usageBlocks(readme: string): string[] {
  return [...readme.matchAll(/```hcl\n([\s\S]*?)```/g)].map((m) => m[1]);
}

type Parsed = Record<string, unknown> & {
  variable?: Record<string, { description?: string; type?: string; default?: unknown }[]>;
  output?: Record<string, { description?: string; value?: string }[]>;
  module?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>[]>>;
  terraform?: { required_version?: string; required_providers?: Record<string, unknown>[] }[];
};

async function parsed(path: string): Promise<Parsed> {
  const text = files.get(path);
  if (text === undefined) throw new Error(`${path} was not generated`);
  return (await parse(path, text)) as Parsed;
}

describe('generated Terraform modules', () => {
  test('each module has README.md, versions.tf, variables.tf, main.tf and outputs.tf, and nothing else', () => {
    expect(MODULES.map((m) => m.name)).toEqual(['key-policy', 'key-owner', 'consumer-grant']);
    for (const { name } of MODULES) {
      const own = [...files.keys()].filter((p) => p.startsWith(`${name}/`)).sort();
      expect(own).toEqual(['README.md', 'main.tf', 'outputs.tf', 'variables.tf', 'versions.tf'].map((f) => `${name}/${f}`));
    }
    expect(files.size).toBe(MODULES.length * 5);
  });

  test('rendering is deterministic', () => {
    expect(renderTerraformModules()).toEqual(files);
  });

  test('every .tf file, and every README example, parses with HashiCorp HCL', async () => {
    for (const [path, text] of files) {
      if (path.endsWith('.tf')) await expect(parse(path, text)).resolves.toBeInstanceOf(Object);
      else for (const [i, block] of usageBlocks(text).entries()) await expect(parse(`${path}#${i}`, block)).resolves.toBeInstanceOf(Object);
    }
  });

  test('versions.tf: key-policy needs no provider; key-owner and consumer-grant need aws', async () => {
    for (const { name, aws } of MODULES) {
      const [block] = (await parsed(`${name}/versions.tf`)).terraform ?? [];
      expect(block.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
      expect(block.required_providers).toEqual([aws ? { aws: { source: 'hashicorp/aws', version: expect.any(String) } } : {}]);
    }
  });

  test('every variable and output is described and typed, and the README tables list exactly them', async () => {
    for (const module of MODULES) {
      const variables = (await parsed(`${module.name}/variables.tf`)).variable ?? {};
      const outputs = (await parsed(`${module.name}/outputs.tf`)).output ?? {};
      expect(Object.keys(variables).sort()).toEqual(module.variables.map((v) => v.name).sort());
      expect(Object.keys(outputs).sort()).toEqual(module.outputs.map((o) => o.name).sort());
      for (const [name, [v]] of Object.entries(variables)) {
        expect({ name, description: v.description, type: v.type }).toEqual({
          name,
          description: expect.stringMatching(/\w/),
          type: expect.stringMatching(/\w/),
        });
      }
      const readme = files.get(`${module.name}/README.md`) ?? '';
      const listed = (section: string) => {
        const table = readme.split(`## ${section}`)[1]?.split('\n## ')[0] ?? '';
        return [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]).sort();
      };
      expect(listed('Inputs')).toEqual(Object.keys(variables).sort());
      expect(listed('Outputs')).toEqual(Object.keys(outputs).sort());
      expect(readme).toMatch(/## Usage\n/);
    }
  });

  test('key-owner passes every key-policy input through to ../key-policy', async () => {
    const [call] = (await parsed('key-owner/main.tf')).module?.key_policy ?? [];
    const keyPolicy = MODULES.find((m) => m.name === 'key-policy');
    expect(call.source).toBe('../key-policy');
    for (const v of keyPolicy?.variables ?? []) expect(call[v.name]).toBe(`\${var.${v.name}}`);
  });

  test("consumer-grant's grant names the key by its ARN, the role, and the Auto Scaling guide's operations", async () => {
    const [grant] = (await parsed('consumer-grant/main.tf')).resource?.aws_kms_grant?.autoscaling ?? [];
    expect(grant).toMatchObject({
      key_id: '${local.key_arn}',
      grantee_principal: '${local.service_linked_role_arn}',
      operations: [...AUTOSCALING_GRANT_OPERATIONS],
      retire_on_delete: true,
    });
  });

  describe('in real Terraform', () => {
    beforeAll(() => requireTerraform());

    test('every generated .tf file and README example passes terraform fmt -check', async () => {
      const examples = new Map(
        [...files].flatMap(([path, text]) =>
          path.endsWith('README.md') ? usageBlocks(text).map((b, i) => [`${path}.example${i}.tf`, b] as const) : [],
        ),
      );
      const { dir, cleanup } = writeTree(new Map([...files, ...examples]));
      try {
        const fmt = await terraform(dir, 'fmt', '-check', '-diff', '-recursive', '-no-color');
        expect(fmt.stdout).toBe('');
        expect(fmt.ok).toBe(true);
        expect(examples.size).toBeGreaterThanOrEqual(MODULES.length);
      } finally {
        cleanup();
      }
    });
  });
});
