import { parseArn, parseRoleArn, parseRootArn } from '../policy/arns';
import { ACCOUNT_ID } from '../policy/formats';
import { listOf, type PrincipalBlock } from '../policy/document';
import type { Caller } from './caller';

/**
 * How a statement's Principal names the caller. `direct`: the caller itself (or, for a session,
 * its role); `account`: the caller's account (root ARN or bare ID), which only delegates to that
 * account's IAM policies (KMS developer guide, "Key policies", "Allows access to the AWS account
 * and enables IAM policies"; IAM User Guide, "AWS JSON policy elements: Principal").
 */
export type PrincipalMatch = 'direct' | 'account';

export interface PrincipalMatcher {
  readonly everyone: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly arns: ReadonlySet<string>;
  /** `<account>:<lower-case role name>`: a role ARN matches its sessions whatever the role's path. */
  readonly roles: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  /**
   * Accounts the block names in any form. A statement can only name a caller of one of these
   * accounts, unless `open`; messages also mention only statements about the caller's account.
   */
  readonly namedAccounts: ReadonlySet<string>;
  /** Matches callers whatever their account: `*`, services, or a value that names no account. */
  readonly open: boolean;
  /** For messages: what the block names. */
  readonly names: readonly string[];
}

export function compilePrincipal(block: PrincipalBlock): PrincipalMatcher {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  const roles = new Set<string>();
  const services = new Set<string>();
  const namedAccounts = new Set<string>();
  if (block === '*') return { everyone: true, accounts, arns, roles, services, namedAccounts, open: true, names: ['*'] };
  let everyone = false;
  let accountless = false;
  const aws = listOf(block.AWS);
  for (const value of aws) {
    if (value === '*') {
      everyone = true;
      continue;
    }
    const account = parseRootArn(value)?.account ?? (ACCOUNT_ID.test(value) ? value : undefined);
    if (account) {
      accounts.add(account);
      namedAccounts.add(account);
    } else {
      arns.add(value);
      const owner = parseArn(value)?.account;
      if (owner) namedAccounts.add(owner);
      else accountless = true;
      const role = parseRoleArn(value);
      if (role) roles.add(`${role.account}:${role.name.toLowerCase()}`);
    }
  }
  const service = listOf(block.Service);
  for (const value of service) services.add(value.toLowerCase());
  const open = everyone || accountless || services.size > 0;
  return { everyone, accounts, arns, roles, services, namedAccounts, open, names: [...aws, ...service] };
}

export function matchPrincipal(matcher: PrincipalMatcher, caller: Caller): PrincipalMatch | undefined {
  if (caller.kind === 'service') return matcher.everyone || matcher.services.has(caller.arn.toLowerCase()) ? 'direct' : undefined;
  if (matcher.everyone || matcher.arns.has(caller.arn)) return 'direct';
  if (caller.roleKey !== undefined && matcher.roles.has(caller.roleKey)) return 'direct';
  // The root user is the account itself: naming the account names it directly.
  if (caller.account !== undefined && matcher.accounts.has(caller.account)) return caller.kind === 'root' ? 'direct' : 'account';
  return undefined;
}

/**
 * Whether a statement that matched `caller` directly names the caller itself (its user, session or
 * federated-user ARN, or `*`) rather than the role it is a session of. Within one account "resource-based
 * policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions
 * boundary", while those naming a role session or an IAM user ARN are not (IAM User Guide, "Policy
 * evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * A role ARN given as the caller stands for its sessions, named through the role.
 */
export function namesCallerItself(matcher: PrincipalMatcher, caller: Caller): boolean {
  if (matcher.everyone) return true;
  return caller.kind !== 'role' && caller.kind !== 'root' && matcher.arns.has(caller.arn);
}

/**
 * Whether a Deny's NotPrincipal exempts the caller. "If an assumed-role user ... is being evaluated,
 * AWS might validate the account first, then the role, and then the assumed-role user", so AWS
 * recommends naming the session, its role and their account (IAM User Guide, "AWS JSON policy
 * elements: NotPrincipal",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
 * `exempt`: every link of the caller's chain is named (or `*`); `applies`: the caller itself (nor,
 * for a session, its role) is not named, whether or not its account is: the page's example with Bob's
 * ARN and his account's says "all principals *except* the user named Bob in AWS account 444455556666
 * are explicitly denied access to a resource"; `undecided`: the caller is named but its role or
 * account is not, and the page says only that AWS "might" then deny the account or role.
 */
export function notPrincipalExemption(matcher: PrincipalMatcher, caller: Caller): 'exempt' | 'applies' | 'undecided' {
  if (matcher.everyone) return 'exempt';
  if (caller.kind === 'service') return matcher.services.has(caller.arn.toLowerCase()) ? 'exempt' : 'applies';
  const account = caller.account !== undefined && matcher.accounts.has(caller.account);
  const chain: boolean[] =
    caller.kind === 'root'
      ? [account || matcher.arns.has(caller.arn)]
      : caller.kind === 'assumed-role'
        ? [matcher.arns.has(caller.arn), caller.roleKey !== undefined && matcher.roles.has(caller.roleKey), account]
        : caller.kind === 'role'
          ? [caller.roleKey !== undefined && matcher.roles.has(caller.roleKey), account]
          : [matcher.arns.has(caller.arn), account];
  if (chain.every((named) => named)) return 'exempt';
  const itself = caller.kind === 'assumed-role' ? chain[0] || chain[1] : chain[0];
  return itself ? 'undecided' : 'applies';
}
