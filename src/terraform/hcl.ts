/**
 * HCL text for generated Terraform: string quoting and values rendered the way `terraform fmt`
 * writes them, so generated files pass `terraform fmt -check` without running Terraform.
 *
 * Policy builders are called with Terraform expressions in place of values (`tf('var.partition')`);
 * the renderer turns each such token back into an interpolation, so a statement in a generated
 * module is the builder's own output, never a second copy of it.
 */

import { UNSAFE_CHARACTER } from '../errors';

const OPEN = '\u27e6';
const CLOSE = '\u27e7';
const WHOLE = '=';
const TOKEN = new RegExp(`${OPEN}(${WHOLE}?)([^${CLOSE}]*)${CLOSE}`, 'g');

/** A Terraform expression carried through a builder inside a string: it becomes `${expr}`. */
export function tf(expr: string): string {
  return `${OPEN}${expr}${CLOSE}`;
}

/**
 * A Terraform expression that replaces the whole value it ends up in: the string a builder made
 * around it, or the one-element list it sits in. For values Terraform computes as a whole (a list
 * of ARNs, a role ARN with or without its suffix) from the same builders' element strings.
 */
export function tfWhole(expr: string): string {
  return `${OPEN}${WHOLE}${expr}${CLOSE}`;
}

/** Quoted HCL string literal. `${` and `%{` start templates in HCL, so literal ones are doubled. */
export function hclString(text: string): string {
  return `"${escapeLiteral(text)}"`;
}

/**
 * HCL escapes for what cannot stand in a quoted string, and `\uXXXX` for every control, C1, bidi or
 * invisible character (`UNSAFE_CHARACTER`), so a generated file reads as Terraform reads it;
 * template sequences are doubled.
 */
function escapeLiteral(text: string): string {
  if (text.includes(OPEN) || text.includes(CLOSE)) throw new Error(`unrendered Terraform token in ${JSON.stringify(text)}`);
  return text.replace(LITERAL_ESCAPED, (s) => {
    if (s.length === 2) return `${s[0]}${s}`;
    return ESCAPES[s] ?? `\\u${s.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

const LITERAL_ESCAPED = new RegExp(`[\\\\"]|${UNSAFE_CHARACTER.source}|[$%]\\{`, 'g');
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The Terraform expression a whole-value token stands for, if `text` holds one. */
function wholeExpression(text: string): string | undefined {
  const wholes = [...text.matchAll(TOKEN)].filter((m) => m[1] === WHOLE);
  if (wholes.length > 1) throw new Error(`two whole-value tokens in ${JSON.stringify(text)}`);
  return wholes[0]?.[2];
}

/** A string with tokens as an HCL template; a string that is one token as the bare expression. */
export function hclTemplate(text: string): string {
  const whole = wholeExpression(text);
  if (whole !== undefined) return whole;
  const parts = text.split(TOKEN);
  // split() with two capture groups yields: literal, flag, expr, literal, flag, expr, ..., literal
  if (parts.length === 4 && parts[0] === '' && parts[3] === '') return parts[2];
  let out = '';
  for (let i = 0; i < parts.length; i += 3) {
    out += escapeLiteral(parts[i]);
    if (i + 2 < parts.length) out += `\${${parts[i + 2]}}`;
  }
  return `"${out}"`;
}

/** A list of strings on one line, for conditions and other one-line expressions. */
export function hclInlineList(items: readonly string[]): string {
  return `[${items.map(hclString).join(', ')}]`;
}

export type HclValue = string | number | boolean | null | readonly HclValue[] | { readonly [key: string]: HclValue | undefined };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * An HCL expression for a JSON-like value, laid out as `terraform fmt` lays it out: objects one
 * attribute a line with `=` aligned across runs of one-line attributes, lists of several items one
 * item a line. `indent` is the column of the line the expression starts on.
 */
export function hclValue(value: HclValue, indent = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return hclTemplate(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    const items = value as readonly HclValue[];
    if (items.length === 1 && typeof items[0] === 'string') {
      const whole = wholeExpression(items[0]);
      if (whole !== undefined) return whole;
    }
    if (items.length === 0) return '[]';
    if (items.length === 1 && !isMultiline(items[0])) return `[${hclValue(items[0], indent)}]`;
    return `[\n${items.map((item) => `${pad}${hclValue(item, indent + 2)},\n`).join('')}${' '.repeat(indent)}]`;
  }
  const entries = Object.entries(value as Record<string, HclValue | undefined>).filter((e): e is [string, HclValue] => e[1] !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${hclAttributes(entries, indent + 2)}${' '.repeat(indent)}}`;
}

function isMultiline(value: HclValue): boolean {
  return hclValue(value).includes('\n');
}

/** Attribute lines `key = value`, `=` aligned across each run of one-line values, as fmt does. */
export function hclAttributes(entries: readonly (readonly [string, HclValue])[], indent: number): string {
  return hclExpressionAttributes(
    entries.map(([key, v]) => [IDENTIFIER.test(key) ? key : hclString(key), hclValue(v, indent)]),
    indent,
  );
}

/** Attribute lines whose values are HCL expressions already, laid out as `hclAttributes` lays them out. */
export function hclExpressionAttributes(entries: readonly (readonly [string, string])[], indent: number): string {
  const pad = ' '.repeat(indent);
  let out = '';
  let run: (readonly [string, string])[] = [];
  const flush = () => {
    const width = Math.max(...run.map(([key]) => key.length));
    for (const [key, text] of run) out += `${pad}${key.padEnd(width)} = ${text}\n`;
    run = [];
  };
  for (const entry of entries) {
    if (entry[1].includes('\n')) {
      if (run.length > 0) flush();
      out += `${pad}${entry[0]} = ${entry[1]}\n`;
    } else {
      run.push(entry);
    }
  }
  if (run.length > 0) flush();
  return out;
}
