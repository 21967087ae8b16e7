import * as fs from 'fs';
import * as path from 'path';
import { expectBadInput, keyshare } from '../support/cli';
import { manyConsumersYaml } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { exitCode } from '../../src/cli/exit';
import { RULES } from '../../src/policy/rules';

describe('keyshare check', () => {
  test('text: proven, exit 0', () => {
    const r = keyshare(['check', '--config', 'examples/keyshare.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^keyshare check: proven for 3 consumers/);
    expect(r.stdout).toMatch(/least privilege: (\d+)\/\1 probes as intended/);
  });

  test('json: one object, decisions in the contract vocabulary', () => {
    const r = keyshare(['check', '--config', 'examples/keyshare-org.yaml', '--format', 'json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.proven).toBe(true);
    const decisions = new Set(report.consumers.flatMap((c: any) => c.steps.map((s: any) => s.decision)));
    expect([...decisions]).toEqual(['Allowed']);
    expect(report.leastPrivilege.every((p: any) => p.ok && ['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'].includes(p.decision))).toBe(true);
  });

  test('markdown: a table for a pull request', () => {
    const r = keyshare(['check', '--config', 'examples/keyshare.yaml', '--format', 'markdown']);
    expect(r.stdout).toMatch(/^### keyshare check: ✅ proven/);
    expect(r.stdout).toMatch(/\| `444455556666` \| .+ \| ✅ Allowed \|/);
  });

  test('bad input: exit 2, one line', () => {
    const dir = tempDir('keyshare-check-');
    fs.writeFileSync(path.join(dir, 'k.yaml'), 'owner: { account: "111122223333", region: us-west-2 }\n');
    expectBadInput(keyshare(['check', '--config', path.join(dir, 'k.yaml')]), /key/);
    expectBadInput(keyshare(['check', '--config', 'examples/keyshare.yaml', '--format', 'xml']), /xml/);
  });

  // The same config synth refuses (cli/synth.test.ts) gets the same rule, severity and exit code here:
  // the registry's policy-size is high, exit 1, in both (synth used to exit 2, check 1).
  test('an oversized key policy is the policy-size finding, exit 1, as in synth', () => {
    const dir = tempDir('keyshare-check-');
    fs.writeFileSync(path.join(dir, 'many.yaml'), manyConsumersYaml(150, false));
    const text = keyshare(['check', '--config', path.join(dir, 'many.yaml')]);
    expect(text.status).toBe(exitCode([RULES['policy-size'].severity]));
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^keyshare check: NOT proven/);
    expect(text.stdout).toContain(`high policy-size: the key policy is`);
    expect(text.stdout).toContain(`Fix: ${RULES['policy-size'].fix}`);
    const json = keyshare(['check', '--config', path.join(dir, 'many.yaml'), '--format', 'json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.proven).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'policy-size', severity: 'high', fix: RULES['policy-size'].fix, cite: RULES['policy-size'].cite }),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
