import * as fs from 'fs';
import * as path from 'path';
import Handlebars from 'handlebars';
import { HELPERS } from './helpers';
import { PROJECT_ROOT } from '../project-root';

/** templates/ at the project root: `<name>.hbs`, and partials in `partials/<partial>.hbs`. */
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
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])),
};

/** A template that cannot be read, compiled or rendered: a bug in keyshare, named by its template (`review.md.hbs`). */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

const engine = Handlebars.create();
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
// Partials are registered as source: Handlebars compiles one on first use with its caller's
// options, so a command pays only for the partials it renders (compiling them all cost every
// command ~30 ms). The template test compiles each partial with COMPILE_OPTIONS.
if (fs.existsSync(PARTIALS_DIR)) {
  for (const file of fs
    .readdirSync(PARTIALS_DIR)
    .filter((f) => f.endsWith('.hbs'))
    .sort()) {
    engine.registerPartial(file.slice(0, -'.hbs'.length), read(path.join(PARTIALS_DIR, file)));
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
  try {
    engine.precompile(source, COMPILE_OPTIONS);
  } catch (err) {
    throw new TemplateError(name, `template ${name}: ${(err as Error).message}`);
  }
  const template = engine.compile(source, COMPILE_OPTIONS);
  return (data) => {
    try {
      return `${template(data).trimEnd()}\n`;
    } catch (err) {
      throw new TemplateError(name, `template ${name}: ${(err as Error).message}`);
    }
  };
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const template = path.relative(TEMPLATES_DIR, file);
    throw new TemplateError(template, `template ${template} cannot be read: ${(err as Error).message}`);
  }
}
