import { parseRollout } from '../../src/config';
import { InputError } from '../../src/errors';
import { parseInventory } from '../../src/generate/inventory';
import { AccountSelection, selectAccounts, PreviousWaves, SelectOptions } from '../../src/generate/selection';
import { ORG_ID, ORG_YAML, OWNER } from '../support/rollouts';

const OPTIONS: SelectOptions = { ous: [], exclude: [], waveSize: 256 };

function csv(rows: readonly (readonly [string, string, string?])[]): string {
  return ['id,name,status,ou', ...rows.map(([id, status, ou]) => `${id},n${id},${status},${ou ?? ''}`)].join('\n');
}

function ids(count: number, from = 200000000000): string[] {
  return Array.from({ length: count }, (_, i) => String(from + i));
}

const config = parseRollout(ORG_YAML, 'org.yaml');

function plan(text: string, options: Partial<SelectOptions> = {}, yaml = ORG_YAML, previous?: PreviousWaves) {
  return selectAccounts(parseRollout(yaml, 'c.yaml'), parseInventory(text, 'inv.csv'), { ...OPTIONS, ...options }, previous);
}

const active = (list: readonly string[]) => csv(list.map((id) => [id, 'ACTIVE'] as const));
const waveOf = (p: AccountSelection) => new Map(p.accounts.map((a) => [a.account, a.wave]));
const withCanary = (accounts: readonly string[], ous: readonly string[] = []) =>
  `${ORG_YAML}generate: { canary: { accounts: ${JSON.stringify(accounts)}, ous: ${JSON.stringify(ous)} } }\n`;

function failure(run: () => unknown): InputError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('accepted');
}

test('only active accounts get a root; the others are counted by state', () => {
  const p = plan(
    csv([
      ['300000000003', 'ACTIVE'],
      ['300000000001', 'SUSPENDED'],
      ['300000000002', 'CLOSED'],
      ['300000000004', 'PENDING_CLOSURE'],
      ['300000000000', 'ACTIVE'],
    ]),
  );
  expect(p.accounts.map((a) => a.account)).toEqual(['300000000000', '300000000003']);
  expect(p.skipped).toEqual({ SUSPENDED: 1, CLOSED: 1, PENDING_CLOSURE: 1 });
});

test('the owner in the inventory gets no root; it is a consumer only when the config lists it, as in synth', () => {
  const text = csv([
    [OWNER, 'ACTIVE'],
    ['300000000000', 'ACTIVE'],
  ]);
  const p = plan(text);
  expect(p.ownerInInventory).toBe(true);
  expect(p.ownerIsConsumer).toBe(false);
  expect(p.accounts.map((a) => a.account)).toEqual(['300000000000']);
  expect(p.rollout.consumers.map((c) => c.account)).toEqual(['300000000000']);

  const listed = plan(text, {}, ORG_YAML.replace('consumers:', `consumers:\n  - { account: "${OWNER}", serviceLinkedRoleSuffix: ops }`));
  expect(listed.ownerIsConsumer).toBe(true);
  expect(listed.accounts.map((a) => a.account)).toEqual(['300000000000']);
  expect(listed.rollout.consumers.find((c) => c.account === OWNER)).toMatchObject({ sameAccount: true, serviceLinkedRoleSuffix: 'ops' });
});

test('the owner is never filtered out by --ou or organization.ouPaths: it has no root either way', () => {
  const p = plan(
    csv([
      [OWNER, 'ACTIVE', 'ou-ab12-99999999'],
      ['300000000000', 'ACTIVE', 'ou-ab12-11111111'],
    ]),
    { ous: ['ou-ab12-11111111'] },
  );
  expect(p.ownerInInventory).toBe(true);
  expect(p.outsideOus).toBe(0);
});

test('config consumers lend their settings to inventory accounts; others get the deploy role pattern', () => {
  const yaml = `${ORG_YAML}consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/terraform-deploy"\n`;
  const p = plan(
    csv([
      ['444455556666', 'ACTIVE'],
      ['777788889999', 'ACTIVE'],
      ['300000000000', 'ACTIVE'],
    ]),
    {},
    yaml,
  );
  const byId = new Map(p.accounts.map((a) => [a.account, a]));
  expect(byId.get('444455556666')!.deployRoleArn).toBe('arn:aws:iam::444455556666:role/deploy');
  expect(byId.get('777788889999')).toMatchObject({
    serviceLinkedRoleSuffix: 'web',
    deployRoleArn: 'arn:aws:iam::777788889999:role/terraform-deploy',
  });
  expect(byId.get('300000000000')!.deployRoleArn).toBe('arn:aws:iam::300000000000:role/terraform-deploy');
  expect(p.defaultDeployRole).toBe(false);
});

