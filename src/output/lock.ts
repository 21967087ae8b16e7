import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

/** Who holds a lock, written inside the lock directory so a killed holder can be recognized. */
const OWNER_FILE = 'owner.json';

/**
 * proper-lockfile refreshes a lock's mtime on a timer, which cannot run while a synchronous
 * synthesis blocks the event loop; the threshold is therefore longer than any synthesis takes.
 * A holder killed on this host is recognized at once by its process ID instead.
 */
const STALE_MS = 10 * 60 * 1000;

/** proper-lockfile removes its lock with rmdir; ours also holds the owner file. */
const lockFs = {
  ...fs,
  rmdir: (p: string, cb: (err: NodeJS.ErrnoException | null) => void) => fs.rm(p, { recursive: true, force: true }, cb),
  rmdirSync: (p: string) => fs.rmSync(p, { recursive: true, force: true }),
};

export type Locked = { readonly release: () => void };
export type LockRefusal = { readonly heldBy: string; readonly lockPath: string };

export function lockPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.keyshare-lock`);
}

/**
 * Takes the lock for writing `target` (which need not exist yet), or says who holds it. Locks
 * left by a process that died on this host (SIGKILL, power loss) are taken over.
 */
export function lockOutput(target: string): Locked | LockRefusal {
  const lockPath = lockPathFor(target);
  const options = { realpath: false, lockfilePath: lockPath, stale: STALE_MS, fs: lockFs, onCompromised: () => undefined };
  for (let attempt = 0; ; attempt++) {
    try {
      const release = lockfile.lockSync(target, options);
      fs.writeFileSync(path.join(lockPath, OWNER_FILE), JSON.stringify({ pid: process.pid, host: os.hostname() }));
      return {
        release: () => {
          try {
            release();
          } catch {
            // Already released or taken over as stale: nothing of ours is left to remove.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      const owner = readOwner(lockPath);
      if (attempt === 0 && owner && owner.host === os.hostname() && !alive(owner.pid)) {
        removeDeadLock(lockPath, owner.pid);
        continue;
      }
      return { heldBy: owner ? `process ${owner.pid} on ${owner.host}` : 'another keyshare process', lockPath };
    }
  }
}

function readOwner(lockPath: string): { pid: number; host: string } | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(lockPath, OWNER_FILE), 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the dead holder's lock aside first, so a lock another process took meanwhile is not removed. */
function removeDeadLock(lockPath: string, deadPid: number): void {
  const aside = `${lockPath}.dead-${process.pid}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return;
  }
  const owner = readOwner(aside);
  if (owner && owner.pid !== deadPid) {
    // Someone took the lock between our look and the rename: give it back.
    try {
      fs.renameSync(aside, lockPath);
      return;
    } catch {
      // The lock was taken again meanwhile; this copy is nobody's.
    }
  }
  fs.rmSync(aside, { recursive: true, force: true });
}
