/**
 * Renders keyshare's markdown as GitHub shows a pull-request comment, takes screenshots and measures
 * what a reviewer would have to scroll sideways to read. Not part of `npm test`: it needs a browser.
 *
 *   apt-get install -y chromium
 *   npm install --no-save github-markdown-css mermaid playwright-core
 *   npx tsx scripts/screenshot-markdown.ts review.md /tmp/review [--width 880] [--height 1200]
 *
 * The markdown goes through markdown-it with GitHub's comment settings (__tests__/support/markdown.ts),
 * styled by github-markdown-css in a column `--width` pixels wide, each ```` ```mermaid ```` block
 * drawn by the mermaid package. It writes OUT-first.png (the first `--height` pixels, <details> closed:
 * the first screen) and OUT-open-N.png (the whole page, every <details> open, one screen a file), and prints where each
 * heading starts on the first screen and, with everything open, every table and code block wider
 * than the column (GitHub gives each its own horizontal scroll) with how much it hides. Exit 1 when
 * anything scrolls sideways.
 */
import * as fs from 'fs';
import * as path from 'path';
import { markdown } from '../__tests__/support/markdown';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

async function main(): Promise<number> {
  const [source, out] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (!source || !out) {
    console.error('usage: npx tsx scripts/screenshot-markdown.ts FILE.md OUT-PREFIX [--width 880] [--height 1200]');
    return 2;
  }
  const width = option('--width', 880);
  const height = option('--height', 1200);
  // Optional packages, installed with --no-save for this script only.
  const { chromium } = await import('playwright-core');
  const css = fs.readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
  const mermaidJs = fs.readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8');

  // GitHub turns a mermaid code block into a diagram; markdown-it leaves it a <pre>, which the page redraws.
  const body = markdown.render(fs.readFileSync(source, 'utf8'));
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
    body { margin: 0; background: #fff; }
    .markdown-body { box-sizing: border-box; width: ${width}px; padding: 16px; }
  </style></head><body><article class="markdown-body">${body}</article>
  <script>${mermaidJs}</script></body></html>`;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.setContent(html);
    await page.evaluate(async () => {
      const m = (globalThis as unknown as { mermaid: { initialize(o: object): void; run(o: object): Promise<void> } }).mermaid;
      const blocks = [...document.querySelectorAll('pre > code.language-mermaid')];
      for (const code of blocks) {
        const div = document.createElement('div');
        div.className = 'mermaid';
        div.textContent = code.textContent;
        code.parentElement!.replaceWith(div);
      }
      // GitHub opens <details> only on a click: the screenshots show them closed, as a reviewer first sees them.
      m.initialize({ startOnLoad: false, securityLevel: 'strict' });
      if (blocks.length > 0) await m.run({ querySelector: '.mermaid' });
    });
    await page.screenshot({ path: `${out}-first.png` });
    const headings = await page.evaluate(() =>
      [...document.querySelectorAll('h3, h4')].map((h) => ({
        heading: (h.textContent ?? '').trim(),
        top: Math.round(h.getBoundingClientRect().top),
      })),
    );
    // The rest is read with every <details> opened, as a reviewer who expands them reads it.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => d.setAttribute('open', '')));
    // One screen at a time, which a file viewer shows without shrinking the text away.
    const total = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, n = 1; y < total; y += height, n++) {
      await page.screenshot({ path: `${out}-open-${n}.png`, fullPage: true, clip: { x: 0, y, width, height: Math.min(height, total - y) } });
    }
    const measured = await page.evaluate(() => {
      const wide = [...document.querySelectorAll('table, pre')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1 && (e as HTMLElement).offsetParent !== null)
        .map((e) => ({ what: e.tagName.toLowerCase(), hidden: e.scrollWidth - e.clientWidth, text: (e.textContent ?? '').trim().slice(0, 60) }));
      const page = {
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        height: document.documentElement.scrollHeight,
      };
      return { wide, page };
    });
    console.log(
      `${path.basename(source)}: page ${measured.page.scrollWidth}/${measured.page.clientWidth} px wide, ${measured.page.height} px tall with every <details> open`,
    );
    for (const h of headings) console.log(`  ${String(h.top).padStart(6)} px  ${h.heading}`);
    for (const w of measured.wide) console.log(`  scrolls sideways: ${w.what} hides ${w.hidden} px: ${JSON.stringify(w.text)}`);
    return measured.wide.length > 0 || measured.page.scrollWidth > measured.page.clientWidth ? 1 : 0;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
