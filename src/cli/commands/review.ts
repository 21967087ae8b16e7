import { Command, Option } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { InputError } from '../../errors';
import { replaceFile } from '../../output';
import { render } from '../../render/format';
import { isReviewReport, RenderOptions, reviewRenderers } from '../../render/review';
import { loadPlanSet } from '../../review/plan-set';
import { coverage, Coverage, PLAN_FAILED_FILE, readExpectedRoots } from '../../review/coverage';
import { reviewPlans } from '../../review/review';
import type { FailOn } from '../../policy/rules';
import { EXIT, exitCode, runCommand } from '../exit';

interface ReviewFlags {
  readonly format: 'markdown' | 'json' | 'text';
  readonly out?: string;
  readonly failOn: FailOn;
  readonly baseConfig?: string;
  readonly config?: string;
  readonly expectRoots?: string;
}

export function registerReview(cli: Command): void {
  cli
    .command('review')
    .description(DESCRIPTIONS.review)
    .argument('[plans...]', 'terraform show -json output files, or directories searched for them (e.g. cdktf.out/stacks)')
    .option('--base-config <file>', 'review the change between two keyshare configs instead of plans: the config before the change')
    .option(
      '--config <file>',
      'the config after the change; without --base-config there was none before (a first pull request), so all it makes is new',
    )
    .option(
      '--expect-roots <file>',
      'the roots the change touches, one a line (`.keyshare/changed-roots BASE HEAD`): each must have a plan under a plan directory (<dir>/<root>/plan.json), else it is named as not reviewed and the review fails',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json', 'text']).default('markdown'))
    .option('--out <file>', 'also write the full report here (never truncated); the comment names it when it is cut')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['high', 'medium', 'low', 'never']).default('high'),
    )
    .addHelpText(
      'after',
      `\nExit: 0 no finding at or above --fail-on, 1 there is one or a root is not reviewed (a ${PLAN_FAILED_FILE} beside its plan, an errored plan, or a root of --expect-roots without a plan), 2 bad input.`,
    )
    .action((plans: string[], flags: ReviewFlags) => runCommand(() => review(plans, flags)));
}

async function stacksOf(plans: readonly string[], flags: ReviewFlags): Promise<Coverage> {
  if (flags.baseConfig !== undefined || flags.config !== undefined) {
    if (plans.length > 0)
      throw new InputError('plans', plans.join(' '), 'given together with --base-config/--config', 'review either plan files or two configs');
    if (flags.config === undefined) {
      throw new InputError('--config', undefined, 'is required with --base-config', 'give both: --base-config OLD.yaml --config NEW.yaml');
    }
    // cdktf loads only when configs are synthesized (see synth's command).
    const { configPlans } = require('../../review/config-plans') as typeof import('../../review/config-plans');
    return { stacks: await configPlans(flags.baseConfig, flags.config), findings: [] };
  }
  if (plans.length === 0)
    throw new InputError('plans', undefined, 'none given', 'pass terraform show -json files or a directory, or --base-config OLD --config NEW');
  const expected = flags.expectRoots === undefined ? undefined : readExpectedRoots(flags.expectRoots);
  // With expected roots, plan directories may be empty or absent: what they lack is reported, not refused.
  return coverage(plans, loadPlanSet(plans, { allowEmpty: expected !== undefined }), expected);
}

const REFUSAL = {
  problem: 'exists and is not a report keyshare review wrote, so it is not overwritten',
  fix: 'name a new file, e.g. keyshare-review.md',
};

export async function review(plans: readonly string[], flags: ReviewFlags): Promise<number> {
  const { stacks, findings: unreviewed } = await stacksOf(plans, flags);
  const reviewed = reviewPlans(stacks);
  const report = { ...reviewed, findings: [...unreviewed, ...reviewed.findings] };
  const options: RenderOptions = { failOn: flags.failOn, fullReport: flags.out };
  if (flags.out !== undefined)
    replaceFile(
      { file: flags.out, flag: '--out', isOwn: isReviewReport, refusal: REFUSAL },
      render(reviewRenderers, { report, options: { ...options, unlimited: true } }, flags.format),
    );
  process.stdout.write(render(reviewRenderers, { report, options }, flags.format));
  // A root not reviewed fails the run whatever --fail-on says: nothing was judged there.
  return Math.max(
    exitCode(
      report.findings.map((f) => f.severity),
      flags.failOn,
    ),
    unreviewed.length > 0 ? EXIT.findings : EXIT.ok,
  );
}
