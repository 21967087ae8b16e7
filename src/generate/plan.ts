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
  /** Accounts per apply wave after the canary; a GitHub Actions matrix holds at most 256 jobs. */
  readonly waveSize: number;
  /** Accounts in the first wave, applied alone before the others. 0: no canary wave. */
  readonly canary: number;
}

/**
 * A GitHub Actions matrix generates at most 256 jobs per workflow run
 * (https://docs.github.com/en/actions/reference/limits, "Job Matrix").
 */
export const MAX_MATRIX_JOBS = 256;
export const DEFAULT_CANARY = 10;

/** Each account root's deploy role unless `consumerDeployRoleArn` names another. */
export const DEFAULT_DEPLOY_ROLE = ORGANIZATION_ACCESS_ROLE;

export interface AccountRoot extends Consumer {
  readonly name: string;
  /** 1-based apply wave. */
  readonly wave: number;
  readonly deployRoleArn: string;
}

export interface GeneratePlan {
  /** The config with the inventory's accounts as consumers and the organization resolved: what check proves. */
  readonly rollout: Rollout & { readonly organization: Organization };
  /** One root each, sorted by account ID. */
  readonly accounts: readonly AccountRoot[];
  readonly waves: readonly (readonly AccountRoot[])[];
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
export function planRollout(config: Rollout, inventory: Inventory, options: SelectOptions): GeneratePlan {
  checkOptions(inventory, options);
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
  const waves = splitWaves(roots, options).map((wave, i) =>
    wave.map(({ name, ...c }): AccountRoot => ({ ...c, deployRoleArn: c.deployRoleArn!, name, wave: i + 1 })),
  );
  // As in synth: the owner launches from its own AMIs only when the config lists it as a consumer;
  // the key policy then names its Auto Scaling role, which must exist.
  const self = sameAccountConsumer(config);
  const consumers = [...roots.map(({ name: _, ...c }) => c), ...(self ? [self] : [])].sort((a, b) => (a.account < b.account ? -1 : 1));
  const selectedIds = new Set(selected.map((a) => a.id));
  return {
    rollout: { ...config, consumers, organization },
    accounts: waves.flat(),
    waves,
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

function splitWaves<T>(items: readonly T[], { waveSize, canary }: SelectOptions): T[][] {
  const waves: T[][] = [];
  let rest = [...items];
  if (canary > 0 && rest.length > canary) {
    waves.push(rest.slice(0, canary));
    rest = rest.slice(canary);
  }
  for (let i = 0; i < rest.length; i += waveSize) waves.push(rest.slice(i, i + waveSize));
  return waves;
}

function checkOptions(inventory: Inventory, options: SelectOptions): void {
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
  if (!Number.isInteger(options.waveSize) || options.waveSize < 1 || options.waveSize > MAX_MATRIX_JOBS) {
    throw new InputError(
      '--wave-size',
      options.waveSize,
      `is not a whole number from 1 to ${MAX_MATRIX_JOBS}`,
      `give at most ${MAX_MATRIX_JOBS}: each wave is one GitHub Actions matrix, which holds at most ${MAX_MATRIX_JOBS} jobs`,
    );
  }
  if (!Number.isInteger(options.canary) || options.canary < 0 || options.canary > MAX_MATRIX_JOBS) {
    throw new InputError(
      '--canary',
      options.canary,
      `is not a whole number from 0 to ${MAX_MATRIX_JOBS}`,
      'give the number of accounts to apply first, or 0 for none',
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
