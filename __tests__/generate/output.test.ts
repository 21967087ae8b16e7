import { InputError } from '../../src/errors';
import { renderOrRefuse } from '../../src/generate';
import { ttyProgress } from '../../src/render/progress';
import { compileTemplate } from '../../src/templates/engine';

/** A template error is bad input: one line naming the template, before anything is written. */
test.each([
  ['a misspelt field', '{{acount}}', /^templates\/generate\/account\.tf\.hbs: cannot be rendered: "acount" not defined/],
  ['a misspelt helper', '{{hlc account}}', /^templates\/generate\/account\.tf\.hbs: cannot be rendered: .*hlc/],
  // The guard's refusals carry their line, which the message keeps after the template's name.
  ['an unescaped field', '\n{{{account}}}', /^templates\/generate\/account\.tf\.hbs: cannot be rendered: 2: \{\{\{…\}\}\} prints text unescaped/],
])('%s in a template', (_n, source, message) => {
  let error: unknown;
  try {
    renderOrRefuse(() => compileTemplate(source, 'generate/account.tf.hbs')({ account: '444455556666' }));
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('\n');
});

test('other failures are not dressed up as bad input, even when their message reads like a template error', () => {
  expect(() =>
    renderOrRefuse(() => {
      throw new Error('disk on fire');
    }),
  ).toThrow(/^disk on fire$/);
  // The error's type decides, not its words.
  const lookalike = new Error('template a.hbs: disk on fire');
  expect(() =>
    renderOrRefuse(() => {
      throw lookalike;
    }),
  ).toThrow(lookalike);
});

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { s: { isTTY, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream, written };
}

test('progress: a counter redrawn in place on a terminal, at most once a percent, cleared at the end', () => {
  const { s, written } = stream(true);
  const progress = ttyProgress(s, 'rendering')!;
  for (let i = 1; i <= 5000; i++) progress(i, 5000);
  expect(written.length).toBeLessThanOrEqual(101);
  expect(written[0]).toBe('\rrendering 1/5000 (0%)');
  expect(written).toContain('\rrendering 2500/5000 (50%)');
  expect(written[written.length - 1]).toBe('\r\x1b[K');
});

test('progress: nothing when the stream is not a terminal', () => {
  expect(ttyProgress(stream(false).s, 'rendering')).toBeUndefined();
});
