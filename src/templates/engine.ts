import * as fs from 'fs';
import * as path from 'path';
import Handlebars from 'handlebars';
import { HELPERS, LITERAL_ARGUMENTS, printable } from './helpers';
import { trusted } from './escape';
import { PROJECT_ROOT } from '../project-root';

/** templates/ at the project root: `<name>.hbs`, and partials in `partials/<partial>.hbs`. */
/** What a raw `{{value}}` becomes: `{{__raw value "value"}}`, which prints only escaped text. */
const RAW = '__raw';
/** What a partial's string argument becomes: the template's own text, printable as it is. */
const LITERAL = '__literal';

export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
const PARTIALS_DIR = path.join(TEMPLATES_DIR, 'partials');

/**
 * Templates write code and text, not HTML: nothing is HTML-escaped (the helpers escape what
 * markdown or HCL needs). `strict` makes a missing field throw, and `knownHelpersOnly` makes an
 * unknown helper a compile error: a typo in a template must fail, never print an empty string.
 */
export const COMPILE_OPTIONS: CompileOptions = {
  noEscape: true,
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries([...Object.keys(HELPERS), RAW, LITERAL].map((name) => [name, true])),
};

/**
 * A template that cannot be read, compiled or rendered: a bug in keyshare, named by its template
 * (`review.md.hbs`), with the line when the guard knows it, so callers never parse the message.
 */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    /** What is wrong, without the template's name and line. */
    readonly problem: string,
    readonly line?: number | '?',
  ) {
    super(`template ${template}${line === undefined ? '' : `:${line}`}: ${problem}`);
    this.name = 'TemplateError';
  }
}

const engine = Handlebars.create();
engine.registerHelper(RAW, (value: unknown, name: string) => {
  if (value === undefined) throw new Error(`"${name}" not defined`);
  if (!printable(value)) {
    throw new Error(`{{${name}}} prints unescaped text ${JSON.stringify(value)}: write {{cell ${name}}}, {{code ${name}}}, {{html ${name}}}, {{mermaid ${name}}} or {{terminal ${name}}}`);
  }
  return value;
});
engine.registerHelper(LITERAL, (text: string) => trusted(text));
for (const [name, helper] of Object.entries(HELPERS)) {
  engine.registerHelper(name, (...args: unknown[]) => {
    // Handlebars passes its options object last.
    const given = args.slice(0, -1);
    if (given.length !== helper.length) throw new Error(`helper ${name} takes ${helper.length} arguments, got ${given.length}`);
    if (given.includes(undefined)) throw new Error(`helper ${name} was given a field the data does not have`);
    return (helper as (...a: unknown[]) => unknown)(...given);
  });
}
// `strict` does not reach helper arguments: `{{#if mispelt}}` would quietly be false. The
// built-in block helpers refuse a missing field too; data says "absent" with null or false.
for (const name of ['if', 'unless', 'each', 'with']) {
  const builtin = engine.helpers[name];
  engine.registerHelper(name, function (this: unknown, ...args: unknown[]) {
    if (args.length > 1 && args[0] === undefined) throw new Error(`#${name} was given a field the data does not have`);
    return (builtin as (...a: unknown[]) => unknown).apply(this, args);
  });
}
// Partials compile on first use, so a command pays only for the partials it renders (compiling
// them all cost every command ~30 ms); each is guarded as templates are. The template test
// compiles each partial with COMPILE_OPTIONS.
if (fs.existsSync(PARTIALS_DIR)) {
  for (const file of fs
    .readdirSync(PARTIALS_DIR)
    .filter((f) => f.endsWith('.hbs'))
    .sort()) {
    let partial: HandlebarsTemplateDelegate | undefined;
    engine.registerPartial(file.slice(0, -'.hbs'.length), (context: unknown, options?: RuntimeOptions) => {
      partial ??= engine.compile(guarded(read(path.join(PARTIALS_DIR, file)), `partials/${file}`), COMPILE_OPTIONS);
      return partial(context, options);
    });
  }
}

const compiled = new Map<string, (data: object) => string>();

/**
 * Renders `templates/<name>.hbs` with `data`, ending in exactly one newline. Templates are compiled
 * once per process.
 */
