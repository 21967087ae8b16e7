import type { AuthorizationResult, Decision } from '../evaluator';
import { decisionMarkdown, reasonLines, reasonMarkdown } from './authorization';
import { cell, code, codeBlock, Escaped, html, json, mermaid, prose, terminal, trusted, url } from './escape';
import { hclString } from '../terraform/hcl';

/** Text a template may print as it is: escaped already, a number, a boolean, or empty. */
export function printable(value: unknown): value is Escaped | number | boolean | '' {
  return value instanceof Escaped || typeof value === 'number' || typeof value === 'boolean' || value === '';
}

function escapedText(helper: string, value: unknown): string {
  if (!printable(value)) {
    throw new Error(`helper ${helper} was given unescaped text ${JSON.stringify(value)}: pass it through cell, code, html, mermaid or terminal`);
  }
  return String(value);
}

/** A count with thousands separators: 1,806. */
export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 word` or `n words`, the count with thousands separators. */
export function counted(n: number, word: string): string {
  return `${thousands(n)} ${n === 1 ? word : `${word}s`}`;
}

/**
 * The helpers every template may call, whatever it writes: text, markdown, HCL or YAML. Each takes
 * exactly the arguments it declares; the engine refuses a call with more or fewer, so a template
 * typo fails loudly instead of printing something plausible. Every helper that prints text returns
 * `Escaped`: the escaping functions (`src/templates/escape.ts`) make input inert in one context each.
 */
export const HELPERS = {
  /** Inline markdown code: fenced with more backticks than the value holds, line breaks shown as `\n`. */
  code: (text: string) => trusted(code(String(text))),
  /** A fenced code block of lines, with the template's own info string: `{{codeBlock diff "diff"}}`. */
  codeBlock: (lines: readonly string[], info: string) => trusted(codeBlock(lines.map(String), info)),
  /** Plain text in a markdown table cell or list item: no markup, mention or link. */
  cell: (text: string) => trusted(cell(String(text))),
  /** keyshare's own sentence in a cell or list item, its backtick-quoted names as code spans. */
  prose: (text: string) => trusted(prose(String(text))),
  /** Text inside an HTML element of a comment, such as `<summary>`. */
  html: (text: string) => trusted(html(String(text))),
  /** A Mermaid label, inside the double quotes the template puts around it. */
  mermaid: (text: string) => trusted(mermaid(String(text))),
  /** A markdown link destination, percent-encoded. */
  url: (text: string) => trusted(url(String(text))),
  /** Terminal text: control, C1 and bidi characters shown as escapes. */
  terminal: (text: string) => trusted(terminal(String(text))),
  /** `✅ Allowed`, `⛔ ExplicitlyDenied`, `❌ ImplicitlyDenied`. */
  decision: (decision: Decision) => trusted(decisionMarkdown(decision)),
  /** Why a decision fell, as markdown list items. */
  reasons: (result: AuthorizationResult) => reasonMarkdown(result).map(trusted),
  /** Why a decision fell, as terminal lines. */
  reasonLines: (result: AuthorizationResult) => reasonLines(result).map((line) => trusted(terminal(line))),
  /** A value as two-space indented JSON (unsafe characters as `\uXXXX`); also a valid HCL expression for plain data. */
  json: (value: unknown) => trusted(json(value)),
  /** Every line of escaped `text` indented by `width` spaces; for JSON or code blocks nested in lists. */
  indent: (width: number, text: Escaped) =>
    trusted(
      escapedText('indent', text)
        .split('\n')
        .map((line) => `${' '.repeat(width)}${line}`)
        .join('\n'),
    ),
  /** `@index` is 0-based; numbered lists start at 1. */
  inc: (n: number) => n + 1,
  /** A count with thousands separators, as GitHub and terminals show numbers: 1,806. */
  num: (n: number) => trusted(thousands(Number(n))),
  /** `word` or `words` by count: `{{n}} {{plural n "consumer"}}`; the word is the template's own (the engine checks). */
  plural: (n: number, word: string) => trusted(n === 1 ? word : `${word}s`),
  /** Escaped items (or numbers) joined by the template's own separator. */
  join: (list: readonly unknown[], separator: string) => trusted(list.map((item) => escapedText('join', item)).join(separator)),
  eq: (a: unknown, b: unknown) => a === b,
  /** A quoted HCL string: JSON escapes, plus `$${` and `%%{` so Terraform does not interpolate. */
  hcl: (text: string) => trusted(hclString(String(text))),
  /** A one-line HCL list of quoted strings, as `terraform fmt` leaves a list written on one line. */
  hclList: (values: readonly string[]) => trusted(`[${values.map((v) => hclString(String(v))).join(', ')}]`),
} satisfies Record<string, (...args: never[]) => unknown>;

/** Helpers whose text argument (by position) must be a string literal of the template, never data. */
export const LITERAL_ARGUMENTS: Partial<Record<HelperName, number>> = { plural: 1, join: 1, codeBlock: 1 };

export type HelperName = keyof typeof HELPERS;
