import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './temp';
import { requireTerraform } from './terraform';

/**
 * A genuine plan from the real `terraform` binary, offline: built-in `terraform_data` resources
 * need no provider. The first configuration is applied; the second is planned against its state
 * and shown with `terraform show -json`. The directory is removed after the test file.
 */
export interface TerraformPlan {
  readonly dir: string;
  readonly file: string;
  readonly json: any;
}

export const FIRST_SECRET = 'first-secret-value';
export const SECOND_SECRET = 'second-secret-value';

const APPLIED = `
variable "secret" {
  type      = string
  sensitive = true
}
resource "terraform_data" "updated" { input = "v1" }
resource "terraform_data" "replaced" {
  input            = "r"
  triggers_replace = "t1"
}
resource "terraform_data" "deleted" { input = "gone" }
resource "terraform_data" "old" { input = "m" }
resource "terraform_data" "secret" { input = var.secret }
`;

const PLANNED = `
variable "secret" {
  type      = string
  sensitive = true
}
resource "terraform_data" "updated" { input = "v2" }
resource "terraform_data" "replaced" {
  input            = "r"
  triggers_replace = "t2"
}
resource "terraform_data" "renamed" { input = "m" }
moved {
  from = terraform_data.old
  to   = terraform_data.renamed
}
resource "terraform_data" "imported" { input = "i" }
import {
  to = terraform_data.imported
  id = "import-me"
}
resource "terraform_data" "created" { input = terraform_data.replaced.output }
resource "terraform_data" "secret" { input = var.secret }
`;
type Tf = (...args: string[]) => string;

/** A directory with `terraform init` run in it, and how to run terraform there. */
function initialized(files: Record<string, string>): { dir: string; tf: Tf } {
  requireTerraform('it generates the plan the review reads');
  const dir = tempDir('keyshare-review-tf-');
  const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };
  const tf: Tf = (...args) => execFileSync('terraform', args, { cwd: dir, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  tf('init', '-input=false', '-no-color');
  return { dir, tf };
}

function planAndShow(dir: string, tf: Tf, ...vars: string[]): TerraformPlan {
  tf('plan', '-input=false', '-no-color', ...vars, '-out=plan.out');
  const shown = tf('show', '-json', 'plan.out');
  const file = path.join(dir, 'plan.json');
  fs.writeFileSync(file, shown);
  return { dir, file, json: JSON.parse(shown) };
}

/**
 * A real plan of new objects only (no state): `files` are the configuration, by path (a module
 * in a subdirectory is allowed). For what the plan's `configuration` records of each expression.
 */
export function terraformPlanOf(files: Record<string, string>): TerraformPlan {
  const { dir, tf } = initialized(files);
  return planAndShow(dir, tf);
}

export function terraformPlan(): TerraformPlan {
  const { dir, tf } = initialized({ 'main.tf': APPLIED });
  tf('apply', '-auto-approve', '-input=false', '-no-color', `-var=secret=${FIRST_SECRET}`);
  fs.writeFileSync(path.join(dir, 'main.tf'), PLANNED);
  return planAndShow(dir, tf, `-var=secret=${SECOND_SECRET}`);
}
