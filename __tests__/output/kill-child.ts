/**
 * A child process for the kill test: replaces `dir` with `version`'s files through the real
 * output module, announcing on stdout each file-system step that swaps or deletes, and waiting
 * after the `stopAt`-th line (0: never) for the parent to SIGKILL it at that exact point.
 */
import { replaceOutput } from '../../src/output';
import { outputFiles } from './kill-files';

const [dir, version, stopAt] = process.argv.slice(2);
// The module object itself: the output module reads its functions from it at each call.
const fs = require('fs') as Record<string, (...args: unknown[]) => unknown>;
const pause = new Int32Array(new SharedArrayBuffer(4));
let lines = 0;
function announce(line: string): void {
  process.stdout.write(`${line}\n`);
  if (++lines === Number(stopAt)) Atomics.wait(pause, 0, 0, 30_000);
}
for (const step of ['renameSync', 'rmSync'] as const) {
  const real = fs[step];
  fs[step] = (...args: unknown[]) => {
    const result = real(...args);
    announce(`${step} ${String(args[0])}`);
    return result;
  };
}
announce('staging');
replaceOutput({ dir, flag: '--out', kind: 'synth' }, { files: outputFiles(version) });
process.stdout.write('done\n');
