import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { readInput } from '../read-input';
import { finding } from '../policy/rules';
import type { StackPlan } from './plan-set';
import type { ReviewFinding } from './report';

/**
 * Which roots a review covers. A review that reads only the plans it finds would pass a change
 * whose plans failed: a failed plan job leaves no plan behind. So a root the run expected and
 * found no complete plan for is a finding, `plan-not-reviewed`, never a silent pass:
 * - a root listed in `--expect-roots` without a plan under any plan directory (missing);
 * - a root whose directory holds `plan.failed` (the plan job writes it, with the error, when
 *   `terraform plan` fails), whether expected or not;
 * - a plan Terraform marks `"errored": true`: what it planned before the error, not the change.
 */

/** The file a plan job leaves in `<plans>/<root>/` instead of `plan.json` when planning fails; it holds the error. */
export const PLAN_FAILED_FILE = 'plan.failed';

/** How much of a failure's text the finding quotes. */
const REASON_CHARS = 300;

/** A root as the plan directory places it: `accounts/444455556666` for `plans/accounts/444455556666/plan.json`. */
export function rootOf(planDirs: readonly string[], file: string): string | undefined {
  const dir = path.resolve(path.dirname(file));
  for (const top of planDirs) {
    const rel = path.relative(path.resolve(top), dir);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/') || '.';
  }
  return undefined;
}

/** Roots one a line, as `.keyshare/changed-roots` prints them; blank lines and `#` comments are skipped. */
export function readExpectedRoots(file: string): string[] {
  const text = readInput('roots', '--expect-roots', file);
  const roots = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const root of roots) {
    if (path.isAbsolute(root) || root.split('/').includes('..')) {
      throw new InputError(
        '--expect-roots',
        root,
        'is not a root directory relative to the plan directories',
        'list roots as .keyshare/changed-roots prints them, e.g. accounts/444455556666',
      );
    }
  }
  return [...new Set(roots)];
}

/** `plan.failed` files under the plan directories, by root, with the start of the error they hold. */
function failedRoots(planDirs: readonly string[]): Map<string, string> {
  const failed = new Map<string, string>();
  const visit = (top: string, dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== '.terraform' && e.name !== '.git') visit(top, full);
      else if (e.isFile() && e.name === PLAN_FAILED_FILE) {
        const root = rootOf([top], full) ?? dir;
        const text = fs.readFileSync(full, 'utf8').replace(/\s+/g, ' ').trim();
        failed.set(root, text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS)}…` : text);
      }
    }
  };
  for (const top of planDirs) if (fs.existsSync(top) && fs.statSync(top).isDirectory()) visit(top, top);
  return failed;
}

export interface Coverage {
  /** The plans to review: errored ones are left out, they are findings. */
  readonly stacks: StackPlan[];
  readonly findings: ReviewFinding[];
}

/** Splits what was read into the plans to review and a `plan-not-reviewed` finding per root that has none. */
export function coverage(planDirs: readonly string[], stacks: readonly StackPlan[], expected: readonly string[] | undefined): Coverage {
  const failed = failedRoots(planDirs);
  const findings: ReviewFinding[] = [];
  const notReviewed = (root: string, why: string) => findings.push({ ...finding('plan-not-reviewed', `${root}: not reviewed: ${why}`), stack: root });
  const reviewed = new Set<string>();
  const complete: StackPlan[] = [];
  for (const s of stacks) {
    const root = rootOf(planDirs, s.plan.file) ?? s.stack;
    if (s.plan.errored) notReviewed(root, 'Terraform marks its plan as errored (planning failed part way)');
    else if (failed.has(root)) continue;
    else {
      complete.push(s);
      reviewed.add(root);
    }
  }
  for (const [root, why] of [...failed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    notReviewed(root, `its plan failed${why ? `: ${why}` : ''}`);
    reviewed.add(root);
  }
  for (const root of expected ?? []) {
    if (!reviewed.has(root) && !stacks.some((s) => (rootOf(planDirs, s.plan.file) ?? s.stack) === root))
      notReviewed(root, 'no plan was found for it');
  }
  return { stacks: complete, findings };
}
