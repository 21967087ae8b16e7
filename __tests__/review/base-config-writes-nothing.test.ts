import * as fs from 'fs';
import { configPlanDocuments } from '../../src/review/config-plans';
import { rollout } from '../support/rollouts';
import { tempDir } from '../support/temp';

/** review --base-config synthesizes both configs in memory: nothing appears in the working directory. */
test('comparing two configs writes nothing in the working directory', () => {
  const cwd = process.cwd();
  const dir = tempDir('base-config-cwd');
  process.chdir(dir);
  try {
    configPlanDocuments(rollout(), rollout());
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    process.chdir(cwd);
  }
});
