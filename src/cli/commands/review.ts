import { Command, Option } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { InputError } from '../../errors';
import { replaceFile } from '../../output';
import { render } from '../../render/format';
import { isReviewReport, RenderOptions, reviewRenderers } from '../../render/review';
import { loadPlanSet, StackPlan } from '../../review/plan-set';
import { reviewPlans } from '../../review/review';
import type { FailOn } from '../../policy/rules';
import { exitCode, runCommand } from '../exit';

interface ReviewFlags {
  readonly format: 'markdown' | 'json' | 'text';
  readonly out?: string;
  readonly failOn: FailOn;
  readonly baseConfig?: string;
  readonly config?: string;
}

export function registerReview(cli: Command): void {
  cli
    .command('review')
    .description(DESCRIPTIONS.review)
    .argument('[plans...]', 'terraform show -json output files, or directories searched for them (e.g. cdktf.out/stacks)')
    .option('--base-config <file>', 'review the change between two keyshare configs instead of plans: the config before the change')
    .option('--config <file>', 'with --base-config: the config after the change')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json', 'text']).default('markdown'))
    .option('--out <file>', 'also write the full report here (never truncated); the comment names it when it is cut')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['high', 'medium', 'low', 'never']).default('high'),
    )
    .addHelpText('after', '\nExit: 0 no finding at or above --fail-on, 1 there is one, 2 bad input.')
    .action((plans: string[], flags: ReviewFlags) => runCommand(() => review(plans, flags)));
}

async function stacksOf(plans: readonly string[], flags: ReviewFlags): Promise<StackPlan[]> {
  if (flags.baseConfig !== undefined || flags.config !== undefined) {
    if (plans.length > 0)
      throw new InputError('plans', plans.join(' '), 'given together with --base-config/--config', 'review either plan files or two configs');
    if (flags.baseConfig === undefined || flags.config === undefined) {
      throw new InputError(
        flags.baseConfig === undefined ? '--base-config' : '--config',
        undefined,
        'is required with the other',
        'give both: --base-config OLD.yaml --config NEW.yaml',
      );
    }
    // cdktf loads only when configs are synthesized (see synth's command).
    const { configPlans } = require('../../review/config-plans') as typeof import('../../review/config-plans');
    return configPlans(flags.baseConfig, flags.config);
  }
  if (plans.length === 0)
    throw new InputError('plans', undefined, 'none given', 'pass terraform show -json files or a directory, or --base-config OLD --config NEW');
  return loadPlanSet(plans);
}

const REFUSAL = {
  problem: 'exists and is not a report keyshare review wrote, so it is not overwritten',
  fix: 'name a new file, e.g. keyshare-review.md',
};

export async function review(plans: readonly string[], flags: ReviewFlags): Promise<number> {
  const report = reviewPlans(await stacksOf(plans, flags));
  const options: RenderOptions = { failOn: flags.failOn, fullReport: flags.out };
  if (flags.out !== undefined)
    replaceFile(
      { file: flags.out, flag: '--out', isOwn: isReviewReport, refusal: REFUSAL },
      render(reviewRenderers, { report, options: { ...options, unlimited: true } }, flags.format),
    );
  process.stdout.write(render(reviewRenderers, { report, options }, flags.format));
  return exitCode(
    report.findings.map((f) => f.severity),
    flags.failOn,
  );
}
