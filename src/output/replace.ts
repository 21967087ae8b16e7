import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { lockOutput } from './lock';
import { isSafeRelative, Manifest, MANIFEST_FILE, readManifest, renderManifest, sha256 } from './manifest';
import { ancestorDirs, discardTree, hashContents, hashFiles, linkTree, removeTree, sortedEntries } from './tree';
import { startWriting } from './writer';

export interface OutputRequest {
  /** The directory as the user gave it; messages quote it. */
  readonly dir: string;
  /** The option that named it, e.g. `--out`. */
  readonly flag: string;
  /** What writes it (`synth`, `generate`). A directory holding one kind's output is never given to another. */
  readonly kind: string;
}

/** The new output, either as contents by relative path (`/`-separated) or written by a callback into the staging directory. */
export type OutputContent =
  | {
      readonly files: ReadonlyMap<string, string | Uint8Array>;
      /** Paths of `files` written executable (mode 755), such as scripts the output runs. */
      readonly executable?: ReadonlySet<string>;
      /**
       * Work of the caller's that decides whether the output is wanted at all (generate's proof):
       * it runs while the files are written into the staging directory, and when it throws, the
       * writing stops and the staging directory is removed, so the target is never touched.
       */
      readonly alongside?: () => void;
    }
  | { readonly stage: (stagingDir: string) => void };

export interface OutputSummary {
  /** The directory written, as the user gave it. */
  readonly dir: string;
  /** Every file keyshare generated this time, sorted. */
  readonly written: readonly string[];
  /** Generated files that are new or differ from the previous output. */
  readonly changed: readonly string[];
  /** Entries keyshare did not write, carried over untouched; a directory ends with `/`. */
  readonly kept: readonly string[];
  /** Files the previous output generated that this one does not. */
  readonly removed: readonly string[];
}

const PREFIX = (base: string) => `.${base}.keyshare-`;

/**
 * Checks, without changing anything, that `req.dir` can receive keyshare output: missing, empty,
 * or keyshare output of the same kind whose generated files nobody edited. Call it before slow
 * work so a bad directory is reported first; `replaceOutput` checks again under its lock.
 */
export function checkOutputDir(req: OutputRequest): void {
  previousOutput(req, resolveTarget(req));
}

/**
 * Writes a complete new output into `req.dir`, all or nothing. It is built in a staging directory
 * beside the target, together with hard links to every entry the previous output holds that
 * keyshare did not generate; then the old directory is renamed aside, the new one renamed in,
 * and the old one deleted (a large one in the background: `discardTree`). Whatever kills the process, the target is the complete old or the
 * complete new output, or (between the two renames) missing with the complete old output set
 * aside, which the next run puts back before it does anything else.
 */
