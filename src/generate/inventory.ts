import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { ACCOUNT_ID, OU_ID, OU_PATH } from '../policy/formats';
import { InputError } from '../errors';
import { Origin, parseJson, where } from '../inputs/json-file';
import { inputErrorFromZod } from '../inputs/zod-issue';
import { readInput } from '../read-input';
import { parseOrganizationAccountArn } from '../policy/arns';

/**
 * The account inventory `keyshare generate` rolls out to: exactly what
 * `aws organizations list-accounts --output json` prints, or a CSV with `id,name,status[,ou]`.
 */

/**
 * Account states of AWS Organizations. `State` replaces `Status`, which is retired on
 * 9 September 2026; both are printed until then
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html).
 * Only an ACTIVE account can be deployed into.
 */
export const ACCOUNT_STATES = ['ACTIVE', 'PENDING_ACTIVATION', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface InventoryAccount {
  readonly id: string;
  readonly name: string;
  readonly state: AccountState;
  /** Organization paths (`o-…/r-…/ou-…/`) or bare OU IDs; empty when the inventory carries none. */
  readonly ous: readonly string[];
  /** Where the account came from, for messages: `Accounts[3]` or `row 4`. */
  readonly source: string;
}

export interface Inventory {
  readonly accounts: readonly InventoryAccount[];
  /** True when some row carries an OU, so `--ou` can filter. */
  readonly hasOus: boolean;
  /** The organization named by the accounts' ARNs (JSON inventories only). */
  readonly organization?: { readonly id: string; readonly arn: string };
}

const FLAG = '--accounts';
const LIST_ACCOUNTS = 'aws organizations list-accounts --output json > accounts.json';
const CSV_COLUMNS = ['id', 'name', 'status', 'ou'] as const;

const ID_FIX =
  'write the 12-digit AWS account ID as `aws organizations list-accounts` prints it; a spreadsheet that stored the ID as a number dropped its leading zeros, so format the column as text';

/** Reads an inventory file, JSON or CSV by its content, all or nothing. */
export function readInventory(file: string): Inventory {
  const text = readInput('inventory', FLAG, file);
  return parseInventory(text, file);
}

export function parseInventory(text: string, file: string): Inventory {
  const origin: Origin = { flag: FLAG, file };
  const inventory: Inventory =
    text.trim() === '' ? { accounts: [], hasOus: false } : /^\s*[{[]/.test(text) ? fromListAccounts(origin, text) : fromCsv(origin, text);
  if (inventory.accounts.length === 0) {
    throw new InputError(
      where(origin),
      file,
      'lists no accounts',
      `run \`${LIST_ACCOUNTS}\` with credentials of the management account or a delegated administrator, or add rows to the CSV`,
    );
  }
  const seen = new Map<string, string>();
  for (const account of inventory.accounts) {
    const first = seen.get(account.id);
    if (first !== undefined) {
      throw new InputError(where(origin, account.source), account.id, `repeats account ${account.id} of ${first}`, 'list each account once');
    }
    seen.set(account.id, account.source);
  }
  return inventory;
}

const listAccountsShape = z.object({
  Accounts: z.array(
    z.object({
      Id: z.string().regex(ACCOUNT_ID, `is not a 12-digit AWS account ID`),
      Arn: z.string().optional(),
      Name: z.string().optional(),
      Status: z.string().optional(),
      State: z.string().optional(),
      Paths: z.array(z.string().regex(OU_PATH, 'is not an organization path o-…/r-…/ou-…/')).optional(),
    }),
  ),
  NextToken: z.string().optional(),
});

function fromListAccounts(origin: Origin, text: string): Inventory {
  const fix = `pass exactly what \`${LIST_ACCOUNTS}\` prints`;
  const raw = parseJson(origin, text, fix);
  const parsed = listAccountsShape.safeParse(raw);
  if (!parsed.success) throw inputErrorFromZod(origin, '', raw, parsed.error, fix);
  if (parsed.data.NextToken !== undefined) {
    throw new InputError(
      where(origin, 'NextToken'),
      parsed.data.NextToken,
      'is set, so this is one page of the account list, not all of it',
      `run \`${LIST_ACCOUNTS}\` without --max-items: the CLI then fetches every page`,
    );
  }
  let organization: Inventory['organization'];
  let organizationSource = '';
  const accounts = parsed.data.Accounts.map((a, i): InventoryAccount => {
    const source = `Accounts[${i}]`;
    const given = a.State ?? a.Status;
    const state = accountState(given, where(origin, `${source}.${a.State !== undefined ? 'State' : 'Status'}`));
    if (a.Arn !== undefined) {
      const arn = parseOrganizationAccountArn(a.Arn);
      if (!arn || arn.account !== a.Id) {
        throw new InputError(
          where(origin, `${source}.Arn`),
          a.Arn,
          arn ? `names account ${arn.account}, not Id ${a.Id}` : 'is not an AWS Organizations account ARN',
          `pass exactly what \`${LIST_ACCOUNTS}\` prints: arn:<partition>:organizations::<management account>:account/<organization id>/<account id>`,
        );
      }
      if (organization && organization.id !== arn.organizationId) {
        throw new InputError(
          where(origin, `${source}.Arn`),
          a.Arn,
          `is in organization ${arn.organizationId}, but ${organizationSource} is in ${organization.id}`,
          'list the accounts of one organization: the key policy names one organization',
        );
      }
      organization ??= { id: arn.organizationId, arn: arn.organizationArn };
      organizationSource ||= source;
    }
    return { id: a.Id, name: a.Name ?? '', state, ous: a.Paths ?? [], source };
  });
  return { accounts, hasOus: accounts.some((a) => a.ous.length > 0), ...(organization && { organization }) };
}

function accountState(value: string | undefined, field: string): AccountState {
  // ASCII upper case only: toUpperCase() makes the Turkish dotless "actıve" ACTIVE.
  const upper = value
    ?.trim()
    .replace(/[a-z]/g, (c) => c.toUpperCase())
    .replace(/[\s-]+/g, '_');
  if (upper !== undefined && (ACCOUNT_STATES as readonly string[]).includes(upper)) return upper as AccountState;
  throw new InputError(
    field,
    value,
    value === undefined ? 'is missing: the account has neither State nor Status' : 'is not an AWS Organizations account state',
    `write one of ${ACCOUNT_STATES.join(', ')}; only ACTIVE accounts are rolled out to, the others are skipped and counted`,
  );
}

function fromCsv(origin: Origin, text: string): Inventory {
  let rows: string[][];
  try {
    rows = parseCsv(text, { skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new InputError(
      where(origin, line ? `row ${line}` : undefined),
      line ? text.split(/\r?\n/)[line - 1] : text.slice(0, 40),
      `is neither list-accounts JSON nor valid CSV: ${(err as Error).message.replace(/\s+/g, ' ')}`,
      `pass the output of \`${LIST_ACCOUNTS}\`, or a CSV whose first line is id,name,status[,ou] and whose every row has as many cells`,
    );
  }
  const [header = [], ...body] = rows;
  const columns = header.map((h) => h.toLowerCase());
  columns.forEach((c, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) {
      throw new InputError(
        where(origin, `row 1, column ${i + 1}`),
        header[i],
        'is not a known column',
        `name the columns ${CSV_COLUMNS.join(',')} (ou optional) in the first line; keyshare refuses unknown columns so that a misspelt one cannot silently drop data`,
      );
    }
    if (columns.indexOf(c) !== i)
      throw new InputError(where(origin, `row 1, column ${i + 1}`), header[i], 'repeats a column', 'name each column once');
  });
  for (const required of ['id', 'name', 'status']) {
    if (!columns.includes(required)) {
      throw new InputError(
        where(origin, 'row 1'),
        header.join(','),
        `has no ${required} column`,
        'start the CSV with the header line id,name,status (and ou to filter by OU)',
      );
    }
  }
  const at = (row: string[], column: string) => row[columns.indexOf(column)] ?? '';
  const accounts = body.map((row, i): InventoryAccount => {
    const source = `row ${i + 2}`;
    const id = at(row, 'id');
    if (!ACCOUNT_ID.test(id)) throw new InputError(where(origin, `${source}, id`), id, 'is not a 12-digit AWS account ID', ID_FIX);
    const ou = columns.includes('ou') ? at(row, 'ou') : '';
    if (ou !== '' && !OU_ID.test(ou) && !OU_PATH.test(ou)) {
      throw new InputError(
        where(origin, `${source}, ou`),
        ou,
        'is neither an OU ID nor an organization path',
        'write the OU ID (ou-ab12-11111111) or its path (o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/), or leave the cell empty',
      );
    }
    return { id, name: at(row, 'name'), state: accountState(at(row, 'status'), where(origin, `${source}, status`)), ous: ou ? [ou] : [], source };
  });
  return { accounts, hasOus: accounts.some((a) => a.ous.length > 0) };
}

/** True when the account sits in OU `ou` (an `ou-…` ID), directly or below it. */
export function inOu(account: InventoryAccount, ou: string): boolean {
  return account.ous.some((entry) => entry === ou || entry.split('/').includes(ou));
}
