import { ACCOUNT_ID, OU_ID } from '../policy/formats';
import { InputError } from '../errors';
import type { Consumer, Organization, Rollout } from '../model/rollout';
import { crossAccountConsumers, sameAccountConsumer } from '../policy/key-policy';
import { ORGANIZATION_ACCESS_ROLE, roleArn, roleArnFromPattern } from '../policy/arns';
import { AccountState, inOu, Inventory, InventoryAccount } from './inventory';

/** Which accounts of the inventory get a root, and in which apply wave. */
export interface SelectOptions {
  /** `--ou`: keep accounts in these OUs (or below them). Empty: every OU. */
  readonly ous: readonly string[];
  /** `--exclude`: account IDs to leave out. */
  readonly exclude: readonly string[];
  /** Accounts a new wave takes before another is opened; a wave already larger keeps its accounts. */
  readonly waveSize: number;
  /** `--forget`: leaving accounts whose destroy was applied: their tombstone roots go. */
  readonly forget?: readonly string[];
}

/** What the previous output recorded (`.keyshare/waves.json`): who was in which wave, who is leaving. */
export interface PreviousWaves {
  readonly canary: readonly string[];
  /** The waves after the canary, in order; an emptied wave keeps its place so that no later one is renumbered. */
  readonly waves: readonly (readonly string[])[];
  /** Accounts whose tombstone root destroys what their root created. */
  readonly leaving: readonly string[];
}

/** The default wave size: one wave's accounts stay a reviewable batch; CI runs each wave in batches. */
export const DEFAULT_WAVE_SIZE = 256;
export const MAX_WAVE_SIZE = 10_000;

/** Each account root's deploy role unless `consumerDeployRoleArn` names another. */
export const DEFAULT_DEPLOY_ROLE = ORGANIZATION_ACCESS_ROLE;

export interface AccountRoot extends Consumer {
  readonly name: string;
  /** 1-based apply wave. */
  readonly wave: number;
  readonly deployRoleArn: string;
}

/** An account that left the rollout: its tombstone root destroys what its root created, in its old wave. */
export interface LeavingAccount {
  readonly account: string;
  readonly name: string;
  readonly wave: number;
  readonly deployRoleArn: string;
}

/** An account named in a summary: its ID and, when the inventory still lists it, its name. */
export interface NamedAccount {
  readonly account: string;
  readonly name: string;
}

export interface AccountSelection {
  /** The config with the inventory's accounts as consumers and the organization resolved: what check proves. */
  readonly rollout: Rollout & { readonly organization: Organization };
  /** One root each, sorted by account ID. */
  readonly accounts: readonly AccountRoot[];
  /** Wave by wave (1-based: `waves[0]` is wave 1), the canary first when there is one; a wave may be empty. */
  readonly waves: readonly (readonly AccountRoot[])[];
  /** There is a canary wave (wave 1). */
  readonly canary: boolean;
  /** Accounts whose roots are tombstones: they left, and what their root created is destroyed. */
  readonly leaving: readonly LeavingAccount[];
  /** What `.keyshare/waves.json` records for the next run. */
  readonly record: PreviousWaves;
  /** Accounts with a root now that the previous output did not have; undefined on a first run. */
  readonly added?: readonly NamedAccount[];
  /** Accounts the previous output had a root for and this one has not (now tombstones, or forgotten). */
  readonly left?: readonly NamedAccount[];
  /** Accounts the inventory lists, whatever their state. */
  readonly inventoryAccounts: number;
  /** The owner account is in the inventory; it never gets a root of its own. */
  readonly ownerInInventory: boolean;
  /** The config lists the owner as a consumer: its own Auto Scaling role is named in the key policy. */
  readonly ownerIsConsumer: boolean;
  readonly skipped: Readonly<Partial<Record<AccountState, number>>>;
  readonly excluded: number;
  readonly outsideOus: number;
  /** Active accounts whose path lies outside `organization.ouPaths`: the key policy does not admit them. */
  readonly outsideOrganizationPaths: number;
  /** Config consumers that are not active in the selected inventory, so they get no root. */
  readonly configOnly: readonly string[];
  /** The deploy role pattern was not configured and the Organizations default was used. */
  readonly defaultDeployRole: boolean;
}

