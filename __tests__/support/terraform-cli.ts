import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { tempDir } from './temp';

const run = promisify(execFile);

export interface TerraformRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in `dir` without colour or prompts; never throws for a failing command. */
export async function terraform(dir: string, ...args: string[]): Promise<TerraformRun> {
  try {
    const { stdout, stderr } = await run('terraform', [...args], {
      cwd: dir,
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', NO_COLOR: '1', CHECKPOINT_DISABLE: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** A temporary directory holding `files`, removed by the returned cleanup. */
export function writeTree(files: ReadonlyMap<string, string> | Readonly<Record<string, string>>): { dir: string; cleanup: () => void } {
  const dir = tempDir('keyshare-tfmod-');
  const entries = files instanceof Map ? [...files] : Object.entries(files);
  for (const [rel, content] of entries) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes `files`, runs `terraform init` and `apply` (offline: provider-free roots only), and returns
 * each root output's value. The directory is removed; a failing step throws with Terraform's message.
 */
export async function applyRoot(files: ReadonlyMap<string, string> | Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  const { dir, cleanup } = writeTree(files);
  try {
    for (const args of [
      ['init', '-backend=false'],
      ['apply', '-auto-approve'],
    ]) {
      const step = await terraform(dir, ...args, '-input=false', '-no-color');
      if (!step.ok) throw new Error(`terraform ${args[0]} failed:\n${step.stderr}`);
    }
    const outputs = JSON.parse((await terraform(dir, 'output', '-json', '-no-color')).stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.value]));
  } finally {
    cleanup();
  }
}

/** A root (Terraform JSON) that calls the module at `source` once per case, and outputs `output(name)` per case. */
export function moduleCalls(
  source: string,
  cases: Readonly<Record<string, object>>,
  output: (name: string) => string = (name) => `\${module.${name}}`,
): string {
  return JSON.stringify({
    module: Object.fromEntries(Object.entries(cases).map(([name, inputs]) => [name, { source, ...inputs }])),
    output: Object.fromEntries(Object.keys(cases).map((name) => [name, { value: output(name) }])),
  });
}
