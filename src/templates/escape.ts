import { escapeCharacter, oneLine, UNSAFE_CHARACTER } from '../errors';

/**
 * The one escaping layer: every value that comes from an input (a plan, a config, an inventory, a
 * file name) reaches a comment, a terminal or a generated file through exactly one of these
 * functions, chosen for the context it lands in. Each makes the text inert there: it shows as the
 * characters it holds, and never opens, closes or forges anything around it.
 *
 * Shared by all of them: line breaks, control, C1, bidi and invisible characters are shown as
 * `\n`, `\r`, `\t` or `\uXXXX` (`terminal`), never acted on; so no value can end a line, a table
 * row, an HTML block or a code fence.
 */

/**
 * Text composed for one context with these functions, or the program's own text: the only kind of
 * string a template prints as it is (`src/templates/engine.ts` refuses a raw `{{value}}` of a plain
 * string). Build one only through the functions below, or `trusted()` for text no input reaches.
 */
export class Escaped {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/**
 * Text the program wrote itself, or composed only from values it validated against a fixed
 * pattern (account IDs, regions) or rendered through an escaping function (HCL from `hclValue`).
 * Never an input's free text.
 */
export function trusted(text: string): Escaped {
  return new Escaped(text);
}

/**
 * A view of program text only, every string in it `trusted()`: for files rendered from the
 * program's own definitions and nothing a user gave (`keyshare modules`). Empty strings stay empty
 * (falsy to `#if`).
 */
export function programText<T>(data: T): T {
  if (typeof data === 'string') return (data === '' ? data : trusted(data)) as T;
  if (Array.isArray(data)) return data.map(programText) as T;
  if (data !== null && typeof data === 'object' && !(data instanceof Escaped)) {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, programText(v)])) as T;
  }
  return data;
}

/** Terminal text (`--format text`, messages): control, C1 and bidi characters as escapes. */
export function terminal(text: string): string {
  return oneLine(text);
}

/**
 * GitHub turns `@name`, `@org/team`, `#123`, `www.` and `scheme://` in rendered text into
 * mentions and links, after markdown is parsed, so markdown escapes cannot stop it. A zero-width
 * space after `@` or `#`, inside `://` and after `www` keeps the text as it reads and makes it
 * inert (mentions and autolinks need those characters adjacent).
 * https://docs.github.com/en/get-started/writing-on-github/getting-started-with-writing-and-formatting-on-github/autolinked-references-and-urls
 */
