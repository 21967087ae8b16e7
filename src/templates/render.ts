import * as fs from 'fs';
import * as path from 'path';
import Handlebars from 'handlebars';
import { decisionMarkdown, reasonMarkdown } from '../format/authorization';
import { cell, code } from '../format/markdown';

const TEMPLATES = path.resolve(__dirname, '../../templates');

/**
 * Markdown for people (PR comments) comes from Handlebars templates in templates/. Output is
 * markdown, not HTML, so nothing is HTML-escaped; the helpers escape what a table cell needs.
 */
const hbs = Handlebars.create();
hbs.registerHelper('code', (text: string) => code(String(text)));
hbs.registerHelper('cell', (text: string) => cell(String(text)));
hbs.registerHelper('decision', decisionMarkdown);
hbs.registerHelper('reasons', reasonMarkdown);

const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function render(name: string, data: unknown): string {
  let template = compiled.get(name);
  if (!template) {
    template = hbs.compile(fs.readFileSync(path.join(TEMPLATES, `${name}.hbs`), 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(data).trimEnd();
}
