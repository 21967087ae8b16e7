import * as fs from 'fs';
import * as path from 'path';

/** Removed after the test file, like every temporary directory (support/temp.ts). */
export { tempDir as tmp } from './temp';

/**
 * Every entry under `dir` with what identifies its content: a file's bytes, a link's target, a
 * directory's mode. Two equal listings mean nothing under `dir` changed.
 */
export function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dir, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const p = path.join(dir, r);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(r);
      } else if (st.isFile()) out[r] = st.size > 1024 * 1024 ? `${st.size} bytes, modified ${st.mtimeMs}` : fs.readFileSync(p, 'latin1');
      else out[r] = 'special';
    }
  };
  walk('');
  return out;
}

/** `listing` without the entries under `sub` (the output keyshare may change). */
export function listingOutside(dir: string, sub: string): Record<string, string> {
  return Object.fromEntries(Object.entries(listing(dir)).filter(([k]) => k !== `${sub}/` && !k.startsWith(`${sub}/`)));
}

export function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/** Every file below `dir` by its relative path, with its text (no directory entries, unlike listing). */
export function fileContents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}
