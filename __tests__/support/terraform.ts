import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './temp';

/**
 * Fails, loudly, when `terraform` is not on PATH, saying what the test needed it for: a test that
 * needs Terraform must never pass, or fail obscurely, without it. Call it in `beforeAll` (or first
 * thing in the helper that runs Terraform).
 */
export function requireTerraform(purpose = 'it runs real Terraform'): void {
  try {
    // Jest gives each test file its own process.env; passing it lets a test hide terraform.
    execFileSync('terraform', ['version'], { stdio: 'ignore', env: process.env });
  } catch {
    throw new Error(
      `terraform is not on PATH, and this test needs it: ${purpose}. Install Terraform 1.6 or later (https://developer.hashicorp.com/terraform/install; it runs offline here) and run the tests again.`,
    );
  }
}

/**
 * Evaluates Terraform expressions with the real `terraform` binary, offline: a root module with
 * only variables and outputs needs no provider. Returns each output's value.
 */
export function evaluateWithTerraform(outputs: Record<string, string>, variables: Record<string, string> = {}): Record<string, unknown> {
  requireTerraform('it evaluates Terraform expressions to the values AWS would receive');
  const dir = tempDir('keyshare-tf-');
  const module: Record<string, unknown> = { output: Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value }])) };
  if (Object.keys(variables).length > 0) {
    module.variable = Object.fromEntries(Object.keys(variables).map((v) => [v, { type: 'string' }]));
  }
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(module));
  const tf = (...args: string[]) => execFileSync('terraform', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  tf('init', '-input=false', '-no-color');
  tf('apply', '-auto-approve', '-input=false', '-no-color', ...Object.entries(variables).map(([k, v]) => `-var=${k}=${v}`));
  const out = JSON.parse(tf('output', '-json', '-no-color')) as Record<string, { value: unknown }>;
  fs.rmSync(dir, { recursive: true, force: true });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
}
