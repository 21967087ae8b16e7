import { receiveMessageOnPort, MessageChannel, Worker } from 'node:worker_threads';

/**
 * Writes an output's files into its staging directory on a worker thread, so that the caller's own
 * work (generate's proof by check) runs while the file system creates thousands of folders and
 * files: at 5,000 account roots each took seconds, one after the other (issue #17's target). The
 * worker runs plain JavaScript with node's own modules only: nothing of keyshare to load, whether
 * keyshare runs compiled or from its TypeScript sources.
 */
export interface Writing {
  /** Waits until every file is written, or the worker stopped; throws what stopped it, with its `code` (ENOSPC, ...). */
  finish(): void;
  /** Asks the worker to stop after the file it is writing, and waits until it has. */
  abandon(): void;
}

/** Shared flags: [ABANDON] set by the caller; [DONE + i] set by worker i when it stops. */
const ABANDON = 0;
const DONE = 1;

/**
 * Workers writing at once: the time goes to the kernel finding inodes (see below), which two threads
 * on this project's 2 cores do side by side, while the caller's own work runs on the main thread.
 */
const WRITERS = 2;

// Folders are made as the files need them, and the first failure stops the writing: it is reported
// with its code, which the caller turns into the user's message.
// A file the previous output holds with the same bytes is linked, not written, when the link is
// exactly what writing would make: a regular file of the mode writing gives it (what umask leaves
// of 666 or 755), linked nowhere else, so that once the previous output is deleted no other path
// shares its inode.
// Creating a file costs the file system an inode, and on ext4 without a journal (this project's
// virtual machine) finding a free one skips every inode deleted in the last seconds, one by one: a
// rerun wrote its 5,000 roots in the time of one to six seconds, as the previous runs' deletions were near.
const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { dir, files, executable, unchanged, flags, port, done } = workerData;
const state = new Int32Array(flags);
const umask = process.umask();
const linked = (from, to, mode) => {
  try {
    const st = fs.lstatSync(from);
    if (!st.isFile() || st.nlink !== 1 || (st.mode & 0o7777) !== (mode & ~umask)) return false;
    fs.linkSync(from, to);
    return true;
  } catch {
    return false;
  }
};
let failure;
try {
  const modes = new Set(executable);
  const previous = new Map(unchanged);
  for (const [rel, contents] of files) {
    if (Atomics.load(state, ${ABANDON}) !== 0) break;
    const file = path.join(dir, rel);
    const mode = modes.has(rel) ? 0o755 : 0o666;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (previous.has(rel) && linked(previous.get(rel), file, mode)) continue;
    fs.writeFileSync(file, contents, { mode });
  }
} catch (err) {
  failure = { message: String(err && err.message), code: err && err.code };
}
port.postMessage(failure);
Atomics.store(state, done, 1);
Atomics.notify(state, done);
`;

/**
 * Starts writing `files` (relative paths, `/`-separated, already checked) under `dir`; `executable`
 * ones with mode 755. `unchanged` maps a file to where the previous output holds the same bytes.
 * Each worker takes every WRITERS-th file; a folder two of them make at once is made once (mkdir -p).
 */
export function startWriting(
  dir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
  executable: ReadonlySet<string>,
  unchanged: ReadonlyMap<string, string>,
): Writing {
  const flags = new SharedArrayBuffer(4 * (DONE + WRITERS));
  const state = new Int32Array(flags);
  const all = [...files];
  const ports = Array.from({ length: WRITERS }, (_, i) => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        dir,
        files: all.filter((_, j) => j % WRITERS === i),
        executable: [...executable],
        unchanged: [...unchanged],
        flags,
        port: port2,
        done: DONE + i,
      },
      transferList: [port2],
    });
    // The workers are waited for with Atomics, not the event loop: they must not keep the process alive.
    worker.unref();
    return port1;
  });
  const wait = (): { message?: string; code?: string } | undefined => {
    const failures = ports.map((port, i) => {
      while (Atomics.load(state, DONE + i) === 0) Atomics.wait(state, DONE + i, 0);
      const failure = receiveMessageOnPort(port)?.message as { message?: string; code?: string } | undefined;
      port.close();
      return failure;
    });
    return failures.find((f) => f !== undefined);
  };
  return {
    finish() {
      const failure = wait();
      if (failure) throw Object.assign(new Error(failure.message), { code: failure.code });
    },
    abandon() {
      Atomics.store(state, ABANDON, 1);
      wait();
    },
  };
}
