/**
 * Terraform's JSON configuration syntax as native HCL, laid out as `terraform fmt` writes it: what
 * `synth --hcl` writes as `cdk.tf` in place of `cdk.tf.json`. cdktf's own HCL renderer mangles a
 * stack's `terraform` overrides (`required_version` came out as `0 = "required_version"`), quotes
 * whole expressions (`"${jsonencode(…)}"`) and references in `depends_on`, and is not fmt-clean.
 *
 * The JSON syntax cannot tell a nested block from an attribute holding a list of objects without
 * the provider's schema (https://developer.hashicorp.com/terraform/language/syntax/json, "Nested
 * Block Mapping"). keyshare's stacks set no attribute of that type, so an array of objects in a
 * provider, resource or data body is a sequence of blocks; a test runs the result through the real
 * provider's schema.
 */
import { HclValue, hclAttributes, hclString, tf } from './hcl';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Comments in the JSON syntax ("//" keys): cdktf's metadata, which `metadata.json` keeps. */
const COMMENT = '//';

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where each interpolation of a JSON-syntax string template ends: the index of the `}` that
 * closes the `${` opened just before `start`, skipping braces inside quoted strings and nested
 * templates. Terraform's template syntax is the same in both syntaxes.
 */
function interpolationEnd(text: string, start: number): number {
  const frames: ('expr' | 'string')[] = ['expr'];
  const braces: number[] = [0];
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (frames[frames.length - 1] === 'string') {
      if (c === '\\') i++;
      else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') i += 2;
      else if (c === '$' && text[i + 1] === '{') {
        frames.push('expr');
        braces.push(0);
        i++;
      } else if (c === '"') frames.pop();
      continue;
    }
    if (c === '"') frames.push('string');
    else if (c === '{') braces[braces.length - 1]++;
    else if (c === '}') {
      if (braces[braces.length - 1] > 0) braces[braces.length - 1]--;
      else {
        frames.pop();
        braces.pop();
        if (frames.length === 0) return i;
      }
    }
  }
  throw new Error(`unterminated interpolation in ${JSON.stringify(text)}`);
}

/**
 * An expression on one line as `terraform fmt` spaces it: one space inside the braces of a
 * non-empty object constructor (`{ "a" = 1 }`), which cdktf's `jsonencode(…)` leaves out. String
 * literals, and the templates inside them, are left as they are.
 */
function fmtInline(expr: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      out += c;
      if (c === '\\') out += expr[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === '}' && !/[{ ]$/.test(out)) out += ' ';
    out += c;
    if (c === '{' && expr[i + 1] !== '}' && expr[i + 1] !== ' ') out += ' ';
  }
  return out;
}

/** A JSON-syntax string as an HclValue: literal text, with each `${…}` carried as a Terraform token. */
function templateValue(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += `${c}{`; // an escaped literal; hclString escapes it again
      i += 3;
    } else if (c === '$' && text[i + 1] === '{') {
      const end = interpolationEnd(text, i + 2);
      const expr = fmtInline(text.slice(i + 2, end).trim());
      out += tf(expr); // a string that is one token alone renders as the bare expression
      i = end + 1;
    } else if (c === '%' && text[i + 1] === '{') {
      throw new Error(`template directives are not rendered: ${JSON.stringify(text)}`);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function value(v: Json): HclValue {
  if (typeof v === 'string') return templateValue(v);
  if (Array.isArray(v)) return v.map(value);
  if (isObject(v))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== COMMENT)
        .map(([k, x]) => [k, value(x)]),
    );
  return v;
}

/** Every entry of a body as an attribute, comments left out. */
function attributesOf(body: JsonObject): [string, HclValue][] {
  return Object.entries(body)
    .filter(([k]) => k !== COMMENT)
    .map(([k, x]) => [k, value(x)]);
}

interface Body {
  readonly attributes: [string, HclValue][];
  readonly blocks: string[];
}

/** A block body: attributes first (fmt-aligned), then nested blocks, each after a blank line. */
function renderBody({ attributes, blocks }: Body, indent: number): string {
  const parts = [hclAttributes(attributes, indent), ...blocks].filter((p) => p !== '');
  return parts.join('\n');
}

