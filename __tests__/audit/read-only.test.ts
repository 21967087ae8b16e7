import * as fs from 'fs';
import * as path from 'path';
import { READ_COMMANDS } from '../../src/audit/aws';
import { collect, COLLECT_DEFAULTS, assumeRoleIn } from '../../src/audit/collect';
import { REGION, rollout } from '../support/rollouts';
import { BASE_CREDENTIALS, deployedOrg, serve } from './fake-org';

const SRC = path.join(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** AssumeRole changes nothing: it returns temporary credentials for a role the caller is trusted to assume. */
const READ = /^(Get|List|Describe)[A-Z]/;
const isRead = (command: string) => READ.test(command) || command === 'AssumeRoleCommand';

describe('audit sends reads only', () => {
  const commands = Object.entries(READ_COMMANDS).flatMap(([service, byName]) => Object.keys(byName).map((name) => `${service}:${name}`));

  test('every SDK command the code can send is a Get, List or Describe (and sts:AssumeRole)', () => {
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((c) => !isRead(c.split(':')[1]))).toEqual([]);
  });

  test('no file in src/ but src/audit/aws.ts imports a value from an AWS SDK client', () => {
    const importers = sources(SRC).filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      // `import type` brings no command that could be sent.
      return /^import (?!type )[^;]*from '@aws-sdk\//m.test(text);
    });
    expect(importers.map((f) => path.relative(SRC, f))).toEqual([path.join('audit', 'aws.ts')]);
  });

  test('src/audit/aws.ts constructs no command it does not list', () => {
    const text = fs.readFileSync(path.join(SRC, 'audit', 'aws.ts'), 'utf8');
    const imported = [...text.matchAll(/\b(\w+Command)\b/g)].map((m) => m[1]);
    const listed = new Set(commands.map((c) => c.split(':')[1]));
    expect(imported.filter((c) => !listed.has(c))).toEqual([]);
  });

  test('a whole audit makes only such calls', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    const served = serve(org);
    try {
      await collect(r, { ...COLLECT_DEFAULTS, region: REGION, base: { credentials: BASE_CREDENTIALS }, access: assumeRoleIn(r, 'audit') });
    } finally {
      served.restore();
    }
    const operations = [...new Set(org.log.map((l) => l.split(' ')[1].split(':')[1]))];
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((op) => !isRead(`${op}Command`))).toEqual([]);
  });
});
