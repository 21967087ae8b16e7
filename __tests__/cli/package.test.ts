import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

/**
 * keyshare as a package a user pins: what `npm pack` would publish (the `files` whitelist, the
 * `exports` map with types), installed by copying exactly those files into a project's
 * node_modules, where `require('keyshare')` and the `keyshare` command must work.
 */

const { compiledIsCurrent } = require('../../bin/compiled') as { compiledIsCurrent: (root: string) => boolean };

// What is packed is dist/: build it when a source changed since (npm ci's prepare built it on a fresh
// clone; a checkout or an edit since makes it stale), as prepack would before publishing.
if (!compiledIsCurrent(ROOT)) execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'inherit' });

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const packed: string[] = (
  JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as {
    files: { path: string }[];
  }[]
)[0].files.map((f) => f.path);

test('publishable: not private, prepack builds dist/, a files whitelist without tests or sources', () => {
  expect(pkg.private).toBeUndefined();
  expect(pkg.scripts.prepack).toBe('node scripts/build.js');
  expect(packed).toEqual(expect.arrayContaining(['package.json', 'bin/keyshare.js', 'dist/index.js', 'dist/index.d.ts', 'dist/src/cli/main.js']));
  expect(packed.filter((f) => /^(__tests__|src|bench|examples)\//.test(f) || /\.ts$/.test(f.replace(/\.d\.ts$/, '')))).toEqual([]);
  expect(packed.some((f) => f.startsWith('templates/generate/'))).toBe(true);
});

test('every target of `exports` is in the package, types first', () => {
  expect(Object.keys(pkg.exports['.'])).toEqual(['types', 'default']);
  for (const target of [pkg.exports['.'].types, pkg.exports['.'].default, pkg.main, pkg.types]) expect(packed).toContain(target.replace(/^\.\//, ''));
});

describe('installed from the packed files', () => {
  const project = tempDir('keyshare-installed-');
  const installed = path.join(project, 'node_modules', 'keyshare');
  beforeAll(() => {
    for (const rel of packed) {
      fs.mkdirSync(path.dirname(path.join(installed, rel)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, rel), path.join(installed, rel));
    }
    // Its dependencies, as npm would have installed them beside it.
    for (const dep of Object.keys(pkg.dependencies)) {
      const at = path.join(project, 'node_modules', dep);
      fs.mkdirSync(path.dirname(at), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), at);
    }
  });

  test("require('keyshare') gives the constructs library", () => {
    const script = "const k = require('keyshare'); console.log(Object.keys(k).sort().join(','))";
    expect(execFileSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' }).trim()).toBe(
      'AmiShare,AutoScalingServiceLinkedRole,ConsumerGrant,KeyOwner',
    );
  });

  test('keyshare --version prints the package version, and a command runs from the packed files alone', () => {
    const bin = path.join(installed, 'bin/keyshare.js');
    const version = spawnSync(process.execPath, [bin, '--version'], { cwd: project, encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const check = spawnSync(process.execPath, [bin, 'check', '--config', path.join(ROOT, 'examples/keyshare.yaml')], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
