import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Evaluates Terraform expressions with the real `terraform` binary, offline: a root module with
 * only variables and outputs needs no provider. Returns each output's value.
 */
export function evaluateWithTerraform(
  outputs: Record<string, string>,
  variables: Record<string, string> = {},
): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-tf-'));
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
