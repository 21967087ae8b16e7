/**
 * IAM wildcard matching: `*` matches any run of characters, `?` exactly one
 * (IAM User Guide, "IAM JSON policy elements: Condition operators", StringLike; the same rule
 * applies to Action and Resource).
 */
/** Per case rule, then per pattern: StringLike asks for its pattern on every request, so no cache key is built. */
const caseSensitive = new Map<string, RegExp>();
const caseInsensitive = new Map<string, RegExp>();

/**
 * A resolved policy variable or `${*}` / `${?}` is literal text, never a wildcard. IAM has no
 * escape character, so literal wildcards travel through a pattern as these private markers.
 */
const LITERAL_STAR = '\u0000s\u0000';
const LITERAL_QUESTION = '\u0000q\u0000';

export function literal(text: string): string {
  return text.replace(/\*/g, LITERAL_STAR).replace(/\?/g, LITERAL_QUESTION);
}

/** Compiled once per distinct pattern; policies repeat the same few patterns many times. */
export function globRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cache = ignoreCase ? caseInsensitive : caseSensitive;
  let re = cache.get(pattern);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')
      .split(LITERAL_STAR)
      .join('\\*')
      .split(LITERAL_QUESTION)
      .join('\\?');
    re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    cache.set(pattern, re);
  }
  return re;
}