export function replaceOutput(req: OutputRequest, content: OutputContent): OutputSummary {
  const target = resolveTarget(req);
  const parent = path.dirname(target);
  attempt(req, () => fs.mkdirSync(parent, { recursive: true }), 'its parent directory cannot be created');
  const lock = attempt(req, () => lockOutput(target), 'keyshare cannot take its lock beside it');
  if (!('release' in lock)) {
    throw new InputError(
      req.flag,
      req.dir,
      `another keyshare run (${lock.heldBy}) is writing this directory`,
      `wait for it to finish and run again; if no keyshare is running, remove the lock ${lock.lockPath}`,
    );
  }
  try {
    attempt(req, () => recover(target), 'a previous run left files beside it that cannot be cleaned up');
    const previous = previousOutput(req, target);
    const staging = path.join(parent, `${PREFIX(path.basename(target))}staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    attempt(req, () => fs.mkdirSync(staging), 'keyshare cannot create a staging directory beside it');
    try {
      if (previous.mode !== undefined) fs.chmodSync(staging, previous.mode);
      let hashes: Map<string, string> | undefined;
      try {
        if ('files' in content) hashes = writeFiles(staging, content, target, previous.manifest);
        else content.stage(staging);
      } catch (err) {
        // A full disk or a quota is the environment's to fix, not a bug of the stager.
        const code = (err as NodeJS.ErrnoException).code;
        if (code === undefined || !ENVIRONMENT.has(code)) throw err;
        throw outError(req, `the new output cannot be written beside it: ${SYSTEM_CAUSES[code]}`);
      }
      const generated = hashes ?? hashFiles(staging);
      if (generated.has(MANIFEST_FILE)) throw new Error(`the output staged ${MANIFEST_FILE}, which keyshare writes itself`);
      const kept = previous.manifest ? carryOver(req, target, staging, previous.manifest, generated) : [];
      fs.writeFileSync(path.join(staging, MANIFEST_FILE), renderManifest(req.kind, generated));
      swap(req, target, staging, previous.exists, Object.keys(previous.manifest?.files ?? {}).length);
      const before = previous.manifest?.files ?? {};
      return {
        dir: req.dir,
        written: [...generated.keys()],
        changed: [...generated].filter(([rel, hash]) => before[rel] !== hash).map(([rel]) => rel),
        kept,
        removed: Object.keys(before)
          .filter((rel) => !generated.has(rel))
          .sort(),
      };
    } finally {
      removeTree(staging);
    }
  } finally {
    lock.release();
  }
}

/** The real directory to write: a symbolic link given as `--out` stays a link to it. */
function resolveTarget(req: OutputRequest): string {
  if (req.dir.trim() === '' || req.dir.includes('\0')) {
    throw new InputError(req.flag, req.dir, 'is not a directory path', `give a directory such as ${req.flag} cdktf.out`);
  }
  const given = path.resolve(req.dir);
  let target: string;
  try {
    const st = fs.lstatSync(given);
    if (st.isSymbolicLink()) {
      target = attempt(req, () => fs.realpathSync(given), 'is a symbolic link to a directory that does not exist');
    } else {
      target = fs.realpathSync(given);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw outError(req, 'a part of the path is a file, not a directory');
    if (code !== 'ENOENT') throw outError(req, `cannot be examined (${code ?? String(err)})`);
    target = path.join(realExisting(path.dirname(given)), path.basename(given));
  }
  if (path.dirname(target) === target) {
    throw new InputError(req.flag, req.dir, 'is the root of the file system', `give a directory of its own, such as ${req.flag} cdktf.out`);
  }
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
    throw new InputError(
      req.flag,
      req.dir,
      'exists and is not a directory',
      'give the path of a new or empty directory, or of a previous keyshare output',
    );
  }
  return target;
}

/** The deepest existing ancestor, resolved, with the missing rest appended. */
function realExisting(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    const up = path.dirname(dir);
    return up === dir ? dir : path.join(realExisting(up), path.basename(dir));
  }
}

/**
 * A directory beside the refused one that does not exist yet, named as the user named theirs
 * (`cdktf.out` → `cdktf.out-synth`): the fix never suggests the directory it refuses.
 */
function freshSibling(req: OutputRequest, target: string): string {
  const given = req.dir.replace(/[\\/]+$/, '');
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? `-${req.kind}` : `-${req.kind}-${n}`;
    if (!fs.existsSync(`${target}${suffix}`)) return `${given}${suffix}`;
  }
}

interface Previous {
  readonly exists: boolean;
  readonly mode?: number;
  readonly manifest?: Manifest;
}

function previousOutput(req: OutputRequest, target: string): Previous {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    return { exists: false };
  }
  const mode = st.mode & 0o7777;
  const entries = attempt(req, () => fs.readdirSync(target), 'cannot be listed');
  if (entries.length === 0) return { exists: true, mode };
  const read = readManifest(target);
  if (read.status !== 'valid') {
    const why = read.status === 'absent' ? `has no ${MANIFEST_FILE}` : read.reason;
    throw new InputError(
      req.flag,
      req.dir,
      `the directory is not empty and is not keyshare output (${why}), so keyshare will not write into it`,
      `name a new or empty directory, such as ${req.flag} ${freshSibling(req, target)}, or a previous keyshare ${req.kind} output`,
    );
  }
  const manifest = read.manifest;
  if (manifest.kind !== req.kind) {
    throw new InputError(
      req.flag,
      req.dir,
      `the directory holds keyshare ${manifest.kind} output, which keyshare ${req.kind} does not replace`,
      `give keyshare ${req.kind} a directory of its own, such as ${req.flag} ${freshSibling(req, target)}`,
    );
  }
  const edited = Object.entries(manifest.files).filter(([rel, hash]) => {
    const file = path.join(target, rel);
    const s = lstatOrUndefined(file);
    return s?.isFile() === true && sha256(fs.readFileSync(file)) !== hash;
  });
  if (edited.length > 0) {
    throw new InputError(
      req.flag,
      req.dir,
      `${edited[0][0]}${edited.length > 1 ? ` and ${edited.length - 1} more generated file(s)` : ''} changed since keyshare wrote it, and would be overwritten`,
      'move your changes out of the generated files (Terraform also reads *_override.tf.json files beside them, which keyshare keeps) or delete the edited files, then run again',
    );
  }
  return { exists: true, mode, manifest };
}

/**
 * The files the previous output holds with the bytes `generated` hashes them to, by where they are:
 * previousOutput read every one back and refused the run if any differed from its manifest.
 */
function unchangedFiles(target: string, previous: Manifest, generated: ReadonlyMap<string, string>): Map<string, string> {
  const unchanged = new Map<string, string>();
  for (const [rel, hash] of generated) if (previous.files[rel] === hash) unchanged.set(rel, path.join(target, rel));
  return unchanged;
}

/**
 * Writes `files` on worker threads (`startWriting`) while `alongside` runs here, the first to fail
 * stopping both; returns their hashes. A rerun hashes them first, to link what did not change; a
 * first run hashes them while the workers write.
 */
function writeFiles(
  staging: string,
  content: Extract<OutputContent, { files: unknown }>,
  target: string,
  previous: Manifest | undefined,
): Map<string, string> {
  for (const rel of content.files.keys()) {
    if (!isSafeRelative(rel) || rel === MANIFEST_FILE) throw new Error(`cannot write output file ${JSON.stringify(rel)}: not a plain relative path`);
  }
  let hashes = previous ? hashContents(content.files) : undefined;
  const unchanged = previous && hashes ? unchangedFiles(target, previous, hashes) : new Map<string, string>();
  const writing = startWriting(staging, content.files, content.executable ?? new Set(), unchanged);
  try {
    content.alongside?.();
    hashes ??= hashContents(content.files);
  } catch (err) {
    // The workers must be done before the caller removes the staging directory they write into.
    writing.abandon();
    throw err;
  }
  writing.finish();
  return hashes;
}

/**
 * Links into the staging directory everything of the previous output that keyshare did not
 * generate (terraform.tfvars, .terraform/, a config kept there), and refuses when the new output
 * would put a generated file where such an entry is.
 */
function carryOver(req: OutputRequest, target: string, staging: string, previous: Manifest, generated: ReadonlyMap<string, string>): string[] {
  const prevDirs = ancestorDirs(Object.keys(previous.files));
  const newDirs = ancestorDirs(generated.keys());
  const kept: string[] = [];
  const modes = new Map<string, number>();
  const walk = (rel: string): void => {
    for (const st of sortedEntries(path.join(target, rel))) {
      const r = rel ? `${rel}/${st.name}` : st.name;
      if (r === MANIFEST_FILE) continue;
      if (st.isFile() && Object.hasOwn(previous.files, r)) continue;
      if (st.isDirectory() && (prevDirs.has(r) || newDirs.has(r))) {
        if (generated.has(r)) throw conflict(req, `${r}/`);
        walk(r);
        continue;
      }
      if (generated.has(r) || newDirs.has(r)) throw conflict(req, st.isDirectory() ? `${r}/` : r);
      makeParents(target, staging, r, modes);
      linkTree(path.join(target, r), path.join(staging, r));
      kept.push(st.isDirectory() ? `${r}/` : r);
    }
  };
  walk('');
  // Modes last: a folder the user made read-only must still receive its entries first.
  for (const [dir, mode] of [...modes].reverse()) fs.chmodSync(dir, mode);
  return kept;
}

/** Creates the folders above a kept entry that the new output lacks, with the modes they had. */
function makeParents(target: string, staging: string, rel: string, modes: Map<string, number>): void {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (fs.existsSync(path.join(staging, dir))) continue;
    fs.mkdirSync(path.join(staging, dir));
    modes.set(path.join(staging, dir), fs.lstatSync(path.join(target, dir)).mode & 0o7777);
  }
}

function conflict(req: OutputRequest, rel: string): InputError {
  return new InputError(
    req.flag,
    req.dir,
    `${rel} was not written by keyshare, and the new output generates a file at that path`,
    `move ${rel} out of the output directory, then run again`,
  );
}

function swap(req: OutputRequest, target: string, staging: string, exists: boolean, oldFiles: number): void {
  if (!exists) {
    attempt(req, () => fs.renameSync(staging, target), 'the new output cannot be moved into place');
    return;
  }
  const aside = path.join(path.dirname(target), `${PREFIX(path.basename(target))}old-${process.pid}-${randomBytes(4).toString('hex')}`);
  attempt(req, () => fs.renameSync(target, aside), 'the previous output cannot be moved aside');
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    fs.renameSync(aside, target);
    attempt(
      req,
      () => {
        throw err;
      },
      'the new output cannot be moved into place',
    );
  }
  try {
    discardTree(aside, oldFiles);
  } catch {
    // The new output is complete; the next run removes what is left of the old one.
  }
}

/**
 * Cleans up after runs that were killed (the caller holds the lock, so none is running):
 * staging directories go, and a previous output left set aside is put back if the target is
 * missing (a kill between the two renames) or removed if the new output made it in.
 */
function recover(target: string): void {
  const parent = path.dirname(target);
  const prefix = PREFIX(path.basename(target));
  const leftovers = fs
    .readdirSync(parent)
    .filter((n) => n.startsWith(`${prefix}staging-`) || n.startsWith(`${prefix}old-`))
    .sort();
  for (const name of leftovers) {
    const p = path.join(parent, name);
    if (!lstatOrUndefined(p)?.isDirectory()) continue;
    if (name.startsWith(`${prefix}old-`) && !lstatOrUndefined(target) && isComplete(p)) {
      fs.renameSync(p, target);
      continue;
    }
    removeTree(p);
  }
}

/** A keyshare output whose generated files are all there, as written. */
function isComplete(dir: string): boolean {
  const read = readManifest(dir);
  if (read.status !== 'valid') return false;
  return Object.entries(read.manifest.files).every(([rel, hash]) => {
    const file = path.join(dir, rel);
    return lstatOrUndefined(file)?.isFile() === true && sha256(fs.readFileSync(file)) === hash;
  });
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Runs one file-system step on the output directory; a refusal by the system is the user's to fix. */
function attempt<T>(req: OutputRequest, step: () => T, problem: string): T {
  try {
    return step();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof InputError || typeof code !== 'string') throw err;
    throw outError(req, `${problem}: ${SYSTEM_CAUSES[code] ?? code}`);
  }
}

const SYSTEM_CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENOENT: 'a part of the path does not exist and cannot be created there',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EBUSY: 'the directory is in use (a mount point?)',
  EXDEV: 'the path crosses file systems',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EEXIST: 'something is already in the way',
  ENOTEMPTY: 'something is already in the way',
};

const ENVIRONMENT = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

function outError(req: OutputRequest, problem: string): InputError {
  return new InputError(
    req.flag,
    req.dir,
    problem,
    `give ${req.flag} a directory you can write, in a writable parent directory on a normal file system (e.g. ${req.flag} ./cdktf.out)`,
  );
}
