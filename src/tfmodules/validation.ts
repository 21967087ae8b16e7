import { hclString } from '../terraform/hcl';

/** `condition` that `expr` matches `pattern`; JavaScript and Terraform (RE2) read these patterns alike. */
export function matches(expr: string, pattern: RegExp): string {
  return `can(regex(${hclString(pattern.source)}, ${expr}))`;
}

/** `condition` that every item of the list `list` matches `pattern`. */
export function allMatch(list: string, pattern: RegExp): string {
  return `alltrue([for v in ${list} : ${matches('v', pattern)}])`;
}

/** `condition` for an optional variable: null, or matching `pattern`. */
export function nullOrMatches(expr: string, pattern: RegExp): string {
  return `${expr} == null || ${matches(expr, pattern)}`;
}
