import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256 } from './manifest';

/** Every regular file under `dir`, relative with `/`, with its hash; anything else is a bug of the stager. */
export function hashFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of sortedEntries(path.join(dir, rel))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile()) out.set(r, sha256(fs.readFileSync(path.join(dir, r))));
      else throw new Error(`the output staged ${r}, which is not a regular file`);
    }
  };
  walk('');
  return out;
}

/**
 * What `hashFiles` reads back once `files` are written, in the same order (folder by folder, names
 * sorted), from the contents in memory: reading 5,000 roots back was a pass over the disk of its own.
 */
export function hashContents(files: ReadonlyMap<string, string | Uint8Array>): Map<string, string> {
  const inWalkOrder = (a: string, b: string): number => {
    const x = a.split('/');
    const y = b.split('/');
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return x.length - y.length;
  };
  return new Map(
    [...files.keys()].sort(inWalkOrder).map((rel) => {
      const contents = files.get(rel)!;
      return [rel, sha256(typeof contents === 'string' ? Buffer.from(contents) : contents)];
    }),
  );
}

/** A directory's entries with their types (no lstat each), sorted by name. */
export function sortedEntries(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The directories that hold the given files: `a/b/c` gives `a` and `a/b`. */
export function ancestorDirs(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return dirs;
}

/**
 * Recreates `src` at `dest` without copying data: files are hard links (copies only where the
 * file system refuses links), symbolic links keep their target, directories keep their mode.
 */
export function linkTree(src: string, dest: string): void {
  const st = fs.lstatSync(src);
  if (st.isDirectory()) {
    fs.mkdirSync(dest);
    for (const name of fs.readdirSync(src)) linkTree(path.join(src, name), path.join(dest, name));
    fs.chmodSync(dest, st.mode & 0o7777);
  } else if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), dest);
  } else {
    try {
      fs.linkSync(src, dest);
    } catch (err) {
      if (!st.isFile()) throw err;
      fs.copyFileSync(src, dest);
      fs.chmodSync(dest, st.mode & 0o7777);
    }
  }
}

/** Removes a tree keyshare owns (a staging or set-aside output), even where a user made a folder read-only. */
export function removeTree(dir: string): void {
  const rm = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    rm();
  } catch {
    makeWritable(dir);
    rm();
  }
}

/**
 * Set-aside outputs of more files than this are deleted by a detached process: on a rerun over
 * 5,000 account roots, deleting the old tree was a third of `generate`'s time (issue #17's
 * target is under 10 s), and nothing the command reports depends on it.
 */
export const BACKGROUND_REMOVAL_FILES = 1000;

/** Child's work: what is left when it fails is in the OS's temporary directory, which the OS clears. */
const REMOVER = "try { require('node:fs').rmSync(process.argv[1], { recursive: true, force: true }); } catch {}";

/**
 * Removes a set-aside output of `files` generated files that is no longer needed: now when it is
 * small, else by a detached process, so that the command returns as soon as the new output is in place.
 * A large one is first moved out of the user's tree, into the OS's temporary directory (a rename, so
 * only on the same file system; elsewhere it is removed now): a `git add -A` right after the run must
 * never meet a half-deleted directory beside the output.
 */
export function discardTree(dir: string, files: number): void {
  if (files <= BACKGROUND_REMOVAL_FILES) return removeTree(dir);
  let trash: string;
  try {
    if (fs.statSync(os.tmpdir()).dev !== fs.statSync(dir).dev) return removeTree(dir);
    trash = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-discard-'));
    fs.renameSync(dir, path.join(trash, path.basename(dir)));
  } catch {
    return removeTree(dir);
  }
  const child = spawn(process.execPath, ['-e', REMOVER, trash], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

function makeWritable(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  fs.chmodSync(dir, 0o700);
  for (const name of fs.readdirSync(dir)) makeWritable(path.join(dir, name));
}
