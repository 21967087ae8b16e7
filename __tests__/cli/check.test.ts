import * as fs from 'fs';
import * as path from 'path';
import { expectBadInput, keyshare } from '../support/cli';
import { manyConsumersYaml } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { exitCode } from '../../src/cli/exit';
import { RULES } from '../../src/policy/rules';

describe('keyshare check', () => {
  test('one consumer: "1 consumer"', () => {
    const dir = tempDir('keyshare-check-');
    fs.writeFileSync(path.join(dir, 'one.yaml'), manyConsumersYaml(1, false));
    expect(keyshare(['check', '--config', path.join(dir, 'one.yaml')]).stdout).toMatch(/^keyshare check: proven for 1 consumer\n/);
  });

  test('text: proven, exit 0', () => {
    const r = keyshare(['check', '--config', 'examples/keyshare.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^keyshare check: proven for 3 consumers\n {2}all 17 launch steps and all \d+ deploy-path KMS calls allowed, all \d+ least-privilege probes as intended\n/,
    );
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
    // Why first, then the failure, then what is proven all the same.
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('keyshare check: NOT proven: 1 finding that fails the check (policy-size)');
    expect(lines[1]).toMatch(/^ {2}high policy-size: the key policy is \d{2},\d{3} bytes/);
    expect(lines[2]).toMatch(
      /^ {2}launch path proven for 150 of 150 consumers \(900 of 900 steps allowed\); deploy paths: (\d+) of \1 KMS calls of Terraform's AWS provider allowed over 151 stacks; least privilege: (\d,\d{3}) of \2 probes/,
    );
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
