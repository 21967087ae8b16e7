import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { partitionOf } from '../../src/policy/arns';
import { AWS_REGIONS } from '../../src/policy/regions';
import { keyshareInProcess } from '../cli/in-process';
import { EXAMPLE } from '../hostile/corpus';
import { listing, tmp } from '../support/tree';

/** Seeded, bounded runs: each synthesis costs about half a second, and a failure must reproduce. */
const SEED = 20261130;

const account = fc.integer({ min: 100_000_000_000, max: 999_999_999_999 }).map(String);
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/);

/** A config keyshare must accept: distinct consumer accounts, ARNs in the region's partition and the right account. */
const validConfig = fc
  .record({
    owner: account,
    region: fc.constantFrom(...AWS_REGIONS),
    alias: name,
    consumers: fc.uniqueArray(fc.record({ account, suffix: fc.option(name, { nil: undefined }), role: fc.option(name, { nil: undefined }) }), {
      minLength: 1,
      maxLength: 4,
      selector: (c) => c.account,
    }),
    ownerConsumes: fc.boolean(),
    rotation: fc.boolean(),
    window: fc.integer({ min: 7, max: 30 }),
  })
  .filter((c) => c.consumers.every((x) => x.account !== c.owner))
  .map((c) => {
    const p = partitionOf(c.region);
    const consumers = c.consumers.map(
      (x) =>
        `  - { account: "${x.account}"${x.suffix ? `, serviceLinkedRoleSuffix: ${x.suffix}` : ''}${x.role ? `, deployRoleArn: "arn:${p}:iam::${x.account}:role/${x.role}"` : ''} }`,
    );
    if (c.ownerConsumes) consumers.push(`  - { account: "${c.owner}" }`);
    return [
      `owner: { account: "${c.owner}", region: ${c.region} }`,
      `key: { alias: ${c.alias}, rotation: ${c.rotation}, deletionWindowDays: ${c.window} }`,
      'amis: [ { id: ami-0a1b2c3d4e5f60718 } ]',
      'consumers:',
      ...consumers,
      '',
    ].join('\n');
  });

/** Runs keyshare from `cwd`, with paths as a user there would type them. */
async function runIn(cwd: string, args: string[]) {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await keyshareInProcess(args);
  } finally {
    process.chdir(before);
  }
}

describe('properties of synth', () => {
  test('a valid config gives byte-identical output from two working directories', async () => {
    await fc.assert(
      fc.asyncProperty(validConfig, async (yaml) => {
        const project = tmp('keyshare-prop-');
        fs.writeFileSync(path.join(project, 'keyshare.yaml'), yaml);
        fs.mkdirSync(path.join(project, 'sub'));
        const a = await runIn(project, ['synth', '--config', 'keyshare.yaml', '--out', 'cdktf.out']);
        expect(a.stderr).toBe('');
        expect(a.status).toBe(0);
        const first = listing(path.join(project, 'cdktf.out'));
        fs.rmSync(path.join(project, 'cdktf.out'), { recursive: true });
        const b = await runIn(path.join(project, 'sub'), ['synth', '--config', '../keyshare.yaml', '--out', '../cdktf.out']);
        expect(b.status).toBe(0);
        expect(listing(path.join(project, 'cdktf.out'))).toEqual(first);
        // State sits beside the output, where neither run put it inside what synth replaces.
        expect(first['stacks/owner/cdk.tf.json']).toContain('"path": "../../../terraform.owner.tfstate"');
      }),
      { numRuns: 4, seed: SEED },
    );
  });

  /** Edits a careless hand or a broken tool makes to a file. */
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\t', '\u0000', '\u001b[2J', '"', '{', '- ', ': ', '&a', '*a', '<<: 5', '0x1F', '\u00e9', '\ud800'),
      ),
    }),
    fc.record({
      kind: fc.constant('replace-value' as const),
      at: fc.nat(),
      text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('~', '[]', '{}', '0o17', '1e11', 'true', '-1', '"\\n"')),
    }),
  );

  function mutate(text: string, m: { kind: string; at: number; text?: string }): string {
    const lines = text.split('\n');
    const line = m.at % lines.length;
    switch (m.kind) {
      case 'delete-line':
        return lines.filter((_, i) => i !== line).join('\n');
      case 'duplicate-line':
        return [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join('\n');
      case 'truncate':
        return text.slice(0, m.at % text.length);
      case 'insert': {
        const at = m.at % text.length;
        return text.slice(0, at) + m.text + text.slice(at);
      }
      default:
        lines[line] = lines[line].replace(/:\s*\S.*$/, `: ${m.text}`);
        return lines.join('\n');
    }
  }

  test('mutated configs give exit 0, 1 or 2, never an internal error, and a failure never touches the previous output', async () => {
    const project = tmp('keyshare-mutate-');
    fs.writeFileSync(path.join(project, 'keyshare.yaml'), EXAMPLE);
    expect((await runIn(project, ['synth', '--config', 'keyshare.yaml', '--out', 'out'])).status).toBe(0);
    fs.writeFileSync(path.join(project, 'out', 'terraform.tfvars'), 'mine = true');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const text = mutations.reduce(mutate, EXAMPLE);
        fs.writeFileSync(path.join(project, 'bad.yaml'), text);
        const before = listing(path.join(project, 'out'));
        const r = await runIn(project, ['synth', '--config', 'bad.yaml', '--out', 'out']);
        expect([0, 1, 2]).toContain(r.status);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at |Maximum call stack/);
        if (r.status === 2) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        const after = listing(path.join(project, 'out'));
        if (r.status !== 0) expect(after).toEqual(before);
        expect(after['terraform.tfvars']).toBe('mine = true');
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});
