import * as fs from 'fs';
import * as path from 'path';
import Handlebars from 'handlebars';
import { cell } from '../format/markdown';
import { hclString } from '../terraform/hcl';

const TEMPLATES = path.resolve(__dirname, '../../templates/modules');

/**
 * Handlebars set up for code: nothing is HTML-escaped (`noEscape`), and a name the data lacks is
 * an error (`strict`), so a template typo fails the render instead of writing an empty value.
 */
const hbs = Handlebars.create();
hbs.registerHelper('quote', (text: unknown) => hclString(String(text)));
hbs.registerHelper('cell', (text: unknown) => cell(String(text)));
for (const file of fs.readdirSync(path.join(TEMPLATES, 'partials'))) {
  hbs.registerPartial(file.replace(/\.md\.hbs$/, ''), fs.readFileSync(path.join(TEMPLATES, 'partials', file), 'utf8'));
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Renders `templates/modules/<name>.hbs`. */
export function renderModuleTemplate(name: string, data: unknown): string {
  let template = compiled.get(name);
  if (!template) {
    template = hbs.compile(fs.readFileSync(path.join(TEMPLATES, `${name}.hbs`), 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(data);
}

export function moduleTemplateExists(name: string): boolean {
  return fs.existsSync(path.join(TEMPLATES, `${name}.hbs`));
}
