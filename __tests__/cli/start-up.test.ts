import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS } from '../../src/cli/commands';
import { ROOT } from '../support/cli';
import { keyshareInProcess } from './in-process';
import { tempDir } from '../support/temp';

const { compiledIsCurrent } = require('../../bin/compiled') as { compiledIsCurrent: (root: string) => boolean };

describe('the compiled CLI in dist/', () => {
  function project(): { root: string; at: (file: string, seconds: number) => void } {
    const root = tempDir('keyshare-build-');
    const at = (file: string, seconds: number) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), '');
      fs.utimesSync(path.join(root, file), seconds, seconds);
    };
    return { root, at };
  }

  test('runs when it was built after every source changed', () => {
    const { root, at } = project();
    at('main.ts', 1000);
    at('src/cli/main.ts', 1000);
    at('modules/key-owner/index.ts', 1000);
    at('dist/BUILT', 2000);
    expect(compiledIsCurrent(root)).toBe(true);
  });

  test.each(['main.ts', 'src/deep/er/new.ts', 'modules/key-owner/index.ts'])('is stale once %s changes after the build', (file) => {
    const { root, at } = project();
    at('src/cli/main.ts', 1000);
    at('dist/BUILT', 2000);
    at(file, 3000);
    expect(compiledIsCurrent(root)).toBe(false);
  });

  test('is not used before a build has finished', () => {
    const { root, at } = project();
    at('src/cli/main.ts', 1000);
    at('dist/src/cli/main.js', 2000);
    expect(compiledIsCurrent(root)).toBe(false);
  });
});

describe('keyshare --help', () => {
  test('lists every command with its description, loading none of them', () => {
    const script = `
      const { program } = require('./src/cli/main.ts');
      let help = '';
      const cli = program(['--help']).configureOutput({ writeOut: (s) => (help += s) });
      try { cli.parse(['--help'], { from: 'user' }); } catch {}
      const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(zod|yaml|handlebars|cdktf|@cloud-copilot)\\//.test(f) || /src\\/cli\\/commands\\/(?!index|descriptions)/.test(f));
      process.stdout.write(JSON.stringify({ help, loaded }));`;
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { help, loaded } = JSON.parse(r.stdout) as { help: string; loaded: string[] };
    expect(loaded).toEqual([]);
    for (const c of COMMANDS) expect(help.replace(/\s+/g, ' ')).toContain(`${c.name} ${c.description}`);
  });

  test.each([
    ['help', 'check'],
    ['check', '--help'],
  ])('keyshare %s %s shows the command with its options', async (...argv) => {
    const r = await keyshareInProcess(argv);
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(COMMANDS.find((c) => c.name === 'check')!.description);
    expect(r.stdout).toMatch(/--config <file>/);
  });
});