test('without a pattern, the role AWS Organizations creates in member accounts is assumed, and said so', () => {
  const p = plan(csv([['300000000000', 'ACTIVE']]));
  expect(p.accounts[0].deployRoleArn).toBe('arn:aws:iam::300000000000:role/OrganizationAccountAccessRole');
  expect(p.defaultDeployRole).toBe(true);
  expect(p.configOnly).toEqual(['444455556666', '777788889999']);
});

test('waves: the canary the config names, then at most the wave size, every account exactly once', () => {
  const all = ids(1000);
  const p = plan(active(all), { waveSize: 256 }, withCanary([all[500], all[7]]));
  expect(p.waves.map((w) => w.length)).toEqual([2, 256, 256, 256, 230]);
  expect(p.waves[0].map((a) => a.account)).toEqual([all[7], all[500]]);
  expect(
    p.waves
      .flat()
      .map((a) => a.account)
      .sort(),
  ).toEqual(all);
  expect(p.waves.every((w, i) => w.every((a) => a.wave === i + 1))).toBe(true);
  // No canary configured: no canary wave.
  expect(plan(active(ids(30)), { waveSize: 16 }).waves.map((w) => w.length)).toEqual([16, 14]);
  // A canary by OU: the accounts in or below it.
  const byOu = plan(
    csv([
      ['300000000000', 'ACTIVE', 'ou-ab12-11111111'],
      ['300000000001', 'ACTIVE', 'ou-ab12-22222222'],
    ]),
    {},
    withCanary([], ['ou-ab12-22222222']),
  );
  expect(byOu.waves.map((w) => w.map((a) => a.account))).toEqual([['300000000001'], ['300000000000']]);
});

test('waves hold still: one account joining or leaving moves no other account', () => {
  const all = ids(100);
  const first = plan(active(all), { waveSize: 16 }, withCanary([all[3]]));
  const without = all.filter((id) => id !== all[40]);
  const joined = [...without, '299999999999'];
  const second = plan(active(joined), { waveSize: 16 }, withCanary([all[3]]), first.record);
  for (const [account, wave] of waveOf(second)) if (account !== '299999999999') expect(wave).toBe(waveOf(first).get(account));
  expect(second.added).toEqual([{ account: '299999999999', name: 'n299999999999' }]);
  expect(second.left).toEqual([{ account: all[40], name: '' }]);
  // The one that left keeps its slot as a tombstone in its wave; the newcomer opens no wave before the last.
  expect(second.leaving).toEqual([expect.objectContaining({ account: all[40], wave: waveOf(first).get(all[40]) })]);
  expect(second.waves.length).toBe(first.waves.length);
  // Forgetting the tombstone frees its slot; a later newcomer goes to the emptiest wave, still moving no one.
  const third = plan(active([...joined, '299999999998']), { waveSize: 16, forget: [all[40]] }, withCanary([all[3]]), second.record);
  expect(third.leaving).toEqual([]);
  const sizes = second.waves.map((w) => w.length);
  expect(waveOf(third).get('299999999998')).toBe(sizes.indexOf(Math.min(...sizes.slice(1))) + 1);
  for (const [account, wave] of waveOf(second)) expect(waveOf(third).get(account)).toBe(wave);
});

test('--ou keeps accounts in or below the OUs; --exclude leaves accounts out; both are counted', () => {
  const text = csv([
    ['300000000000', 'ACTIVE', 'ou-ab12-11111111'],
    ['300000000001', 'ACTIVE', `${ORG_ID}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/`],
    ['300000000002', 'ACTIVE', 'ou-ab12-33333333'],
    ['300000000003', 'ACTIVE', 'ou-ab12-11111111'],
  ]);
  const p = plan(text, { ous: ['ou-ab12-11111111'], exclude: ['300000000003'] });
  expect(p.accounts.map((a) => a.account)).toEqual(['300000000000', '300000000001']);
  expect(p.outsideOus).toBe(1);
  expect(p.excluded).toBe(1);
});

