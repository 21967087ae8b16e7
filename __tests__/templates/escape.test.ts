import fc from 'fast-check';
import { cell, code, codeBlock, html, mermaid, prose, terminal, url } from '../../src/templates/escape';
import { UNSAFE_CHARACTER } from '../../src/errors';
import { flatTokens, hostileString, LIVE_TEXT, markdown, withoutBreaks } from '../support/markdown';

/**
 * Each escaping function against a markdown parser: whatever the string, it stays inert in its
 * context (no markup, HTML, link, image or mention; the row, list item, HTML block or fence it sits
 * in keeps its shape) and reads as the value, with unsafe characters shown as escapes.
 */
const SEED = 20261207;
const runs = { seed: SEED, numRuns: 200 };

const INERT = new Set(['text', 'code_inline', 'softbreak']);

test('terminal text holds no control, C1, bidi or invisible character, and printable text is unchanged', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      expect(terminal(s)).not.toMatch(new RegExp(UNSAFE_CHARACTER.source));
      if (!new RegExp(UNSAFE_CHARACTER.source).test(s)) expect(terminal(s)).toBe(s);
    }),
    runs,
  );
  expect(terminal('\u001b[2J\u009b\u202eabc\r\n')).toBe('\\u001b[2J\\u009b\\u202eabc\\r\\n');
});

test('a table cell stays one cell of one row, and reads as the value', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const tokens = flatTokens(`| a | b |\n|---|---|\n| ${cell(s)} | z |\n`);
      expect(tokens.filter((t) => t.type === 'tr_open')).toHaveLength(2);
      expect(tokens.filter((t) => t.type === 'td_open')).toHaveLength(2);
      const inline = tokens.filter((t) => t.type === 'inline')[2];
      for (const child of inline.children ?? []) expect(INERT).toContain(child.type);
      const shown = withoutBreaks((inline.children ?? []).map((c) => c.content).join(''));
      expect(shown.trim()).toBe(terminal(s).trim());
      expect(inline.content.length === 0 || !LIVE_TEXT.test(inline.children!.map((c) => c.content).join(''))).toBe(true);
    }),
    runs,
  );
});

test('a list item stays one list item, and reads as the value', () => {
  fc.assert(
    fc.property(hostileString.filter((s) => s !== ''), (s) => {
      const tokens = markdown.parse(`- ${cell(s)}\n- z\n`, {});
      expect(tokens.map((t) => t.type)).toEqual([
        'bullet_list_open',
        ...['list_item_open', 'paragraph_open', 'inline', 'paragraph_close', 'list_item_close'],
        ...['list_item_open', 'paragraph_open', 'inline', 'paragraph_close', 'list_item_close'],
        'bullet_list_close',
      ]);
      const children = tokens[3].children ?? [];
      for (const child of children) expect(INERT).toContain(child.type);
      const text = children.map((c) => c.content).join('');
      expect(withoutBreaks(text).trim()).toBe(terminal(s).trim());
      expect(text).not.toMatch(LIVE_TEXT);
    }),
    runs,
  );
});

test('inline code is one code span, in a table and in a list, and holds the value', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const inTable = flatTokens(`| a |\n|---|\n| ${code(s)} |\n`).filter((t) => t.type === 'code_inline' || t.type === 'text');
      expect(inTable.map((t) => t.type)).toEqual(['text', 'code_inline']);
      expect(withoutBreaks(inTable[1].content)).toBe(terminal(s) === '' ? ' ' : terminal(s));
      const inList = flatTokens(`- x ${code(s)} y\n`).filter((t) => t.type === 'code_inline');
      expect(inList).toHaveLength(1);
      expect(withoutBreaks(inList[0].content).replace(/\\\|/g, '|')).toBe(terminal(s) === '' ? ' ' : terminal(s));
    }),
    runs,
  );
});