function defuse(text: string): string {
  return text
    .replace(/([@#])(?=[\p{L}\p{N}_])/gu, '$1\u200b')
    .replace(/:(?=\/\/)/g, ':\u200b')
    .replace(/\b(www)(?=\.)/gi, '$1\u200b');
}

/**
 * Markdown text in a table cell or a list item: shown exactly as it reads, never markup.
 * - Characters that start inline markup (emphasis, code, links and images, raw HTML and autolinks,
 *   entities, strikethrough, GitHub's math) are backslash-escaped, as CommonMark allows for any
 *   ASCII punctuation; `|` too, which GFM tables read as a cell boundary even in a code span.
 * - What starts a block when it begins a list item (`#`, `>`, `-`, `+`, `=`, `1.`, `1)`, leading
 *   spaces) is escaped where it begins.
 * - Mentions and bare links are defused (`defuse`).
 * https://spec.commonmark.org/0.31.2/#backslash-escapes, https://github.github.com/gfm/#tables-extension-
 */
export function cell(text: string): string {
  return inlineText(text)
    .replace(/^[#+=-]/, '\\$&')
    .replace(/^(\d{1,9})([.)])/, '$1\\$2')
    .replace(/^ +/, (spaces) => '&#32;'.repeat(spaces.length));
}

/** `cell` but for what only the start of a cell or list item needs: text inside a line. */
function inlineText(text: string): string {
  return defuse(terminal(text)).replace(/[\\`*_[\]<>&|~$!]/g, '\\$&');
}

/**
 * keyshare's own sentences that quote a name between backticks (the rule registry's fixes: "set
 * `organization` …"), as markdown text in a table cell or list item: each backtick-quoted run a code
 * span (`code`), the rest `cell` text, so GitHub shows the name as code and not the backticks as
 * typed. A backtick without its pair stays text. Input that reaches the sentence is as inert as
 * through `cell` or `code`.
 */
export function prose(text: string): string {
  return text
    .split(/`([^`\n]+)`/)
    .map((part, i) => (i % 2 === 1 ? code(part) : i === 0 ? cell(part) : inlineText(part)))
    .join('');
}

/**
 * Inline code: the value verbatim between backtick fences longer than any run of backticks it
 * holds, padded with a space where it begins or ends with a backtick or a space (CommonMark strips
 * one from each side); line breaks and other unsafe characters shown as escapes, `|` escaped for
 * GFM tables (GitHub shows `\|` outside a table: the one cost of one function for both), `<!--`
 * split by a zero-width space.
 * Nothing in a code span is a link, a mention or HTML.
 * https://spec.commonmark.org/0.31.2/#code-spans
 */
export function code(text: string): string {
  // `<!--` is inert in a code span, but the workflow finds its comment by an HTML comment: none
  // appears in the raw text but keyshare's own.
  const body = terminal(text).replace(/\|/g, '\\|').replace(/<!--/g, '<!\u200b--');
  if (body === '') return '` `';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // A span of spaces only is kept as it is; any other loses one space from each end.
  const pad = /^[` ]|[` ]$/.test(body) && !/^ +$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A fenced code block of `lines` (```` ```diff ````, ```` ```json ````): each line shown as terminal
 * text (no value adds a line or acts on control characters), `<!--` split as in `code`, and a fence
 * one backtick longer than any run the lines hold, so nothing inside can close it.
 * https://spec.commonmark.org/0.31.2/#fenced-code-blocks
 */
export function codeBlock(lines: readonly string[], info: string): string {
  const body = lines.map((line) => terminal(line).replace(/<!--/g, '<!\u200b--'));
  const longest = Math.max(0, ...body.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...body, fence].join('\n');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text inside an HTML element of the comment, such as `<summary>` (the line is an HTML block:
 * markdown is not read there, and a blank line would end it): HTML-escaped, on one line, mentions
 * and links defused; `` ` `` and `\` as entities, so no renderer reads code or escapes into it.
 * https://spec.commonmark.org/0.31.2/#html-blocks
 */
export function html(text: string): string {
  return defuse(terminal(text)).replace(/[&<>"'`\\]/g, (c) => HTML_ENTITIES[c] ?? `&#${c.charCodeAt(0)};`);
}

/**
 * A Mermaid label, between the double quotes the diagram puts around it: every character but
 * letters, digits and plain punctuation as Mermaid's entity code (`#35;`), so no quote, bracket,
 * pipe, backtick, `#`, HTML or line break reaches the diagram source, and the fence around it
 * cannot close early.
 * https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
 */
export function mermaid(text: string): string {
  return terminal(text).replace(/[^A-Za-z0-9 .,:/_+=*@-]/gu, (c) => `#${c.codePointAt(0)};`);
}

/**
 * A link destination in markdown, `[text](…)`: percent-encoded (RFC 3986), parentheses, spaces and
 * angle brackets included, so the destination cannot end early or carry a title.
 */
export function url(text: string): string {
  return encodeURI(text).replace(/[()'*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** JSON for a code block or a terminal: also `\uXXXX` for the unsafe characters JSON.stringify keeps. */
export function json(value: unknown): string {
  // JSON.stringify escapes C0 controls inside strings already; the line breaks left are its layout.
  return (JSON.stringify(value, null, 2) ?? 'null').replace(UNSAFE_CHARACTER, (c) => (c < ' ' ? c : escapeCharacter(c)));
}
