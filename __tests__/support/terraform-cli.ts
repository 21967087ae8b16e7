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