/** Combines a validated config and an inventory into what `generate` writes. Throws InputError. */
export function selectAccounts(config: Rollout, inventory: Inventory, options: SelectOptions, previous?: PreviousWaves): AccountSelection {
  checkOptions(inventory, options, previous);
  const organization = resolveOrganization(config, inventory);
  const owner = config.owner.account;
  const overrides = new Map(config.consumers.map((c) => [c.account, c]));
  const excluded = new Set(options.exclude);
  const skipped: Partial<Record<AccountState, number>> = {};
  let excludedCount = 0;
  let outsideOus = 0;
  let outsideOrganizationPaths = 0;
  let ownerInInventory = false;

  const selected: InventoryAccount[] = [];
  for (const account of inventory.accounts) {
    if (account.id === owner) ownerInInventory = true;
    else if (excluded.has(account.id)) excludedCount++;
    else if (options.ous.length > 0 && !options.ous.some((ou) => inOu(account, ou))) outsideOus++;
    else if (outsideOuPaths(account, organization)) outsideOrganizationPaths++;
    else if (account.state !== 'ACTIVE') skipped[account.state] = (skipped[account.state] ?? 0) + 1;
    else selected.push(account);
  }
  selected.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const pattern = config.consumerDeployRoleArn ?? roleArn(config.partition, '{{account}}', DEFAULT_DEPLOY_ROLE);
  const roots = selected.map((account): Consumer & { name: string } => {
    const listed = overrides.get(account.id);
    return {
      account: account.id,
      name: account.name,
      createServiceLinkedRole: listed?.createServiceLinkedRole ?? false,
      attachPolicyToRoles: listed?.attachPolicyToRoles ?? [],
      sameAccount: false,
      ...(listed?.serviceLinkedRoleSuffix && { serviceLinkedRoleSuffix: listed.serviceLinkedRoleSuffix }),
      deployRoleArn: listed?.deployRoleArn ?? roleArnFromPattern(pattern, account.id),
    };
  });
  const assigned = assignWaves(roots, canaryAccounts(config, selected), options, previous);
  const waves = assigned.waves.map((wave, i) =>
    wave.map(({ name, ...c }): AccountRoot => ({ ...c, deployRoleArn: c.deployRoleArn!, name, wave: i + 1 })),
  );
  const names = new Map(inventory.accounts.map((a) => [a.id, a.name]));
  const named = (account: string): NamedAccount => ({ account, name: names.get(account) ?? '' });
  const leaving = assigned.leaving.map(({ account, wave }): LeavingAccount => ({
    ...named(account),
    wave,
    deployRoleArn: overrides.get(account)?.deployRoleArn ?? roleArnFromPattern(pattern, account),
  }));
  // As in synth: the owner launches from its own AMIs only when the config lists it as a consumer;
  // the key policy then names its Auto Scaling role, which must exist.
  const self = sameAccountConsumer(config);
  const consumers = [...roots.map(({ name: _, ...c }) => c), ...(self ? [self] : [])].sort((a, b) => (a.account < b.account ? -1 : 1));
  const selectedIds = new Set(selected.map((a) => a.id));
  return {
    rollout: { ...config, consumers, organization },
    accounts: waves.flat().sort((a, b) => (a.account < b.account ? -1 : 1)),
    waves,
    canary: assigned.canary,
    leaving,
    record: assigned.record,
    ...(previous && {
      added: roots.filter((r) => !wasRooted(previous, r.account)).map((r) => named(r.account)),
      left: [...previous.canary, ...previous.waves.flat()]
        .filter((a) => wasRooted(previous, a) && !selectedIds.has(a))
        .sort()
        .map(named),
    }),
    inventoryAccounts: inventory.accounts.length,
    ownerInInventory,
    ownerIsConsumer: self !== undefined,
    skipped,
    excluded: excludedCount,
    outsideOus,
    outsideOrganizationPaths,
    configOnly: crossAccountConsumers(config)
      .map((c) => c.account)
      .filter((a) => !selectedIds.has(a)),
    defaultDeployRole: config.consumerDeployRoleArn === undefined,
  };
}

