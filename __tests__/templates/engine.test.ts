import * as fs from 'fs';
import * as path from 'path';
import { HELPERS } from '../../src/templates/helpers';
import { compileTemplate, renderTemplate, TemplateError, TEMPLATES_DIR } from '../../src/templates/engine';
import { evaluateWithTerraform } from '../support/terraform';

function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? templateFiles(file) : e.name.endsWith('.hbs') ? [file] : [];
  });
}

describe('the Handlebars setup every template shares', () => {
  test.each(templateFiles(TEMPLATES_DIR).map((f) => path.relative(TEMPLATES_DIR, f)))('%s compiles with the shared helpers', (file) => {
    expect(() => compileTemplate(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'), file)).not.toThrow();
  });

  test('a misspelt helper fails at compile time, naming the template', () => {
    expect(() => compileTemplate('{{cel title}}', 'typo.hbs')).toThrow(/typo\.hbs.*unknown helper cel/);
    expect(() => compileTemplate('{{cel title}}', 'typo.hbs')).toThrow(expect.objectContaining({ template: 'typo.hbs' }));
  });

  test.each([
    ['a misspelt field', '{{titel}}', { title: 'x' }, /typo\.hbs: "titel" not defined/],
    ['a misspelt field inside #each', '{{#each xs}}{{nme}}{{/each}}', { xs: [{ name: 'x' }] }, /"nme" not defined/],
    ['a misspelt field given to #if', '{{#if provn}}yes{{/if}}', { proven: true }, /#if was given a field the data does not have/],
    ['a misspelt field given to #each', '{{#each stesp}}x{{/each}}', { steps: [] }, /#each was given a field the data does not have/],
    ['a misspelt field given to a helper', '{{code acount}}', { account: '1' }, /helper code was given a field the data does not have/],
    ['a helper given too many arguments', '{{code account "x"}}', { account: '1' }, /helper code takes 1 arguments, got 2/],
  ])('%s fails when rendered instead of printing nothing', (_, source, data, message) => {
    expect(() => compileTemplate(source, 'typo.hbs')(data)).toThrow(message);
    expect(() => compileTemplate(source, 'typo.hbs')(data)).toThrow(TemplateError);
  });

  test('nothing is HTML-escaped: an escaped value prints as its helper wrote it', () => {
    expect(compileTemplate('{{code x}}', 't')({ x: `<a href="x">&'</a>` })).toBe("`<a href=\"x\">&'</a>`\n");
  });

  test.each([
    ['a raw field of text', '{{title}}', { title: 'x' }, /{{title}} prints unescaped text "x": write {{cell title}}/],
    ['raw text in a loop', '{{#each xs}}{{this}}{{/each}}', { xs: ['x'] }, /{{this}} prints unescaped text/],
    ['a raw field inside a partial', '{{> verdict-cell}}', { unknown: false, result: { decision: 'x' }, decisionText: 'y' }, undefined],
    ['text joined without escaping', '{{join xs ", "}}', { xs: ['a'] }, /helper join was given unescaped text "a"/],
    ['text indented without escaping', '{{indent 2 x}}', { x: 'a' }, /helper indent was given unescaped text "a"/],
  ])('%s is refused: input reaches a template only through an escaping helper', (_, source, data, message) => {
    const render = () => compileTemplate(source, 't')(data);
    if (message) expect(render).toThrow(message);
    else expect(render).not.toThrow();
  });

  test.each([
    ['a triple-stash', '{{{x}}}', /t:1: {{{…}}} prints text unescaped/],
    ["plural's word from data", '{{plural n word}}', /t:1: plural's argument 2 must be a string written in the template/],
    ["join's separator from data", '{{join xs sep}}', /t:1: join's argument 2 must be a string written in the template/],
  ])('%s does not compile', (_, source, message) => {
    expect(() => compileTemplate(source, 't')).toThrow(message);
  });

  test('numbers, booleans and escaped text print as they are', () => {
    expect(compileTemplate('{{n}} {{b}} {{#each xs}}{{this}}{{/each}} {{code s}}', 't')({ n: 3, b: true, xs: [1, 2], s: 'a' })).toBe('3 true 12 `a`\n');
  });

  test('a template that does not exist is an error naming it', () => {
    expect(() => renderTemplate('no-such-template', {})).toThrow(/template no-such-template\.hbs: cannot be read/);
    expect(() => renderTemplate('no-such-template', {})).toThrow(expect.objectContaining({ template: 'no-such-template.hbs' }));
  });

  test('markdown helpers escape what would end a table cell or a code span', () => {
    expect(compileTemplate('| {{cell x}} | {{code y}} |', 't')({ x: 'a|b\nc', y: 'p`q|r' })).toBe('| a\\|b\\\\nc | ``p`q\\|r`` |\n');
  });

  test('indent, inc, plural, join and eq', () => {
    const t = compileTemplate(
      '{{#each xs}}{{inc @index}}{{code this}} {{/each}}{{plural 1 "probe"}} {{plural 2 "probe"}} {{join ns ", "}} {{#if (eq n 1)}}one{{/if}}\n{{indent 2 (json o)}}',
      't',
    );
    expect(t({ xs: ['a', 'b'], ns: [1, 2], n: 1, o: { k: [1] } })).toBe('1`a` 2`b` probe probes 1, 2 one\n  {\n    "k": [\n      1\n    ]\n  }\n');
  });

  test('hcl quotes a string that Terraform reads back unchanged, interpolation sequences included', () => {
    const nasty = 'arn:aws:iam::${aws:PrincipalAccount}:role/x %{if} "quoted" \\ back\nline \u0085 \u202e \u001b';
    const expr = compileTemplate('{{hcl s}}', 't')({ s: nasty }).trimEnd();
    // Terraform JSON reads a string as a template; the interpolation holds the HCL expression.
    expect(evaluateWithTerraform({ s: `${'$'}{${expr}}` }).s).toBe(nasty);
  });

  test('every helper is a plain function of its declared arguments', () => {
    for (const [name, helper] of Object.entries(HELPERS)) expect([name, typeof helper, helper.length > 0]).toEqual([name, 'function', true]);
  });
});
