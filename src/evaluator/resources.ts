import { globRegExp } from './glob';

/**
 * Resource/NotResource. In a key policy `"*"` means "this key" (KMS developer guide, "Key
 * policies": the resource of a key policy statement is the key it is attached to). ARN patterns
 * match case-sensitively, with wildcards (IAM User Guide, "IAM JSON policy elements: Resource").
 */
export interface ResourceMatcher {
  readonly negated: boolean;
  readonly all: boolean;
  readonly patterns: readonly RegExp[];
  readonly written: readonly string[];
}

export function compileResources(patterns: readonly string[], negated: boolean): ResourceMatcher {
  return {
    negated,
    all: patterns.includes('*'),
    patterns: patterns.map((p) => globRegExp(p, false)),
    written: patterns,
  };
}

export function matchResource(matcher: ResourceMatcher, resource: string): boolean {
  const hit = matcher.all || matcher.patterns.some((re) => re.test(resource));
  return hit !== matcher.negated;
}
