import { InputError } from '../../src/errors';
import { inOu, parseInventory } from '../../src/generate/inventory';

/** Shaped exactly as `aws organizations list-accounts --output json` prints it, both State and Status. */
function listAccounts(accounts: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ Accounts: accounts, ...extra }, null, 4);
}

function account(id: string, state = 'ACTIVE', more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: id,
    Arn: `arn:aws:organizations::111122223333:account/o-a1b2c3d4e5/${id}`,
    Email: `aws+${id}@example.com`,
    Name: `acct-${id}`,
    Status: state === 'CLOSED' || state === 'PENDING_ACTIVATION' ? 'SUSPENDED' : state,
    State: state,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: '2024-03-01T10:11:12.345000+00:00',
    ...more,
  };
}

function failure(text: string, file = 'inv.json'): InputError {
  try {
    parseInventory(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toContain('\n');
    return err as InputError;
  }
  throw new Error('the inventory was accepted');
}

describe('list-accounts JSON', () => {
  test('reads every account with its State, name and the organization from the ARNs', () => {
    const inv = parseInventory(listAccounts([account('444455556666'), account('777788889999', 'SUSPENDED')]), 'inv.json');
    expect(inv.accounts.map((a) => [a.id, a.name, a.state])).toEqual([
      ['444455556666', 'acct-444455556666', 'ACTIVE'],
      ['777788889999', 'acct-777788889999', 'SUSPENDED'],
    ]);
    expect(inv.organization).toEqual({ id: 'o-a1b2c3d4e5', arn: 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5' });
    expect(inv.hasOus).toBe(false);
  });

  test('State wins over the retiring Status, and Status alone still works', () => {
    const closed = { ...account('444455556666', 'CLOSED'), Status: 'SUSPENDED' };
    const old = account('777788889999');
    delete old.State;
    const inv = parseInventory(listAccounts([closed, old]), 'inv.json');
    expect(inv.accounts.map((a) => a.state)).toEqual(['CLOSED', 'ACTIVE']);
  });

  test('Paths make the accounts filterable by OU, nested OUs included', () => {
    const inv = parseInventory(
      listAccounts([account('444455556666', 'ACTIVE', { Paths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/'] })]),
      'i',
    );
    expect(inv.hasOus).toBe(true);
    expect(inOu(inv.accounts[0], 'ou-ab12-11111111')).toBe(true);
    expect(inOu(inv.accounts[0], 'ou-ab12-22222222')).toBe(true);
    expect(inOu(inv.accounts[0], 'ou-ab12-33333333')).toBe(false);
  });

  test.each([
    ['no accounts', listAccounts([]), /lists no accounts/, /list-accounts/],
    ['an empty file', '  \n', /lists no accounts/, /list-accounts/],
    ['a short account ID', listAccounts([account('44445555666')]), /Accounts\[0\]\.Id/, /list-accounts/],
    [
      'a duplicate account',
      listAccounts([account('444455556666'), account('777788889999'), account('444455556666')]),
      /Accounts\[2\].*repeats account 444455556666 of Accounts\[0\]/,
      /once/,
    ],
    ['an unknown state', listAccounts([account('444455556666', 'ACTVE')]), /Accounts\[0\]\.State.*not an AWS Organizations account state/, /ACTIVE/],
    ['neither State nor Status', listAccounts([{ Id: '444455556666' }]), /Accounts\[0\]\.Status.*missing/, /ACTIVE/],
    [
      'an ARN of another account',
      listAccounts([{ ...account('444455556666'), Arn: account('777788889999').Arn }]),
      /Accounts\[0\]\.Arn.*names account 777788889999/,
      /list-accounts/,
    ],
    [
      'accounts of two organizations',
      listAccounts([
        account('444455556666'),
        { ...account('777788889999'), Arn: 'arn:aws:organizations::111122223333:account/o-zzzzzzzzzz/777788889999' },
      ]),
      /Accounts\[1\]\.Arn.*o-zzzzzzzzzz.*Accounts\[0\]/,
      /one organization/,
    ],
    ['one page of a paginated listing', listAccounts([account('444455556666')], { NextToken: 'abc' }), /NextToken/, /without --max-items/],
    ['not JSON', '{ "Accounts": [', /not valid JSON/, /list-accounts/],
  ])('%s is refused on one line naming the place', (_name, text, where, fix) => {
    const err = failure(text);
    expect(err.message).toMatch(/^--accounts inv\.json/);
    expect(err.message).toMatch(where);
    expect(err.fix).toMatch(fix);
  });

  test('fields AWS adds later are accepted', () => {
    expect(parseInventory(listAccounts([account('444455556666', 'ACTIVE', { NewField: { x: 1 } })]), 'i').accounts).toHaveLength(1);
  });
});

describe('CSV', () => {
  test('reads id,name,status with an optional ou column, in any order and case', () => {
    const inv = parseInventory('Name,ID,Status,OU\nweb,444455556666,active,ou-ab12-11111111\n"data, eu",777788889999,Suspended,\n', 'inv.csv');
    expect(inv.accounts.map((a) => [a.id, a.name, a.state, a.ous])).toEqual([
      ['444455556666', 'web', 'ACTIVE', ['ou-ab12-11111111']],
      ['777788889999', 'data, eu', 'SUSPENDED', []],
    ]);
    expect(inv.hasOus).toBe(true);
    expect(inv.organization).toBeUndefined();
  });

  test.each([
    ['only a header', 'id,name,status\n', /lists no accounts/],
    ['an unknown column', 'id,name,status,owner\n444455556666,a,ACTIVE,x\n', /row 1, column 4: is not a known column \(got "owner"\)/],
    ['a missing column', 'id,name\n444455556666,a\n', /row 1.*has no status column/],
    ['an ID that lost its leading zeros', 'id,name,status\n44445555666,a,ACTIVE\n', /row 2, id.*"44445555666".*12-digit/],
    [
      'a duplicate account',
      'id,name,status\n444455556666,a,ACTIVE\n777788889999,b,ACTIVE\n444455556666,c,ACTIVE\n',
      /row 4.*repeats account 444455556666 of row 2/,
    ],
    ['an unknown status', 'id,name,status\n444455556666,a,gone\n', /row 2, status.*"gone"/],
    ['a bad OU', 'id,name,status,ou\n444455556666,a,ACTIVE,finance\n', /row 2, ou.*"finance"/],
    ['a short row', 'id,name,status\n444455556666,a\n', /row 2: is neither list-accounts JSON nor valid CSV.*\(got "444455556666,a"\)/],
  ])('%s is refused on one line naming the row', (_name, text, where) => {
    const err = failure(text, 'inv.csv');
    expect(err.message).toMatch(/^--accounts inv\.csv/);
    expect(err.message).toMatch(where);
  });

  test('a spreadsheet ID that lost its zeros gets the text-column fix', () => {
    expect(failure('id,name,status\n44445555666,a,ACTIVE\n').fix).toMatch(/format the column as text/);
  });
});
