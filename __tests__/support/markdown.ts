import MarkdownIt from 'markdown-it';
import fc from 'fast-check';

/**
 * GitHub's comment renderer as far as structure goes: CommonMark with GFM tables and
 * strikethrough, raw HTML allowed, and bare `scheme://` links recognized. GFM's other autolinks
 * (`www.`, e-mail addresses) and GitHub's mentions and references are recognized by `LIVE_TEXT`
 * instead: linkify-it's fuzzy matching links any `name.tld` and IDN domains, which GitHub does not.
 * https://github.github.com/gfm/#autolinks-extension-
 */
export const markdown = new MarkdownIt({ html: true, linkify: true });
markdown.linkify.set({ fuzzyLink: false, fuzzyEmail: false }).add('//', null);

export type Token = ReturnType<typeof markdown.parse>[number];

/** Every token, inline children included, in document order. */
export function flatTokens(source: string): Token[] {
  return markdown.parse(source, {}).flatMap((t) => [t, ...(t.children ?? [])]);
}

/**
 * What GitHub turns into a mention or a link after markdown is rendered: `@name`, `#123`,
 * `www.`, `scheme://`, an e-mail address. Text from input must hold none of them.
 */
export const LIVE_TEXT = /(^|[^\p{L}\p{N}_])[@#][\p{L}\p{N}_]|\bwww\.|[A-Za-z][A-Za-z0-9+.-]*:\/\/|[\w.+-]@[\w-]+\./u;

/** Zero-width spaces the escaping inserts to defuse mentions and links; not part of the value shown. */
export const withoutBreaks = (text: string) => text.replace(/\u200b/g, '');

/**
 * Characters that have a meaning somewhere in markdown, HTML, Mermaid, a terminal or GitHub's
 * autolinking, mixed with plain ones: every string an attacker would try is a sequence of these.
 */
const HOSTILE_PIECES = [
  ...'`|\\*_[]()<>!#&;~$@:/.-+=\'"{}%^ \t\n\r',
  '\u001b[31m',
  '\u0085',
  '\u009b',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u2028',
  '<!--',
  '-->',
  '</details>',
  '<summary>',
  '<img src=x>',
  '```',
  '~~~',
  '\n\n### ',
  '[x](https://evil.com)',
  '![t](https://evil.com/t.png)',
  '<https://evil.com>',
  'https://evil.com',
  'www.evil.com',
  '@org/team',
  '#1',
  'a@b.com',
  '&lt;',
  '&#10;',
  '<!-- keyshare-review -->',
  '%%{init}%%',
  '#quot;',
  '${x}',
  '1. ',
  '    ',
  'a',
  'Z',
  '0',
  'é',
  'ı',
];

export const hostileString = fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((parts) => parts.join(''));
