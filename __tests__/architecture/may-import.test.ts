import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../support/cli';

/** MAY_IMPORT, as the lint reads it: eslint.config.mjs is an ES module, so a child node imports it. */
function lintTable(): Record<string, string[]> {
  const script = "import { MAY_IMPORT } from './eslint.config.mjs'; process.stdout.write(JSON.stringify(MAY_IMPORT));";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

/** `src/policy/` → policy, `src/errors.ts` → errors, `modules/` → modules, `terraform/hcl` → terraform; `main.ts` stays. */
function folderName(token: string): string {
  if (token === 'main.ts') return token;
  return token
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .split('/')[0];
}

/** The "may import" column of ARCHITECTURE.md's table of folders: each row's backticked names outside parentheses. */
function documentedTable(): Record<string, string[]> {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Layers and what each folder holds'), doc.indexOf('## Data flow of each command'));
  // A row of the table: its first cell names the folder in backticks (`src/policy/`, constructs (in `modules/`)).
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && line.split(' | ')[0].includes('`'));
  const names = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => folderName(m[1]));
  return Object.fromEntries(
    rows.map((row) => {
      const cells = row.split(' | ');
      const mayImport = cells[cells.length - 1].replace(/\s*\|$/, '');
      let outside = mayImport;
      while (/\([^()]*\)/.test(outside)) outside = outside.replace(/\([^()]*\)/g, '');
      return [names(cells[0])[0], names(outside).sort()];
    }),
  );
}

test("ARCHITECTURE.md's may-import column is the lint's MAY_IMPORT", () => {
  const lint = Object.fromEntries(Object.entries(lintTable()).map(([folder, allowed]) => [folder, [...allowed].sort()]));
  expect(documentedTable()).toEqual(lint);
});

test('every folder of src/ has a row, so no folder escapes the rules', () => {
  const folders = fs
    .readdirSync(path.join(ROOT, 'src'))
    .filter((f) => f.endsWith('.ts') || fs.statSync(path.join(ROOT, 'src', f)).isDirectory())
    .map(folderName);
  expect(Object.keys(lintTable()).sort()).toEqual([...new Set([...folders, 'modules', 'main.ts'])].sort());
});
