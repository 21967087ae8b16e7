import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../../src/errors';
import { checkOutputDir, MANIFEST_FILE, replaceOutput } from '../../src/output';
import { BACKGROUND_REMOVAL_FILES } from '../../src/output/tree';
import { ROOT } from '../support/cli';
import { listing, listingOutside, tmp, write } from '../support/tree';

const req = (dir: string, kind = 'synth') => ({ dir, flag: '--out', kind });
const files = (o: Record<string, string>) => ({ files: new Map(Object.entries(o)) });
const V1 = { 'stacks/a/cdk.tf.json': '{"a":1}', 'stacks/b/cdk.tf.json': '{"b":1}', 'manifest.json': '{}' };
const V2 = { 'stacks/a/cdk.tf.json': '{"a":2}', 'stacks/c/cdk.tf.json': '{"c":1}', 'manifest.json': '{}' };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^--out: .*Fix: /);
    return message;
  }
  throw new Error('expected a refusal');
}

describe('replaceOutput', () => {
  test('writes a new directory with a manifest of what it generated, and reports it', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    const s = replaceOutput(req(out), files(V1));
    expect(s).toEqual({ dir: out, written: Object.keys(V1).sort(), changed: Object.keys(V1).sort(), kept: [], removed: [] });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ format: 'keyshare-output', version: 1, tool: 'keyshare', kind: 'synth' });
    expect(Object.keys(manifest.files)).toEqual(Object.keys(V1).sort());
    expect(manifest.files['manifest.json']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  test('replaces only generated files; keeps and reports what the user put there', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    replaceOutput(req(out), files(V1));
    write(out, {
      'terraform.tfvars': 'x = 1',
      'keyshare.yaml': 'owner: {}',
      'stacks/a/.terraform/providers/p': 'binary',
      'stacks/a/.terraform.lock.hcl': 'lock',
      'stacks/b/notes.md': 'mine',
    });
    fs.symlinkSync('../terraform.tfvars', path.join(out, 'stacks/a/link.tfvars'));
    const s = replaceOutput(req(out), files(V2));
    expect(s.kept).toEqual([
      'keyshare.yaml',
      'stacks/a/.terraform/',
      'stacks/a/.terraform.lock.hcl',
      'stacks/a/link.tfvars',
      'stacks/b/notes.md',
      'terraform.tfvars',
    ]);
    expect(s.removed).toEqual(['stacks/b/cdk.tf.json']);
    expect(s.changed).toEqual(['stacks/a/cdk.tf.json', 'stacks/c/cdk.tf.json']);
    const after = listing(out);
    expect(after['stacks/a/.terraform/providers/p']).toBe('binary');
    expect(after['stacks/a/link.tfvars']).toBe('-> ../terraform.tfvars');
    expect(after['stacks/b/notes.md']).toBe('mine');
    expect(after['stacks/b/cdk.tf.json']).toBeUndefined();
    expect(after['stacks/a/cdk.tf.json']).toBe('{"a":2}');
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  test('the same content twice changes nothing and reports no change', () => {
    const out = path.join(tmp(), 'out');
    replaceOutput(req(out), files(V1));
    const before = listing(out);
    expect(replaceOutput(req(out), files(V1)).changed).toEqual([]);
    expect(listing(out)).toEqual(before);
  });

  test.each([
    ['a web app with its own manifest.json', { 'manifest.json': '{"name":"app"}', 'index.html': '<html>' }, /has no \.keyshare-manifest\.json/],
    ['a manifest of another tool', { [MANIFEST_FILE]: '{"format":"other"}', x: '1' }, /not written by keyshare/],
    ['a manifest that is not JSON', { [MANIFEST_FILE]: 'garbage', x: '1' }, /not valid JSON/],
    [
      'a manifest of a newer keyshare',
      { [MANIFEST_FILE]: '{"format":"keyshare-output","tool":"keyshare","version":99,"kind":"synth","files":{}}' },
      /version 99/,
    ],
    [
      'a manifest listing ../ paths',
      { [MANIFEST_FILE]: '{"format":"keyshare-output","tool":"keyshare","version":1,"kind":"synth","files":{"../x":"sha256:0"}}' },
      /outside/,
    ],
  ])('refuses %s and changes nothing', (_name, contents, pattern) => {
    const dir = path.join(tmp(), 'public');
    write(dir, contents);
    const before = listing(path.dirname(dir));
    expect(refusal(() => replaceOutput(req(dir), files(V1)))).toMatch(pattern);
    expect(listing(path.dirname(dir))).toEqual(before);
  });

  test('a manifest.json that is a directory does not make a directory keyshare output', () => {
    const dir = path.join(tmp(), 'o');
    fs.mkdirSync(path.join(dir, 'manifest.json'), { recursive: true });
    fs.mkdirSync(path.join(dir, MANIFEST_FILE));
    expect(refusal(() => checkOutputDir(req(dir)))).toMatch(/not a regular file/);
  });

  test('a directory that is not keyshare output: the fix suggests another, never the one it refused', () => {
    const parent = tmp();
    const dir = path.join(parent, 'cdktf.out');
    write(dir, { 'notes.txt': 'mine' });
    fs.mkdirSync(path.join(parent, 'cdktf.out-synth'));
    const message = refusal(() => checkOutputDir(req(dir)));
    expect(message).toContain(`Fix: name a new or empty directory, such as --out ${dir}-synth-2, or a previous keyshare synth output`);
  });

  test('one kind of output is not replaced by another', () => {
    const out = path.join(tmp(), 'modules');
    replaceOutput(req(out, 'generate'), files(V1));
    expect(refusal(() => replaceOutput(req(out, 'synth'), files(V2)))).toMatch(/holds keyshare generate output/);
  });

  test('a generated file edited since is not overwritten', () => {
    const out = path.join(tmp(), 'out');
    replaceOutput(req(out), files(V1));
    fs.writeFileSync(path.join(out, 'stacks/a/cdk.tf.json'), '{"a":"hand edit"}');
    const before = listing(out);
    expect(refusal(() => replaceOutput(req(out), files(V2)))).toMatch(/stacks\/a\/cdk\.tf\.json changed since keyshare wrote it/);
    expect(listing(out)).toEqual(before);
  });

  test('a user file where the new output generates one is refused, not overwritten', () => {
    const out = path.join(tmp(), 'out');
    replaceOutput(req(out), files(V1));
    write(out, { 'stacks/c/cdk.tf.json': 'mine' });
    const before = listing(out);
    expect(refusal(() => replaceOutput(req(out), files(V2)))).toMatch(/stacks\/c\/cdk\.tf\.json was not written by keyshare/);
    expect(listing(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  test('--out as a symbolic link to a previous output keeps the link and replaces its target', () => {
    const root = tmp();
    replaceOutput(req(path.join(root, 'real')), files(V1));
    fs.symlinkSync('real', path.join(root, 'link'));
    replaceOutput(req(path.join(root, 'link')), files(V2));
    expect(fs.lstatSync(path.join(root, 'link')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'real/stacks/a/cdk.tf.json'), 'utf8')).toBe('{"a":2}');
    expect(fs.existsSync(path.join(root, 'real/stacks/b'))).toBe(false);
    expect(fs.readdirSync(root).sort()).toEqual(['link', 'real']);
  });

  test('a dangling symbolic link is refused', () => {
    const root = tmp();
    fs.symlinkSync('nowhere', path.join(root, 'link'));
    expect(refusal(() => replaceOutput(req(path.join(root, 'link')), files(V1)))).toMatch(/symbolic link to a directory that does not exist/);
  });

  test('the output directory gets the mode the umask gives, or keeps the one it had', () => {
    const root = tmp();
    const old = process.umask(0o027);
    try {
      replaceOutput(req(path.join(root, 'out')), files(V1));
      expect(fs.statSync(path.join(root, 'out')).mode & 0o777).toBe(0o750);
      fs.chmodSync(path.join(root, 'out'), 0o755);
      replaceOutput(req(path.join(root, 'out')), files(V2));
      expect(fs.statSync(path.join(root, 'out')).mode & 0o777).toBe(0o755);
    } finally {
      process.umask(old);
    }
  });

  test.each([
    ['a parent that is a file', (root: string) => (fs.writeFileSync(path.join(root, 'f'), 'x'), path.join(root, 'f/out')), /a file, not a directory/],
    ['a path that is a file', (root: string) => (fs.writeFileSync(path.join(root, 'f'), 'x'), path.join(root, 'f')), /not a directory/],
    ['a path under /proc', () => '/proc/keyshare-out', /cannot|not permitted|denied|does not exist/],
    ['the root directory', () => '/', /root of the file system/],
    ['an empty path', () => '', /not a directory path/],
  ])('--out as %s is bad input naming --out and the fix', (_name, make, pattern) => {
    const root = tmp();
    const dir = make(root);
    const before = listing(root);
    expect(refusal(() => replaceOutput(req(dir), files(V1)))).toMatch(pattern);
    expect(listing(root)).toEqual(before);
  });

  // Root writes through a 0555 directory, so as root the write runs in a child that drops to `nobody`.
  test('a read-only parent is bad input', () => {
    const root = tmp();
    fs.chmodSync(root, 0o555);
    try {
      const out = path.join(root, 'out');
      if (process.getuid?.() !== 0) {
        expect(refusal(() => replaceOutput(req(out), files(V1)))).toMatch(/permission denied/);
        return;
      }
      const child = path.join(__dirname, 'unprivileged-child.ts');
      const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', child, out], { cwd: ROOT, encoding: 'utf8' });
      const refused = JSON.parse(r.stdout) as { name?: string; message?: string };
      expect(refused.name).toBe('InputError');
      expect(refused.message).toMatch(/^--out: .*permission denied.*Fix: /);
      expect(fs.readdirSync(root)).toEqual([]);
    } finally {
      fs.chmodSync(root, 0o755);
    }
  });

  test('a lock held by a live process refuses with the lock path; one left by a dead process is taken over', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    const lock = path.join(root, '.out.keyshare-lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
    expect(refusal(() => replaceOutput(req(out), files(V1)))).toMatch(/another keyshare run \(process \d+ .*remove the lock .*\.out\.keyshare-lock/);
    expect(fs.existsSync(out)).toBe(false);
    fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname() }));
    replaceOutput(req(out), files(V1));
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  test('a failing stager leaves the previous output and nothing beside it', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    replaceOutput(req(out), files(V1));
    const before = listing(root);
    expect(() =>
      replaceOutput(req(out), {
        stage: (dir) => {
          fs.writeFileSync(path.join(dir, 'half'), 'x');
          throw new Error('synthesis failed');
        },
      }),
    ).toThrow('synthesis failed');
    expect(listing(root)).toEqual(before);
  });

  test('a full disk while staging is bad input naming --out, and leaves nothing beside it', () => {
    const root = tmp();
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const message = refusal(() =>
      replaceOutput(req(path.join(root, 'out')), {
        stage: () => {
          throw full;
        },
      }),
    );
    expect(message).toMatch(/no space left on the device/);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('after a kill between the two renames, the next run restores the old output first; staging leftovers go', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    replaceOutput(req(out), files(V1));
    write(out, { 'terraform.tfvars': 'mine' });
    const old = listing(out);
    fs.renameSync(out, path.join(root, '.out.keyshare-old-1-aaaa'));
    fs.mkdirSync(path.join(root, '.out.keyshare-staging-1-bbbb/stacks'), { recursive: true });
    // The next run refuses (a user file would be overwritten), but only after recovering.
    write(path.join(root, '.out.keyshare-old-1-aaaa'), { 'stacks/c/cdk.tf.json': 'mine' });
    refusal(() => replaceOutput(req(out), files(V2)));
    expect(listing(out)).toEqual({ ...old, 'stacks/c/': expect.any(String), 'stacks/c/cdk.tf.json': 'mine' });
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  test('a large previous output leaves the tree at once and is deleted in the background; a leftover goes on the next run', async () => {
    const root = tmp();
    const out = path.join(root, 'out');
    const many = (v: string) => files(Object.fromEntries(Array.from({ length: BACKGROUND_REMOVAL_FILES + 1 }, (_, i) => [`roots/${i}/main.tf`, v])));
    const discards = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('keyshare-discard-')));
    replaceOutput(req(out), many('1'));
    const before = discards();
    replaceOutput(req(out), many('2'));
    expect(fs.readFileSync(path.join(out, 'roots/7/main.tf'), 'utf8')).toBe('2');
    // Nothing half-deleted beside the output for a `git add -A` to meet: the old tree went to the OS's temporary directory.
    expect(fs.readdirSync(root)).toEqual(['out']);
    const ours = [...discards()].filter((n) => !before.has(n));
    expect(ours).toHaveLength(1);
    // A hang guard, not a speed check: the detached remover empties it.
    for (let i = 0; i < 600 && fs.existsSync(path.join(os.tmpdir(), ours[0])); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(path.join(os.tmpdir(), ours[0]))).toBe(false);
    // A run killed after the swap leaves the old tree beside the output, even one with a read-only folder: the next run removes it.
    write(path.join(root, '.out.keyshare-old-1-aaaa'), { 'roots/1/main.tf': '1' });
    fs.chmodSync(path.join(root, '.out.keyshare-old-1-aaaa/roots/1'), 0o500);
    replaceOutput(req(out), many('3'));
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  test('a rerun links the files it would write unchanged; one changed, chmodded or linked elsewhere is written anew', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    replaceOutput(req(out), { ...files({ ...V1, 'run.sh': '#!/bin/sh\n' }), executable: new Set(['run.sh']) });
    const inode = (rel: string) => fs.statSync(path.join(out, rel)).ino;
    const before = Object.fromEntries(['stacks/a/cdk.tf.json', 'stacks/b/cdk.tf.json', 'manifest.json', 'run.sh'].map((rel) => [rel, inode(rel)]));
    fs.chmodSync(path.join(out, 'stacks/b/cdk.tf.json'), 0o600);
    fs.linkSync(path.join(out, 'manifest.json'), path.join(root, 'elsewhere.json'));
    // A chmod is no edit keyshare refuses (it compares contents): that file is written anew, with the mode writing gives.
    replaceOutput(req(out), { ...files({ ...V1, 'stacks/a/cdk.tf.json': '{"a":2}', 'run.sh': '#!/bin/sh\n' }), executable: new Set(['run.sh']) });
    expect(inode('run.sh')).toBe(before['run.sh']);
    expect(fs.statSync(path.join(out, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(inode('stacks/a/cdk.tf.json')).not.toBe(before['stacks/a/cdk.tf.json']);
    expect(inode('stacks/b/cdk.tf.json')).not.toBe(before['stacks/b/cdk.tf.json']);
    expect(fs.statSync(path.join(out, 'stacks/b/cdk.tf.json')).mode & 0o777).toBe(fs.statSync(path.join(out, 'manifest.json')).mode & 0o777);
    expect(inode('manifest.json')).not.toBe(before['manifest.json']);
    expect(fs.readFileSync(path.join(root, 'elsewhere.json'), 'utf8')).toBe('{}');
    expect(listing(out)).toMatchObject({ 'stacks/a/cdk.tf.json': '{"a":2}', 'stacks/b/cdk.tf.json': '{"b":1}', 'run.sh': '#!/bin/sh\n' });
  });

  test('work run alongside the writing that throws leaves the previous output and nothing beside it', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    replaceOutput(req(out), files(V1));
    const before = listing(root);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`roots/${i}/main.tf`, String(i)]));
    expect(() =>
      replaceOutput(req(out), {
        ...files(many),
        alongside: () => {
          throw new Error('not proven');
        },
      }),
    ).toThrow('not proven');
    expect(listing(root)).toEqual(before);
  });

  test('a file the writer cannot create is reported with its cause, and leaves nothing beside the output', () => {
    const root = tmp();
    const out = path.join(root, 'out');
    // A file and a folder at the same path: the file system refuses whichever of the two comes second.
    expect(() => replaceOutput(req(out), files({ a: 'x', 'a/b': 'y' }))).toThrow(/ENOTDIR|EEXIST|EISDIR/);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('files outside the directory are never touched, including unrelated dot-files beside it', () => {
    const root = tmp();
    write(root, { '.out.other': 'x', 'out2/file': 'y', '.out.keyshare-lockish': 'z' });
    const before = listingOutside(root, 'out');
    replaceOutput(req(path.join(root, 'out')), files(V1));
    replaceOutput(req(path.join(root, 'out')), files(V2));
    expect(listingOutside(root, 'out')).toEqual(before);
  });
});
