import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../src/errors';
import { loadPlanSet } from '../../src/review/plan-set';
import { planDocs } from '../support/review-fixtures';
import { BASE_YAML } from '../support/rollouts';
import { tempDir } from '../support/temp';

/**
 * A plan set never shrinks silently: symbolic links to plans and to directories of plans are
 * reviewed; what cannot be read (a broken link, a `*.json` that is not a file) is refused.
 */
function planSet(): string {
  const dir = tempDir('plan-set');
  for (const [stack, doc] of planDocs(BASE_YAML)) {
    fs.mkdirSync(path.join(dir, 'real', stack), { recursive: true });
    fs.writeFileSync(path.join(dir, 'real', stack, 'plan.json'), JSON.stringify(doc));
  }
  return dir;
}

test('a symlinked plan and a symlinked directory are reviewed, and a link loop is read once', () => {
  const dir = planSet();
  const stacks = loadPlanSet([path.join(dir, 'real')]).map((s) => s.stack);
  const given = path.join(dir, 'given');
  fs.mkdirSync(given);
  const [first, ...rest] = fs.readdirSync(path.join(dir, 'real'));
  fs.mkdirSync(path.join(given, first));
  fs.symlinkSync(path.join(dir, 'real', first, 'plan.json'), path.join(given, first, 'plan.json'));
  for (const stack of rest) fs.symlinkSync(path.join(dir, 'real', stack), path.join(given, stack));
  fs.symlinkSync(given, path.join(given, 'loop'));
  expect(loadPlanSet([given]).map((s) => s.stack)).toEqual(stacks);
});

test.each([
  ['a broken link', (d: string) => fs.symlinkSync(path.join(d, 'nowhere.json'), path.join(d, 'real', 'broken.json')), /symbolic link to nothing/],
  ['a FIFO named *.json', (d: string) => execFileSync('mkfifo', [path.join(d, 'real', 'fifo.json')]), /is not a regular file/],
])('%s in a plan set is refused with the reason, not skipped', (_, setup, message) => {
  const dir = planSet();
  setup(dir);
  expect(() => loadPlanSet([path.join(dir, 'real')])).toThrow(InputError);
  expect(() => loadPlanSet([path.join(dir, 'real')])).toThrow(message);
});