/** Whether the previous output gave the account a root of its own (a tombstone is not one). */
const wasRooted = (previous: PreviousWaves, account: string) =>
  !previous.leaving.includes(account) && (previous.canary.includes(account) || previous.waves.some((w) => w.includes(account)));

/** The canary: the config's accounts, and the accounts in its OUs, among those that get a root. */
function canaryAccounts(config: Rollout, selected: readonly InventoryAccount[]): Set<string> {
  const canary = config.generate?.canary ?? { accounts: [], ous: [] };
  return new Set(selected.filter((a) => canary.accounts.includes(a.id) || canary.ous.some((ou) => inOu(a, ou))).map((a) => a.id));
}

/**
 * Waves that hold still: an account keeps the wave the previous output gave it, so one account
 * joining or leaving moves no other. A newcomer takes the emptiest wave with room (the lowest on
 * a tie), else opens a new one; a wave emptied by leavers keeps its number until newcomers fill it.
 * The canary is whatever the config names, applied first. Tombstones of leaving accounts keep
 * their old wave, so their destroy runs where their apply ran.
 */
function assignWaves<T extends { account: string }>(
  roots: readonly T[],
  canary: ReadonlySet<string>,
  options: SelectOptions,
  previous?: PreviousWaves,
) {
  const forget = new Set(options.forget ?? []);
  const rooted = new Set(roots.map((r) => r.account));
  const keepsLeaving = (a: string) => !rooted.has(a) && !forget.has(a);
  // Slots by wave index after the canary: who stays, and the tombstones (which hold their slot).
  const slots: string[][] = (previous?.waves ?? []).map((w) => w.filter((a) => (rooted.has(a) && !canary.has(a)) || keepsLeaving(a)));
  const placed = new Set(slots.flat());
  const newcomers = roots.filter((r) => !canary.has(r.account) && !placed.has(r.account));
  for (const r of newcomers) {
    let best = -1;
    slots.forEach((w, i) => {
      if (w.length < options.waveSize && (best < 0 || w.length < slots[best].length)) best = i;
    });
    if (best < 0) {
      best = slots.length;
      slots.push([]);
    }
    slots[best].push(r.account);
  }
  // Trailing empty waves are dropped: no account is numbered after them.
  while (slots.length > 0 && slots[slots.length - 1].length === 0) slots.pop();
  const canaryLeaving = (previous?.canary ?? []).filter(keepsLeaving);
  const hasCanary = canary.size > 0 || canaryLeaving.length > 0;
  const byId = new Map(roots.map((r) => [r.account, r]));
  const sorted = (ids: readonly string[]) => [...ids].sort();
  const rootsOf = (ids: readonly string[]) => sorted(ids).flatMap((a) => byId.get(a) ?? []);
  const record: PreviousWaves = {
    canary: sorted([...canary, ...canaryLeaving]),
    waves: slots.map(sorted),
    leaving: sorted([...canaryLeaving, ...slots.flat().filter((a) => !rooted.has(a))]),
  };
  const first = hasCanary ? 2 : 1;
  return {
    canary: hasCanary,
    waves: [...(hasCanary ? [rootsOf(record.canary)] : []), ...record.waves.map(rootsOf)],
    leaving: [
      ...canaryLeaving.map((account) => ({ account, wave: 1 })),
      ...slots.flatMap((w, i) => w.filter((a) => !rooted.has(a)).map((account) => ({ account, wave: i + first }))),
    ].sort((a, b) => (a.account < b.account ? -1 : 1)),
    record,
  };
}

