import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../src/errors';
import { readInventory } from '../../src/generate/inventory';
import { tempDir } from '../support/temp';

/** Account states are compared in ASCII upper case: the Turkish dotless ı upper-cases to I in JavaScript, in every locale. */
test.each([
  ['actıve', false],
  ['active', true],
  ['Active', true],
])('state %j is ACTIVE: %s', (state, active) => {
  const file = path.join(tempDir('inventory-state'), 'accounts.csv');
  fs.writeFileSync(file, `id,name,status\n444455556666,team,${state}\n`);
  if (active) expect(readInventory(file).accounts[0].state).toBe('ACTIVE');
  else expect(() => readInventory(file)).toThrow(InputError);
});