test('prose: a backtick-quoted name is a code span, the rest text; whatever the sentence, a list item stays one and holds no markup', () => {
  const shown = (source: string) => flatTokens(`- ${source}\n`).filter((t) => t.type === 'text' || t.type === 'code_inline');
  expect(shown(prose('set `organization` before adding more accounts')).map((t) => [t.type, t.content])).toEqual([
    ['text', 'set '],
    ['code_inline', 'organization'],
    ['text', ' before adding more accounts'],
  ]);
  // A lone backtick is text, as cell shows it.
  expect(prose('a ` b')).toBe(cell('a ` b'));
  fc.assert(
    fc.property(fc.array(hostileString, { maxLength: 4 }), (parts) => {
      const sentence = parts.join('`');
      const tokens = markdown.parse(`- ${prose(sentence)}\n- z\n`, {});
      expect(tokens.filter((t) => t.type === 'list_item_open')).toHaveLength(2);
      const children = tokens[3].children ?? [];
      for (const child of children) expect(INERT).toContain(child.type);
      // GitHub links and mentions nothing inside a code span.
      const text = children.filter((c) => c.type === 'text').map((c) => c.content);
      for (const t of text) expect(t).not.toMatch(LIVE_TEXT);
    }),
    runs,
  );
});

test('HTML text keeps the <summary> line one line of its HTML block, and decodes to the value', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const tokens = markdown.parse(`<details><summary>${html(s)}</summary>\n\nbody\n\n</details>\n`, {});
      expect(tokens.map((t) => t.type)).toEqual(['html_block', 'paragraph_open', 'inline', 'paragraph_close', 'html_block']);
      const line = tokens[0].content.trimEnd();
      const inner = line.slice('<details><summary>'.length, -'</summary>'.length);
      expect(inner).not.toMatch(/[<>\n]/);
      expect(withoutBreaks(decodeEntities(inner))).toBe(terminal(s));
      expect(decodeEntities(inner)).not.toMatch(LIVE_TEXT);
    }),
    runs,
  );
});

test('a Mermaid label stays inside its quotes and its fence, and decodes to the value', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const source = `\`\`\`mermaid\nflowchart LR\n  a["${mermaid(s)}"] --> b\n\`\`\`\n\nafter\n`;
      const tokens = markdown.parse(source, {});
      expect(tokens.map((t) => t.type)).toEqual(['fence', 'paragraph_open', 'inline', 'paragraph_close']);
      const label = /^ {2}a\["(.*)"\] --> b$/.exec(tokens[0].content.split('\n')[1])![1];
      expect(label).toMatch(/^[A-Za-z0-9 .,:/_+=*@#;-]*$/);
      expect(label.replace(/#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))).toBe(terminal(s));
    }),
    runs,
  );
});

test('a fenced code block is one fence of its lines, whatever they hold, and reads as them', () => {
  fc.assert(
    fc.property(fc.array(hostileString, { maxLength: 4 }), (lines) => {
      const tokens = markdown.parse(`${codeBlock(lines, 'diff')}\n\nafter\n`, {});
      expect(tokens.map((t) => t.type)).toEqual(['fence', 'paragraph_open', 'inline', 'paragraph_close']);
      expect(tokens[0].info).toBe('diff');
      const shown = tokens[0].content === '' ? [] : tokens[0].content.replace(/\n$/, '').split('\n');
      expect(shown.map(withoutBreaks)).toEqual(lines.map((l) => withoutBreaks(terminal(l))));
      expect(tokens[0].content).not.toContain('<!--');
    }),
    runs,
  );
});

test('a link destination is one destination', () => {
  expect(markdown.parseInline(`[AWS](${url('https://docs.aws.amazon.com/a (b)"c" <d>')})`, {})[0].children!.map((t) => t.type)).toEqual([
    'link_open',
    'text',
    'link_close',
  ]);
});

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(#\d+|[a-z]+);/g, (_, e: string) => (e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : named[e]));
}