function checkOptions(inventory: Inventory, options: SelectOptions, previous?: PreviousWaves): void {
  for (const id of options.forget ?? []) {
    if (!previous?.leaving.includes(id)) {
      throw new InputError(
        '--forget',
        id,
        'is not a leaving account of the previous output',
        'give an account whose tombstone root the previous output holds (its README lists them), once its destroy was applied',
      );
    }
  }
  const ids = new Set(inventory.accounts.map((a) => a.id));
  for (const id of options.exclude) {
    if (!ACCOUNT_ID.test(id))
      throw new InputError('--exclude', id, 'is not a 12-digit AWS account ID', 'give the account ID to leave out, e.g. --exclude 444455556666');
    if (!ids.has(id)) {
      throw new InputError(
        '--exclude',
        id,
        'is not in the inventory',
        'check the ID: an exclusion that matches nothing would leave the account you meant in the rollout',
      );
    }
  }
  for (const ou of options.ous) {
    if (!OU_ID.test(ou))
      throw new InputError(
        '--ou',
        ou,
        'is not an OU ID',
        'give an OU ID as `aws organizations list-organizational-units-for-parent` prints it, e.g. ou-ab12-11111111',
      );
    if (!inventory.hasOus) {
      throw new InputError(
        '--ou',
        ou,
        'cannot filter: the inventory carries no OUs',
        'use a CSV inventory with an ou column, or list-accounts JSON whose accounts carry Paths',
      );
    }
    if (!inventory.accounts.some((a) => inOu(a, ou))) {
      throw new InputError(
        '--ou',
        ou,
        'matches no account of the inventory',
        'check the OU ID: a filter that matches nothing rolls out to no account',
      );
    }
  }
  if (!Number.isInteger(options.waveSize) || options.waveSize < 1 || options.waveSize > MAX_WAVE_SIZE) {
    throw new InputError(
      '--wave-size',
      options.waveSize,
      `is not a whole number from 1 to ${MAX_WAVE_SIZE}`,
      `give the accounts a wave takes, e.g. ${DEFAULT_WAVE_SIZE}; CI applies each wave in batches`,
    );
  }
}

/**
 * With `organization.ouPaths`, the key policy admits only principals under those paths
 * (`aws:PrincipalOrgPaths`): an account the inventory places elsewhere could never use the key.
 * Accounts without a path (a CSV's bare OU ID, list-accounts without Paths) cannot be judged.
 */
function outsideOuPaths(account: InventoryAccount, organization: Organization): boolean {
  const paths = account.ous.filter((ou) => ou.includes('/'));
  if (organization.ouPaths.length === 0 || paths.length === 0) return false;
  return !paths.some((p) => organization.ouPaths.some((allowed) => p.replace(/\/?$/, '/').startsWith(allowed)));
}

/** The organization-scale key policy needs the organization: from the config, or the accounts' ARNs. */
function resolveOrganization(config: Rollout, inventory: Inventory): Organization {
  const fromInventory = inventory.organization;
  const configured = config.organization;
  if (configured && fromInventory && configured.id !== fromInventory.id) {
    throw new InputError(
      'organization.id',
      configured.id,
      `differs from the organization of the inventory's accounts, ${fromInventory.id}`,
      'give the config and the account list of the same organization',
    );
  }
  if (configured) return configured;
  if (fromInventory) return { ...fromInventory, ouPaths: [] };
  throw new InputError(
    'organization',
    undefined,
    'is not in the config, and the inventory has no account ARNs to take it from',
    'add organization: { id, arn } to the config (as `aws organizations describe-organization` prints them), or pass the list-accounts JSON, whose ARNs name the organization',
  );
}
