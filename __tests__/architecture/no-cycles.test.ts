import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT } from '../support/cli';

/**
 * No import circles in src/, modules/ and main.ts, type-only imports included (the lint has no
 * cycle rule: import-x/no-cycle passed over `import type`), so this test reads every import with TypeScript's
 * own pre-processor (`ts.preProcessFile`, which lists type-only imports, re-exports and require()s).
 */
function sources(): string[] {
  const out = ['main.ts'];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk('src');
  walk('modules');
  return out.sort();
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .flatMap((spec) => {
      const target = path.join(path.dirname(file), spec);
      return [`${target}.ts`, path.join(target, 'index.ts')].filter((candidate) => fs.existsSync(path.join(ROOT, candidate))).slice(0, 1);
    });
}

/** Strongly connected components of more than one file (Tarjan), or a file that imports itself. */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('no import circle, type-only imports included', () => {
  const graph = new Map(sources().map((f) => [f, importsOf(f)]));
  expect(circles(graph)).toEqual([]);
});

test('the check finds a circle, a type-only one too', () => {
  expect(
    circles(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', ['a.ts']],
        ['c.ts', ['a.ts']],
      ]),
    ),
  ).toEqual([['a.ts', 'b.ts']]);
  // generate/summary.ts once imported `type GenerateResult` from generate/index.ts, which re-exports summary's renderers.
  const summary = ts.preProcessFile("import type { GenerateResult } from './index';", true, true);
  expect(summary.importedFiles.map((f) => f.fileName)).toEqual(['./index']);
});
