import type { OutputSummary } from '../output';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';

/** What `keyshare modules` wrote. */
export interface ModulesResult {
  readonly output: OutputSummary;
  readonly modules: readonly { readonly name: string; readonly summary: string; readonly aws: boolean }[];
}

/** Long lists of kept or removed files are cut to their first few; the counts stay whole. */
const SHOWN = 5;

function modulesView(result: ModulesResult) {
  const { output } = result;
  const few = (list: readonly string[]) => ({ count: list.length, shown: list.slice(0, SHOWN).join(', '), more: list.length > SHOWN });
  return {
    dir: output.dir,
    modules: result.modules,
    files: output.written.length,
    changed: output.changed.length,
    kept: few(output.kept),
    removed: few(output.removed),
  };
}

export const modulesRenderers: Renderers<ModulesResult> = {
  text: (result) => renderTemplate('modules.txt', modulesView(result)),
  markdown: (result) => renderTemplate('modules.md', modulesView(result)),
  json: (result) => json({ ...result.output, modules: result.modules }),
};