export function renderTemplate(name: string, data: object): string {
  let template = compiled.get(name);
  if (!template) {
    template = compileTemplate(read(path.join(TEMPLATES_DIR, `${name}.hbs`)), `${name}.hbs`);
    compiled.set(name, template);
  }
  return template(data);
}

/**
 * Compiles a template with the shared helpers and options. Syntax errors and unknown helpers throw
 * here; a missing field throws when the template runs, naming the template.
 */
export function compileTemplate(source: string, name: string): (data: object) => string {
  const ast = guarded(source, name);
  let template: HandlebarsTemplateDelegate;
  try {
    // Compiled once, now: engine.compile would compile again on the first render, and a precompile
    // run only to surface errors here doubled the templates' CPU. This is how Handlebars loads a
    // precompiled template (https://handlebarsjs.com/api-reference/compilation.html#handlebars-template-templatespec).
    const spec: unknown = new Function(`return ${engine.precompile(ast, COMPILE_OPTIONS)}`)();
    template = engine.template(spec as TemplateSpecification);
  } catch (err) {
    throw new TemplateError(name, (err as Error).message);
  }
  return (data) => {
    try {
      return `${template(data).trimEnd()}\n`;
    } catch (err) {
      throw new TemplateError(name, (err as Error).message);
    }
  };
}

type Node = hbs.AST.Node;
function pathTo(name: string, node: Node): hbs.AST.PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc: node.loc } as hbs.AST.PathExpression;
}
function literal(value: string, node: Node): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc: node.loc };
}

/**
 * Input reaches a template's output only through an escaping helper. The parsed template is
 * rewritten before it compiles: each raw `{{value}}` prints through a guard that refuses a plain
 * string (only `Escaped` text, numbers and booleans print as they are), `{{{value}}}` is refused
 * outright, a partial's string arguments are marked as the template's own text, and the word
 * `plural` and the separator `join` take must be written in the template.
 */
function guarded(source: string, name: string): hbs.AST.Program {
  const fail = (node: Node, problem: string) => {
    throw new TemplateError(name, problem, node.loc?.start.line ?? '?');
  };
  let ast: hbs.AST.Program;
  try {
    ast = engine.parse(source);
  } catch (err) {
    throw new TemplateError(name, (err as Error).message);
  }
  class Guard extends Handlebars.Visitor {
    MustacheStatement(node: hbs.AST.MustacheStatement): void {
      const helper = node.path.type === 'PathExpression' ? (node.path as hbs.AST.PathExpression).original : undefined;
      if (!node.escaped) fail(node, `{{{…}}} prints text unescaped; use {{…}} with an escaping helper`);
      if (helper !== undefined && helper in HELPERS) {
        checkLiterals(node, helper);
      } else if (node.params.length === 0 && !node.hash && node.path.type === 'PathExpression') {
        const original = (node.path as hbs.AST.PathExpression).original;
        Object.assign(node, { params: [node.path, literal(original, node)], path: pathTo(RAW, node) });
      }
      super.MustacheStatement(node);
    }
    SubExpression(node: hbs.AST.SubExpression): void {
      checkLiterals(node, (node.path as hbs.AST.PathExpression).original);
      super.SubExpression(node);
    }
    PartialStatement(node: hbs.AST.PartialStatement): void {
      for (const pair of node.hash?.pairs ?? []) {
        if (pair.value.type === 'StringLiteral') {
          const text = (pair.value as hbs.AST.StringLiteral).value;
          pair.value = { type: 'SubExpression', path: pathTo(LITERAL, node), params: [literal(text, node)], hash: undefined, loc: node.loc } as unknown as hbs.AST.Expression;
        }
      }
      super.PartialStatement(node);
    }
  }
  const checkLiterals = (node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, helper: string) => {
    const at = LITERAL_ARGUMENTS[helper as keyof typeof LITERAL_ARGUMENTS];
    if (at !== undefined && node.params[at]?.type !== 'StringLiteral') fail(node, `${helper}'s argument ${at + 1} must be a string written in the template`);
  };
  new Guard().accept(ast);
  return ast;
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const template = path.relative(TEMPLATES_DIR, file);
    throw new TemplateError(template, `cannot be read: ${(err as Error).message}`);
  }
}