test('the organization comes from the account ARNs when the config has none', () => {
  const noOrg = ORG_YAML.replace(/^organization:.*$/m, '');
  const inventory = parseInventory(
    JSON.stringify({ Accounts: [{ Id: '300000000000', Arn: `arn:aws:organizations::${OWNER}:account/${ORG_ID}/300000000000`, State: 'ACTIVE' }] }),
    'i.json',
  );
  const p = selectAccounts(parseRollout(noOrg, 'c.yaml'), inventory, OPTIONS);
  expect(p.rollout.organization).toEqual({ id: ORG_ID, arn: `arn:aws:organizations::${OWNER}:organization/${ORG_ID}`, ouPaths: [] });
});

describe('bad options and inputs', () => {
  const text = csv([['300000000000', 'ACTIVE', 'ou-ab12-11111111']]);
  test.each([
    ['an exclusion that matches nothing', { exclude: ['300000000009'] }, /^--exclude: is not in the inventory/],
    ['an exclusion that is no account ID', { exclude: ['abc'] }, /^--exclude: is not a 12-digit/],
    ['an OU that matches nothing', { ous: ['ou-ab12-99999999'] }, /^--ou: matches no account/],
    ['an OU that is no OU ID', { ous: ['finance'] }, /^--ou: is not an OU ID/],
    ['a wave size above the limit', { waveSize: 10001 }, /^--wave-size: .*10000/],
    ['a --forget without a previous output', { forget: ['300000000000'] }, /^--forget: is not a leaving account/],
  ])('%s', (_n, options, message) => {
    expect(failure(() => plan(text, options)).message).toMatch(message);
  });

  test('--ou on an inventory without OUs', () => {
    expect(failure(() => plan(csv([['300000000000', 'ACTIVE']]), { ous: ['ou-ab12-11111111'] })).message).toMatch(
      /^--ou: cannot filter: the inventory carries no OUs/,
    );
  });

  test('no organization in the config and none in a CSV', () => {
    const err = failure(() => plan(text, {}, ORG_YAML.replace(/^organization:.*$/m, '')));
    expect(err.field).toBe('organization');
  });

  test("a config organization other than the accounts' ", () => {
    const inventory = parseInventory(
      JSON.stringify({
        Accounts: [{ Id: '300000000000', Arn: `arn:aws:organizations::${OWNER}:account/o-zzzzzzzzzz/300000000000`, State: 'ACTIVE' }],
      }),
      'i.json',
    );
    expect(failure(() => selectAccounts(config, inventory, OPTIONS)).message).toMatch(/^organization\.id: differs .* o-zzzzzzzzzz/);
  });
});

describe('organization.ouPaths', () => {
  const yaml = ORG_YAML.replace(/^organization: \{ (.*) \}$/m, `organization: { $1, ouPaths: ["${ORG_ID}/r-ab12/ou-ab12-11111111/"] }`);

  test('an account whose path lies outside them is left out and counted: the key policy would not let it use the key', () => {
    const text = csv([
      ['300000000000', 'ACTIVE', `${ORG_ID}/r-ab12/ou-ab12-11111111/ou-ab12-44444444/`],
      ['300000000001', 'ACTIVE', `${ORG_ID}/r-ab12/ou-ab12-33333333/`],
    ]);
    const p = plan(text, {}, yaml);
    expect(p.accounts.map((a) => a.account)).toEqual(['300000000000']);
    expect(p.outsideOrganizationPaths).toBe(1);
    expect(plan(text).outsideOrganizationPaths).toBe(0);
  });

  test('accounts below them, and accounts with bare OU IDs (no path to judge), are kept', () => {
    const text = csv([
      ['300000000000', 'ACTIVE', `${ORG_ID}/r-ab12/ou-ab12-11111111/ou-ab12-44444444/`],
      ['300000000001', 'ACTIVE', `${ORG_ID}/r-ab12/ou-ab12-33333333/`],
      ['300000000002', 'ACTIVE', 'ou-ab12-55555555'],
    ]);
    const p = plan(text, { exclude: ['300000000001'] }, yaml);
    expect(p.accounts.map((a) => a.account)).toEqual(['300000000000', '300000000002']);
    expect(p.outsideOrganizationPaths).toBe(0);
  });
});
