import * as path from 'path';
import { keyshareInProcess as run } from '../cli/in-process';

const fixture = (name: string) => path.join(__dirname, '../fixtures/key-access', name);

describe("doctor's markdown", () => {
  test('a statement inside a numbered fix is indented on every line, so the code block stays in its list item', async () => {
    const r = await run([
      'doctor',
      '--key-policy',
      fixture('key-policy-grant-is-for-aws-resource.json'),
      '--consumer',
      '444455556666',
      '--grants',
      fixture('grants.json'),
      '--format',
      'markdown',
    ]);
    const blocks = [...r.stdout.matchAll(/^ {3}```json\n([\s\S]*?)\n {3}```$/gm)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      for (const line of block.split('\n')) expect(line).toMatch(/^ {3}/);
      expect(() => JSON.parse(block)).not.toThrow();
    }
  });
});
