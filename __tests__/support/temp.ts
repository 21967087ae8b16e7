import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const created: string[] = [];

/**
 * A fresh directory under the OS temporary directory (its real path, so macOS's /var → /private/var
 * link cannot confuse a comparison). Every one is removed after the last test of the file that made
 * it (__tests__/support/jest.setup.ts), whether the tests passed or not.
 */
export function tempDir(prefix = 'keyshare-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
