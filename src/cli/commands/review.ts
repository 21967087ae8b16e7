import { Command, Option } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { InputError } from '../../errors';
import { replaceFile } from '../../output';
import { render } from '../../render/format';
import { isReviewReport, ReviewRenderOptions, reviewRenderers } from '../../render/review';
import { loadPlanSet } from '../../review/plan-set';
import { coverage, Coverage, PLAN_FAILED_FILE, readExpectedRoots } from '../../review/coverage';
import { reviewPlans } from '../../review/review';
import type { FailOn } from '../../policy/rules';
import { EXIT, exitCode, runCommand } from '../exit';
import type { ReviewSource } from '../../review/report';
import { applySuppressions, parseSuppressions } from '../../review/suppressions';
import { loadYaml } from '../../config';
import { helpAfter } from '../help';

interface ReviewFlags {
  readonly format: 'markdown' | 'json' | 'text';
  readonly out?: string;
  readonly failOn: FailOn;
  readonly baseConfig?: string;
  readonly config?: string;
  readonly expectRoots?: string;
  readonly suppressions?: string;
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
    .option(
      '--suppressions <file>',
      'YAML or JSON list of deliberate findings, each with rule, where (STACK or STACK/ADDRESS, * globs), reason and expires (YYYY-MM-DD); listed in the comment, not counted; an expired one is a high finding',
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['high', 'medium', 'low', 'never']).default('high'),
    )
    .addHelpText(
      'after',
      helpAfter(
        `Exit: 0 no finding at or above --fail-on, 1 there is one or a root is not reviewed (a ${PLAN_FAILED_FILE} beside its plan, an errored plan, or a root of --expect-roots without a plan), 2 bad input.`,
      ),
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
  const suppressions =
    flags.suppressions === undefined ? [] : parseSuppressions(loadYaml('suppressions', '--suppressions', flags.suppressions), flags.suppressions);
  const source: ReviewSource = flags.config !== undefined ? { kind: 'configs', base: flags.baseConfig, config: flags.config } : { kind: 'plans' };
  const { stacks, findings: unreviewed } = await stacksOf(plans, flags);
  const reviewed = reviewPlans(stacks, source);
  // A root not reviewed is no finding of a plan: no suppression hides it.
  const kept = applySuppressions(reviewed.findings, suppressions, new Date().toISOString().slice(0, 10));
  const report = { ...reviewed, findings: [...unreviewed, ...kept.findings], suppressed: kept.suppressed };
  const options: ReviewRenderOptions = { failOn: flags.failOn, fullReport: flags.out, provenance: githubProvenance(process.env) };
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

/**
 * The commit and the run a GitHub Actions job reviews (its default variables: GITHUB_SHA,
 * GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT), each taken only when it
 * has the shape GitHub gives it, so nothing else in the environment reaches the comment.
 */
export function githubProvenance(env: NodeJS.ProcessEnv): ReviewRenderOptions['provenance'] {
  const commit = /^[0-9a-f]{40}$/.test(env.GITHUB_SHA ?? '') ? env.GITHUB_SHA : undefined;
  const server = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(env.GITHUB_SERVER_URL ?? '') ? env.GITHUB_SERVER_URL : undefined;
  const repository = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ? env.GITHUB_REPOSITORY : undefined;
  const run = /^\d+$/.test(env.GITHUB_RUN_ID ?? '') ? env.GITHUB_RUN_ID : undefined;
  const attempt = /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  const runUrl = server && repository && run ? `${server}/${repository}/actions/runs/${run}${attempt}` : undefined;
  if (!commit && !runUrl) return undefined;
  return { ...(commit && { commit }), ...(runUrl && { runUrl }) };
}