function block(header: string, body: Body, indent: number): string {
  const pad = ' '.repeat(indent);
  const inner = renderBody(body, indent + 2);
  return inner === '' ? `${pad}${header} {}\n` : `${pad}${header} {\n${inner}${pad}}\n`;
}

const label = (name: string) => hclString(name);

/** A provider, resource or data body: arrays of objects are nested blocks; `depends_on` holds references. */
function resourceBody(body: JsonObject, indent: number): Body {
  const attributes: [string, HclValue][] = [];
  const blocks: string[] = [];
  for (const [key, v] of Object.entries(body)) {
    if (key === COMMENT) continue;
    if (key === 'depends_on' && Array.isArray(v)) {
      attributes.push([key, v.map((ref) => tf(String(ref)))]);
    } else if (Array.isArray(v) && v.length > 0 && v.every(isObject)) {
      for (const item of v) blocks.push(block(key, resourceBody(item as JsonObject, indent + 2), indent));
    } else {
      attributes.push([key, value(v)]);
    }
  }
  return { attributes, blocks };
}

/** The `terraform` block: `backend` and `required_providers` are blocks, the rest attributes. */
function terraformBody(body: JsonObject, indent: number): Body {
  const attributes: [string, HclValue][] = [];
  const blocks: string[] = [];
  for (const [key, v] of Object.entries(body)) {
    if (key === 'backend' && isObject(v)) {
      for (const [type, config] of Object.entries(v)) {
        blocks.push(block(`backend ${label(type)}`, { attributes: attributesOf(config as JsonObject), blocks: [] }, indent));
      }
    } else if (key === 'required_providers' && isObject(v)) {
      blocks.push(block(key, { attributes: attributesOf(v), blocks: [] }, indent));
    } else {
      attributes.push([key, value(v)]);
    }
  }
  return { attributes, blocks };
}

/** A whole configuration in the JSON syntax (a `cdk.tf.json`) as native syntax, fmt-clean. */
export function terraformJsonToHcl(config: JsonObject): string {
  const out: string[] = [];
  for (const [key, v] of Object.entries(config)) {
    if (key === COMMENT || !isObject(v)) continue;
    if (key === 'terraform') out.push(block('terraform', terraformBody(v, 2), 0));
    else if (key === 'provider') {
      for (const [name, configs] of Object.entries(v)) {
        for (const c of Array.isArray(configs) ? configs : [configs]) out.push(block(`provider ${label(name)}`, resourceBody(c as JsonObject, 2), 0));
      }
    } else if (key === 'resource' || key === 'data') {
      for (const [type, named] of Object.entries(v)) {
        for (const [name, body] of Object.entries(named as JsonObject)) {
          out.push(block(`${key} ${label(type)} ${label(name)}`, resourceBody(body as JsonObject, 2), 0));
        }
      }
    } else if (key === 'output') {
      for (const [name, body] of Object.entries(v))
        out.push(block(`output ${label(name)}`, { attributes: attributesOf(body as JsonObject), blocks: [] }, 0));
    } else {
      throw new Error(`no HCL rendering for the top-level "${key}" of a Terraform JSON configuration`);
    }
  }
  return out.join('\n');
}

/**
 * What cdktf keeps beside an HCL stack (`metadata.json`): the JSON's comments and its `terraform`
 * block; and its `provider` block, from which a later synth builds a removed consumer's tombstone
 * with the same provider as in JSON (src/stacks/tombstone-stack.ts).
 */
export function terraformJsonMetadata(config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(config)) {
    if (key === COMMENT || key === 'terraform' || key === 'provider') out[key] = v;
    else if ((key === 'resource' || key === 'data') && isObject(v)) {
      out[key] = Object.fromEntries(
        Object.entries(v).map(([type, named]) => [
          type,
          Object.fromEntries(Object.entries(named as JsonObject).map(([name, body]) => [name, { [COMMENT]: (body as JsonObject)[COMMENT] ?? null }])),
        ]),
      );
    }
  }
  return out;
}
