import { loadRollout } from '../config';
import type { Rollout } from '../model/rollout';
import { InputError } from '../errors';
import { ACCOUNT_ID, ACCOUNT_ID_SOURCE } from '../policy/formats';
import { checkOutputDir, OutputRequest, previousGenerated, replaceOutput } from '../output';
import { assertDeployable, type Deployable, rolloutAssumptions } from '../synth/deployable';
import { renderTerraformModules } from '../terraform-modules';
import { TemplateError } from '../templates/engine';
import { renderRollout, WAVES_RECORD } from './files';
import { readInventory } from './inventory';
import type { GenerateResult } from './summary';
import { DEFAULT_WAVE_SIZE, selectAccounts, PreviousWaves, SelectOptions } from './selection';

export { DEFAULT_WAVE_SIZE, MAX_WAVE_SIZE } from './selection';

/**
 * The rollout generate proves for an inventory: every active account a consumer, with the config's
 * settings for those it lists, the organization resolved. `audit --accounts` audits the same accounts.
 */
export function inventoryRollout(config: Rollout, accountsFile: string): Rollout {
  return selectAccounts(config, readInventory(accountsFile), { ous: [], exclude: [], waveSize: DEFAULT_WAVE_SIZE }).rollout;
}

export interface GenerateRequest extends SelectOptions {
  readonly accounts: string;
  readonly config: string;
  readonly out: string;
  readonly progress?: (done: number, total: number) => void;
}

const ACCOUNT_ROOT_FILE = new RegExp(`^accounts/(${ACCOUNT_ID_SOURCE})/main\\.tf$`);

/**
 * `keyshare generate`: the config and the inventory, validated and proven by check, rendered and
 * swapped into `--out` all or nothing. Bad input of any kind is an InputError before a byte is written.
 */
export function generate(req: GenerateRequest): GenerateResult {
  const request: OutputRequest = { dir: req.out, flag: '--out', kind: 'generate' };
  checkOutputDir(request);
  const selection = selectAccounts(loadRollout(req.config), readInventory(req.accounts), req, previousWaves(req.out));
  // Known before the proof: the README renders them while check proves.
  const assumptions = rolloutAssumptions(selection.rollout);
  let deployable: Deployable | undefined;
  const prove = () => {
    deployable = assertDeployable(selection.rollout);
  };
  const rendered = renderOrRefuse(() => {
    try {
      return renderRollout(selection, renderTerraformModules(), {
        progress: req.progress,
        options: req,
        assumptions,
      });
    } catch (err) {
      // A rollout check does not prove is refused for that, even when it cannot be rendered either.
      prove();
      throw err;
    }
  });
  // The proof runs while the files are written into staging; a refusal removes them before the swap.
  const output = replaceOutput(request, { ...rendered, alongside: prove });
  const { keyPolicyBytes, proven } = deployable!;
  return {
    out: req.out,
    selection,
    keyPolicyBytes,
    proven,
    assumptions,
    output,
    forgotten: output.removed.flatMap((rel) => ACCOUNT_ROOT_FILE.exec(rel)?.[1] ?? []),
  };
}

/** The waves the previous output recorded, when it is keyshare's and unedited: what keeps waves still. */
function previousWaves(out: string): PreviousWaves | undefined {
  const text = previousGenerated(out, WAVES_RECORD);
  if (text === undefined) return undefined;
  const data = JSON.parse(text) as Partial<PreviousWaves>;
  // Account IDs only: they name roots, waves and tombstones in the files and workflows rendered next.
  const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string' && ACCOUNT_ID.test(a)) : []);
  return { canary: ids(data.canary), waves: Array.isArray(data.waves) ? data.waves.map(ids) : [], leaving: ids(data.leaving) };
}

/** A template that does not compile or names a field its data lacks stops the run before anything is written. */
export function renderOrRefuse<T>(render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const problem = err.line === undefined ? err.problem : `${err.line}: ${err.problem}`;
    throw new InputError(
      `templates/${err.template}`,
      undefined,
      `cannot be rendered: ${problem.trim().replace(/\s+/g, ' ')}`,
      'correct the template (a misspelt field or helper name, or an unclosed block); nothing was written',
    );
  }
}
export { generateRenderers } from './summary';
export type { GenerateResult } from './summary';
