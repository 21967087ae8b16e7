/**
 * Values of the Terraform expressions keyshare's own stacks contain, for reviewing two configs
 * without Terraform: literals, `${…}` templates, references, and the two functions keyshare's
 * policy strings use, `jsonencode` and `replace` (src/terraform/policy-string.ts). Anything
 * else is an internal error: review would be guessing. A reference the caller cannot resolve is
 * UNKNOWN, which Terraform would show as "known after apply".
 * Syntax: HCL native syntax specification (hashicorp/hcl, hclsyntax/spec.md), literal subset.
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = null | boolean | number | string | Value[] | { [k: string]: Value } | typeof UNKNOWN;

export type Resolve = (reference: string) => Value;

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly resolve: Resolve,
  ) {}

  fail(what: string): never {
    throw new Error(`review cannot evaluate ${what} at ${this.i} in ${this.text.slice(0, 80)}`);
  }

  private space(): void {
    while (this.i < this.text.length && /[\s,]/.test(this.text[this.i])) this.i++;
  }

  private peek(): string {
    this.space();
    return this.text[this.i];
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`"${c}"`);
    this.i++;
  }

  expression(): Value {
    const c = this.peek();
    if (c === '"') return this.string();
    if (c === '{') return this.object();
    if (c === '[') return this.tuple();
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (number) {
      this.i += number[0].length;
      return Number(number[0]);
    }
    const name = /^[A-Za-z_][\w.-]*(\[\d+\][\w.-]*)*/.exec(this.text.slice(this.i))?.[0];
    if (!name) this.fail('an expression');
    this.i += name.length;
    if (name === 'true' || name === 'false') return name === 'true';
    if (name === 'null') return null;
    if (this.peek() === '(') return this.call(name);
    return this.resolve(name);
  }

  private call(name: string): Value {
    this.expect('(');
    const args: Value[] = [];
    while (this.peek() !== ')') args.push(this.expression());
    this.i++;
    if (args.some((a) => a === UNKNOWN)) return UNKNOWN;
    if (name === 'jsonencode' && args.length === 1) return jsonencode(args[0]);
    if (name === 'replace' && args.length === 3 && args.every((a) => typeof a === 'string')) {
      return (args[0] as string).split(args[1] as string).join(args[2] as string);
    }
    return this.fail(`the function ${name}`);
  }

  private object(): Value {
    this.expect('{');
    const out: Record<string, Value> = {};
    while (this.peek() !== '}') {
      let key: string;
      if (this.peek() === '"') key = this.string();
      else {
        const name = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.i))?.[0];
        if (!name) this.fail('an object key');
        key = name;
        this.i += name.length;
      }
      const sep = this.peek();
      if (sep !== '=' && sep !== ':') this.fail('"=" after an object key');
      this.i++;
      out[key] = this.expression();
    }
    this.i++;
    return out;
  }

  private tuple(): Value {
    this.expect('[');
    const out: Value[] = [];
    while (this.peek() !== ']') out.push(this.expression());
    this.i++;
    return out;
  }

  /** A quoted string: JSON escapes, plus `$${` and `%%{` for literal `${` and `%{`. */
  private string(): string {
    this.expect('"');
    let out = '';
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.text[this.i + 1];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
          continue;
        }
        out += ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? this.fail(`the escape \\${e}`);
        this.i += 2;
        continue;
      }
      if ((c === '$' || c === '%') && this.text[this.i + 1] === c && this.text[this.i + 2] === '{') {
        out += `${c}{`;
        this.i += 3;
        continue;
      }
      if ((c === '$' || c === '%') && this.text[this.i + 1] === '{') this.fail('a template inside a string');
      out += c;
      this.i++;
    }
    return this.fail('an unterminated string');
  }

  end(): void {
    this.space();
    if (this.i !== this.text.length) this.fail('trailing text');
  }
}

/** Terraform's jsonencode: compact, object attributes in lexical order (cty objects are sorted). */
function jsonencode(value: Value): string {
  const sorted = (v: Value): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted(v[k])]),
          )
        : v;
  return JSON.stringify(sorted(value));
}

/**
 * The value of one attribute as cdktf writes it: a literal, or a string holding `${…}`
 * interpolations (with `$${` for a literal `${`).
 */
export function evaluate(value: unknown, resolve: Resolve): Value {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, resolve));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, resolve)]));
  }
  if (typeof value !== 'string' || !/[$%]\{/.test(value)) return value as Value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    if ((value[i] === '$' || value[i] === '%') && value[i + 1] === value[i] && value[i + 2] === '{') {
      out += `${value[i]}{`;
      i += 3;
    } else if (value[i] === '$' && value[i + 1] === '{') {
      const end = closing(value, i + 2);
      const parser = new Parser(value.slice(i + 2, end), resolve);
      const v = parser.expression();
      parser.end();
      if (v === UNKNOWN) return UNKNOWN;
      // A template that is one interpolation keeps the value's type.
      if (i === 0 && end === value.length - 1) return v;
      out += typeof v === 'string' ? v : JSON.stringify(v);
      i = end + 1;
    } else {
      out += value[i++];
    }
  }
  return out;
}

/** Index of the `}` closing an interpolation opened before `from`, skipping strings and nested braces. */
function closing(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new Error(`review cannot evaluate an unterminated interpolation in ${text.slice(0, 80)}`);
}
