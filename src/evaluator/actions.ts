import { kmsActions } from './action-catalog';
import { globRegExp } from './glob';

/**
 * Action/NotAction compiled to the set of KMS actions it covers. Action names are
 * case-insensitive and may hold `*` and `?` (IAM User Guide, "IAM JSON policy elements: Action");
 * expanding them against the action catalog makes matching a set lookup and lets messages name
 * patterns that match no KMS action at all (e.g. `kms:ReEncrypt`, which is not an action).
 */
export interface ActionMatcher {
  readonly negated: boolean;
  /** Lower-case KMS action names, without the `kms:` prefix. */
  readonly covered: ReadonlySet<string>;
  /** KMS patterns that name no KMS action. */
  readonly unknown: readonly string[];
  readonly patterns: readonly string[];
}

/**
 * Matchers are immutable and depend only on their patterns, and every consumer's IAM policy
 * repeats the same lists: each distinct list is expanded against the catalog once.
 */
const matchers = new Map<string, ActionMatcher>();

export function compileActions(patterns: readonly string[], negated: boolean): ActionMatcher {
  const cacheKey = `${negated}\n${patterns.join('\n')}`;
  let matcher = matchers.get(cacheKey);
  if (!matcher) {
    matcher = expand(patterns, negated);
    matchers.set(cacheKey, matcher);
  }
  return matcher;
}

function expand(patterns: readonly string[], negated: boolean): ActionMatcher {
  const covered = new Set<string>();
  const unknown: string[] = [];
  for (const pattern of patterns) {
    const colon = pattern.indexOf(':');
    if (pattern === '*') {
      for (const key of kmsActions().keys()) covered.add(key);
      continue;
    }
    if (colon < 0 || !globRegExp(pattern.slice(0, colon), true).test('kms')) continue;
    const name = pattern.slice(colon + 1).toLowerCase();
    if (!name.includes('*') && !name.includes('?')) {
      if (kmsActions().has(name)) covered.add(name);
      else unknown.push(pattern);
      continue;
    }
    const re = globRegExp(name, true);
    let any = false;
    for (const key of kmsActions().keys()) {
      if (re.test(key)) {
        covered.add(key);
        any = true;
      }
    }
    if (!any) unknown.push(pattern);
  }
  return { negated, covered, unknown, patterns };
}

/** `action` is a lower-case KMS action name. */
export function matchAction(matcher: ActionMatcher, action: string): boolean {
  return matcher.covered.has(action) !== matcher.negated;
}
