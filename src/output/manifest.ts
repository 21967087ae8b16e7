import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The file that marks a directory as keyshare output. A directory is recognized by this file's
 * content, never by a file name alone: a web app's own `manifest.json` must not make keyshare
 * think it may replace that directory.
 */
export const MANIFEST_FILE = '.keyshare-manifest.json';
export const MANIFEST_FORMAT = 'keyshare-output';
export const MANIFEST_VERSION = 1;

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: number;
  readonly tool: 'keyshare';
  /** What wrote the directory (`synth`, `generate`); one kind never replaces another's output. */
  readonly kind: string;
  /** Every file keyshare generated, relative with `/`, mapped to `sha256:<hex>` of its bytes. */
  readonly files: Readonly<Record<string, string>>;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Deterministic bytes: sorted paths, no timestamps, so the same input gives the same output. */
export function renderManifest(kind: string, files: ReadonlyMap<string, string>): string {
  const sorted = Object.fromEntries([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const manifest: Manifest = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, tool: 'keyshare', kind, files: sorted };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export type ManifestRead =
  { readonly status: 'absent' } | { readonly status: 'valid'; readonly manifest: Manifest } | { readonly status: 'invalid'; readonly reason: string };

/** Reads `dir`'s manifest and accepts it only if keyshare could have written it. */
export function readManifest(dir: string): ManifestRead {
  const file = path.join(dir, MANIFEST_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return { status: 'absent' };
  }
  if (!stat.isFile()) return { status: 'invalid', reason: `${MANIFEST_FILE} is not a regular file` };
  // A manifest lists paths and hashes: even 100,000 generated files stay well under this.
  if (stat.size > 64 * 1024 * 1024) return { status: 'invalid', reason: `${MANIFEST_FILE} is too large to be keyshare's` };
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { status: 'invalid', reason: `${MANIFEST_FILE} is not valid JSON` };
  }
  const m = data as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || m.tool !== 'keyshare') {
    return { status: 'invalid', reason: `${MANIFEST_FILE} was not written by keyshare` };
  }
  if (typeof m.version !== 'number' || m.version > MANIFEST_VERSION) {
    return {
      status: 'invalid',
      reason: `${MANIFEST_FILE} has format version ${String(m.version)}, newer than this keyshare reads (${MANIFEST_VERSION})`,
    };
  }
  if (typeof m.kind !== 'string' || !m.files || typeof m.files !== 'object' || Array.isArray(m.files)) {
    return { status: 'invalid', reason: `${MANIFEST_FILE} lacks its kind or file list` };
  }
  for (const [rel, hash] of Object.entries(m.files)) {
    if (!isSafeRelative(rel) || typeof hash !== 'string') {
      return { status: 'invalid', reason: `${MANIFEST_FILE} lists a path outside the directory` };
    }
  }
  return { status: 'valid', manifest: m as Manifest };
}

/** A relative path with `/` separators that stays inside its directory. */
export function isSafeRelative(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0')) return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * The text of a file a previous keyshare run generated in `dir`, as it generated it (the manifest
 * lists it with this content's hash); undefined when there is none, or someone edited it.
 */
export function previousGenerated(dir: string, rel: string): string | undefined {
  const read = readManifest(dir);
  if (read.status !== 'valid' || !isSafeRelative(rel)) return undefined;
  const hash = read.manifest.files[rel];
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(dir, rel));
  } catch {
    return undefined;
  }
  return hash !== undefined && hash === sha256(bytes) ? bytes.toString('utf8') : undefined;
}

/** Every file the previous keyshare output in `dir` generated, by the manifest; none when there is no valid one. */
export function previousGeneratedFiles(dir: string): string[] {
  const read = readManifest(dir);
  return read.status === 'valid' ? Object.keys(read.manifest.files).sort() : [];
}
