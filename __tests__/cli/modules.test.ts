import * as fs from 'fs';
import * as path from 'path';
import { renderTerraformModules } from '../../src/terraform-modules';
import { expectBadInput, keyshare } from '../support/cli';
import { keyshareInProcess } from './in-process';
import { tempDir } from '../support/temp';

function tmp(): string {
  return tempDir('keyshare-modules-');
}

/** Every file under `dir` but the manifest, by relative path. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== '.keyshare-manifest.json') out.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('keyshare modules', () => {
  const dirs: string[] = [];
  const workdir = () => {
    const d = tmp();
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('writes the three modules, byte for byte what renderTerraformModules() renders, and says so', () => {
    const dir = workdir();
    const r = keyshare(['modules', '--out', 'tf/modules'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^keyshare: wrote 3 Terraform modules into tf\/modules \(15 files, 15 changed\)\n/);
    expect(r.stdout).toMatch(/tf\/modules\/key-policy: no provider, runs offline/);
    expect(tree(path.join(dir, 'tf/modules'))).toEqual(renderTerraformModules());
  });

  test('gives byte-identical output from any working directory', async () => {
    const a = workdir();
    const b = workdir();
    fs.mkdirSync(path.join(b, 'nested'));
    expect((await keyshareInProcess(['modules', '--out', path.join(a, 'out')])).status).toBe(0);
    expect(keyshare(['modules', '--out', '../out'], path.join(b, 'nested')).status).toBe(0);
    expect(fs.readFileSync(path.join(a, 'out/.keyshare-manifest.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(b, 'out/.keyshare-manifest.json'), 'utf8'),
    );
    expect(tree(path.join(a, 'out'))).toEqual(tree(path.join(b, 'out')));
  });

  test('a rerun keeps files the user added and reports them; json lists what changed', async () => {
    const dir = workdir();
    expect((await keyshareInProcess(['modules', '--out', path.join(dir, 'm')])).status).toBe(0);
    fs.writeFileSync(path.join(dir, 'm/key-policy/terraform.tfvars'), 'owner_account_id = "111122223333"\n');
    const r = await keyshareInProcess(['modules', '--out', path.join(dir, 'm'), '--format', 'json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { changed: string[]; kept: string[]; written: string[]; modules: { name: string }[] };
    expect(summary.changed).toEqual([]);
    expect(summary.kept).toEqual(['key-policy/terraform.tfvars']);
    expect(summary.written).toHaveLength(15);
    expect(summary.modules.map((m) => m.name)).toEqual(['key-policy', 'key-owner', 'consumer-grant']);
    expect(fs.readFileSync(path.join(dir, 'm/key-policy/terraform.tfvars'), 'utf8')).toBe('owner_account_id = "111122223333"\n');
  });

  test('refuses a directory keyshare did not write, and changes nothing in it (exit 2, one line)', async () => {
    const dir = workdir();
    fs.mkdirSync(path.join(dir, 'infra'));
    fs.writeFileSync(path.join(dir, 'infra/main.tf'), 'locals {}\n');
    const infra = path.join(dir, 'infra');
    expectBadInput(await keyshareInProcess(['modules', '--out', infra]), /--out/, new RegExp(`"${infra}"`));
    expect(fs.readdirSync(path.join(dir, 'infra'))).toEqual(['main.tf']);
  });

  test('refuses a missing --out and a --out that is a file (exit 2)', async () => {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expectBadInput(await keyshareInProcess(['modules', '--out', path.join(dir, 'file')]), /--out/, /not a directory/);
    expect(keyshare(['modules'], dir).status).toBe(2);
    expect(fs.readFileSync(path.join(dir, 'file'), 'utf8')).toBe('x');
  });
});
