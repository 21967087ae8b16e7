import * as fs from 'fs';
import * as path from 'path';
import { keyshareInProcess } from '../cli/in-process';
import { listing, tmp } from '../support/tree';
import { CORPUS, HostileCase } from './corpus';

function generatedIn(dir: string): string[] {
  try {
    return Object.keys(JSON.parse(fs.readFileSync(path.join(dir, '.keyshare-manifest.json'), 'utf8')).files);
  } catch {
    return [];
  }
}

/**
 * Entries keyshare may change in `d`: the generated files and manifest of its output directory
 * (`earlier`: those the previous output generated), and its own leftovers beside it.
 */
function owned(d: string, out: string | undefined, earlier: readonly string[]): (entry: string) => boolean {
  if (out === undefined) return () => false;
  const real = fs.existsSync(out) ? fs.realpathSync(out) : out;
  const rel = path.relative(d, real).split(path.sep).join('/');
  const files = ['.keyshare-manifest.json', ...earlier, ...generatedIn(real)];
  const mine = new Set([`${rel}/`, ...files.map((f) => `${rel}/${f}`)]);
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) mine.add(`${rel}/${parts.slice(0, i).join('/')}/`);
  }
  const base = path.basename(real);
  return (entry) => mine.has(entry) || entry.startsWith(`.${base}.keyshare-`);
}

describe('hostile inputs: exit code, one honest line, and nothing but keyshare output changed', () => {
  test('the corpus holds at least 80 cases with distinct names', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(80);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  test.each(CORPUS.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, c) => {
    const d = tmp('keyshare-hostile-');
    c.setup?.(d);
    const args = c.args.map((a) => a.replaceAll('{d}', d));
    const before = listing(d);
    const outFlag = args.indexOf('--out');
    const out = outFlag >= 0 ? path.resolve(args[outFlag + 1]) : undefined;
    const earlier = out && fs.existsSync(out) ? generatedIn(fs.realpathSync(out)) : [];
    const keptBefore = Object.fromEntries((c.kept ?? []).map((k) => [k, before[`out/${k}`]]));
    const r = await keyshareInProcess(args);
    const after = listing(d);

    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: c.exit, stderr: c.exit === 0 ? '' : expect.any(String) });
    const shown = c.exit === 0 ? r.stdout : r.stderr;
    expect(shown).toMatch(c.message);
    expect(shown).not.toMatch(/internal error|Maximum call stack|\n\s+at /);
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    if (c.exit === 2) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    if (c.exit === 0) expect(r.stdout.split('\n').length).toBeLessThan(20);

    const mayChange = c.exit === 0 ? owned(d, out, earlier) : () => false;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
    expect(changed.filter((k) => !mayChange(k))).toEqual([]);
    for (const [k, v] of Object.entries(keptBefore)) expect(after[`out/${k}`]).toBe(v);
  });
});
