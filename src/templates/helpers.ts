import type { AuthorizationResult, Decision } from '../evaluator';
import { decisionMarkdown, reasonLines, reasonMarkdown } from './authorization';
import { cell, code } from './markdown';
import { hclString } from '../terraform/hcl';

/**
 * The helpers every template may call, whatever it writes: text, markdown, HCL or YAML. Each takes
 * exactly the arguments it declares; the engine refuses a call with more or fewer, so a template
 * typo fails loudly instead of printing something plausible.
 */
export const HELPERS = {
  /** Inline markdown code that survives backticks and table pipes. */
  code: (text: string) => code(String(text)),
  /** Plain text in a markdown table cell or list item. */
  cell: (text: string) => cell(String(text)),
  /** `✅ Allowed`, `⛔ ExplicitlyDenied`, `❌ ImplicitlyDenied`. */
  decision: (decision: Decision) => decisionMarkdown(decision),
  /** Why a decision fell, as markdown list items. */
  reasons: (result: AuthorizationResult) => reasonMarkdown(result),
  /** Why a decision fell, as plain lines. */
  reasonLines: (result: AuthorizationResult) => reasonLines(result),
  /** A value as two-space indented JSON; also a valid HCL expression for plain data. */
  json: (value: unknown) => JSON.stringify(value, null, 2),
  /** Every line of `text` indented by `width` spaces; for JSON or code blocks nested in lists. */
  indent: (width: number, text: string) =>
    String(text)
      .split('\n')
      .map((line) => `${' '.repeat(width)}${line}`)
      .join('\n'),
  /** `@index` is 0-based; numbered lists start at 1. */
  inc: (n: number) => n + 1,
  /** `word` or `words` by count: `{{n}} {{plural n "consumer"}}`. */
  plural: (n: number, word: string) => (n === 1 ? word : `${word}s`),
  join: (list: readonly unknown[], separator: string) => list.join(separator),
  eq: (a: unknown, b: unknown) => a === b,
  /** A quoted HCL string: JSON escapes, plus `$${` and `%%{` so Terraform does not interpolate. */
  hcl: (text: string) => hclString(String(text)),
  /** A one-line HCL list of quoted strings, as `terraform fmt` leaves a list written on one line. */
  hclList: (values: readonly string[]) => `[${values.map((v) => hclString(String(v))).join(', ')}]`,
} satisfies Record<string, (...args: never[]) => unknown>;

export type HelperName = keyof typeof HELPERS;
