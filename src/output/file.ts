import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

/** A single output file a command writes, and how to tell that what is already there is the command's own. */
export interface OutputFileRequest {
  readonly file: string;
  /** The flag that named it, for messages. */
  readonly flag: string;
  /** Whether a file that begins with `head` (its first 200 characters) is one this command wrote. */
  readonly isOwn: (head: string) => boolean;
  /** Why another file at that path is refused, and the fix. */
  readonly refusal: { readonly problem: string; readonly fix: string };
}

/**
 * Replaces one file atomically: a complete old or a complete new file, whatever stops the process
 * (written beside it, then renamed over it). A file the command did not write is never overwritten.
 */
export function replaceFile(req: OutputFileRequest, text: string): void {
  const { file, flag } = req;
  if (fs.existsSync(file) && (!fs.statSync(file).isFile() || !req.isOwn(fs.readFileSync(file, 'utf8').slice(0, 200)))) {
    throw new InputError(flag, file, req.refusal.problem, req.refusal.fix);
  }
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(flag, file, `cannot be written (${code ?? String(err)})`, 'name a file in an existing, writable directory');
  }
}
