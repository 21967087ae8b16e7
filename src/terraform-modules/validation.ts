import { hclString } from '../terraform/hcl';

/** `condition` that `expr` matches `pattern`; JavaScript and Terraform (RE2) read these patterns alike. */
export function matches(expr: string, pattern: RegExp): string {
  return `can(regex(${hclString(pattern.source)}, ${expr}))`;
}

/** `condition` that every item of the list `list` matches `pattern`. */
export function allMatch(list: string, pattern: RegExp): string {
  return `alltrue([for v in ${list} : ${matches('v', pattern)}])`;
}

/** `condition` for an optional variable: null, or meeting `condition`. Terraform's `||` does not short-circuit; `? :` does. */
export function nullOr(expr: string, condition: string): string {
  return `${expr} == null ? true : ${condition}`;
}

export function nullOrMatches(expr: string, pattern: RegExp): string {
  return nullOr(expr, matches(expr, pattern));
}
