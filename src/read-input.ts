import * as fs from 'node:fs';
import { InputError } from './errors';

/**
 * Every file keyshare reads, by kind, with the most it reads of each. Each limit is generous
 * against the largest real input of its kind, so only a wrong file (a disk image, /dev/zero, a
 * log) reaches it, and it is refused before it can exhaust memory or time.
 */
export const INPUT_KINDS = {
  // 20,000 consumer accounts with a deploy role and a policy attachment each measure 2.8 MB of YAML;
  // a file just under the limit is parsed and refused in about 5 s and 260 MB.
  config: { name: 'keyshare config', maxBytes: 16 * 1024 * 1024 },
  // KMS caps a key policy at 32,768 bytes; AWS CLI output escapes it into a JSON string.
  keyPolicy: { name: 'key policy', maxBytes: 1024 * 1024 },
  // IAM caps a managed policy at 6,144 characters and an inline role policy at 10,240.
  iamPolicy: { name: 'IAM policy', maxBytes: 1024 * 1024 },
  // Organizations caps an SCP at 5,120 characters.
  scp: { name: 'service control policy', maxBytes: 1024 * 1024 },
  // Organizations caps an RCP at 5,120 characters, as an SCP.
  rcp: { name: 'resource control policy', maxBytes: 1024 * 1024 },
  // A permissions boundary is a managed policy: at most 6,144 characters.
  permissionsBoundary: { name: 'permissions boundary', maxBytes: 1024 * 1024 },
  // KMS allows 50,000 grants per key; `aws kms list-grants` prints about 850 bytes for each (42 MB).
  grants: { name: 'grant list', maxBytes: 64 * 1024 * 1024 },
  // The launch path of 10,000 consumers is about 190,000 requests of about 300 bytes.
  requests: { name: 'request list', maxBytes: 64 * 1024 * 1024 },
  // `aws organizations list-accounts` prints about 350 bytes per account; AWS allows up to tens of thousands.
  inventory: { name: 'account inventory', maxBytes: 64 * 1024 * 1024 },
  // A suppressions file: one entry of about 200 bytes per deliberate finding; thousands would be a lot.
  suppressions: { name: 'suppressions file', maxBytes: 1024 * 1024 },
  // `terraform show -json` of a plan that changes every stack of a 10,000-account rollout.
  plan: { name: 'Terraform plan', maxBytes: 256 * 1024 * 1024 },
  // `.keyshare/changed-roots` prints about 22 bytes per root: 10,000 roots are 220 KB.
  roots: { name: 'root list', maxBytes: 16 * 1024 * 1024 },
} as const;

export type InputKind = keyof typeof INPUT_KINDS;

/**
 * How deep any input may nest. A policy document is about 7 levels deep, AWS CLI output adds 3,
 * a config 5, a Terraform plan about 20; deeper input is refused before anything recurses into it.
 */
export const MAX_NESTING = 100;

/**
 * Reads a text input: a regular file (not a FIFO, device or directory), within its kind's size
 * limit, in UTF-8 (a UTF-8 byte-order mark is dropped; UTF-16 and Latin-1 are named, not guessed).
 */
export function readInput(kind: InputKind, flag: string, file: string): string {
  const { name, maxBytes } = INPUT_KINDS[kind];
  const refuse = (problem: string, fix: string) => new InputError(flag, file, problem, fix);
  const pathFix = `give the path of a ${name} file`;
  let fd: number;
  try {
    // Checked before opening: opening a FIFO that has no writer would wait forever.
    const st = fs.statSync(file);
    if (st.isDirectory()) throw refuse('is a directory', pathFix);
    if (!st.isFile()) throw refuse('is not a regular file (a device, FIFO or socket)', `${pathFix}; to read from a pipe, save it to a file first`);
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})`, pathFix);
  }
  let bytes: Buffer;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw refuse('is not a regular file (a device, FIFO or socket)', pathFix);
    if (st.size > maxBytes) {
      throw refuse(
        `is ${megabytes(st.size)}, over the ${megabytes(maxBytes)} keyshare reads from a ${name}`,
        `check that this is the right file; a real ${name} is far smaller`,
      );
    }
    bytes = fs.readFileSync(fd);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw refuse(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, pathFix);
  } finally {
    fs.closeSync(fd);
  }
  // The size can grow between the check and the read (a file being written).
  if (bytes.length > maxBytes) throw refuse(`is over the ${megabytes(maxBytes)} keyshare reads from a ${name}`, 'check that this is the right file');
  return decodeText(bytes, (problem, fix) => refuse(problem, fix));
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MB` : `${n} bytes`;
}

const UTF8_FIX = 'save the file as UTF-8 (e.g. `iconv -f <its encoding> -t UTF-8 in > out`, or "UTF-8" in your editor\'s save dialog)';

/** UTF-8 text, or a refusal that names the encoding the bytes look like. */
export function decodeText(bytes: Uint8Array, refuse: (problem: string, fix: string) => Error): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || looksUtf16(bytes)) {
    throw refuse(
      'is UTF-16 encoded (Windows PowerShell writes files this way with `>` or Out-File)',
      `${UTF8_FIX}; in PowerShell use Out-File -Encoding utf8`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = Buffer.from(bytes).toString('utf8');
    const at = lossy.indexOf('\uFFFD');
    const before = lossy.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw refuse(`is not UTF-8: line ${line}, column ${column} holds a byte UTF-8 does not allow there (Latin-1 or Windows-1252 text?)`, UTF8_FIX);
  }
  if (text.includes('\0')) throw refuse('holds NUL bytes, so it is not a text file', 'give the text file itself');
  return text.replace(/^\uFEFF/, '');
}

/** UTF-16 without a byte-order mark: ASCII text with a zero byte beside every character. */
function looksUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  return even === n / 2 || odd === n / 2;
}

/** The nesting depth of parsed data, without recursion, stopping once past `limit`. */
export function nestingDepth(value: unknown, limit: number = MAX_NESTING): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}
