/**
 * A child process for the read-only parent test when the tests run as root, to whom no
 * directory is read-only: it loads the output module first, then drops to `nobody` and
 * replaces `dir`, printing the refusal's class and message as JSON.
 */
import { replaceOutput } from '../../src/output';

const [dir] = process.argv.slice(2);
process.setgid!(65534);
process.setuid!(65534);
try {
  replaceOutput({ dir, flag: '--out', kind: 'synth' }, { files: new Map([['a.txt', 'a']]) });
  process.stdout.write(JSON.stringify({ written: true }));
} catch (err) {
  process.stdout.write(JSON.stringify({ name: (err as Error).name, message: (err as Error).message }));
}
