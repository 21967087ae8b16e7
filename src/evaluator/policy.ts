import type { Caller } from './caller';
import { statementsFor, type CompiledPolicy, type CompiledStatement } from './compile';
import { describeFailure, firstFailingCondition } from './conditions';
import type { RequestContext } from './context';
import { matchPrincipal, namesCallerItself, notPrincipalExemption, type PrincipalMatch } from './principal';
import { matchResource } from './resources';

/** A request as the evaluator sees it once parsed. */
export interface EvaluationRequest {
  readonly caller: Caller;
  /** Canonical action, `kms:Decrypt`. */
  readonly action: string;
  /** Lower-case action name without prefix, `decrypt`. */
  readonly actionKey: string;
  readonly resource: string;
  readonly context: RequestContext;
}

export interface StatementHit {
  readonly statement: CompiledStatement;
  readonly match: PrincipalMatch;
  /** A direct match that names the caller itself, not its role: a permissions boundary does not limit it (`namesCallerItself`). */
  readonly itself: boolean;
}

/** An Allow statement for this action that failed on one thing only; `doctor` names it. */
export interface NearMiss {
  readonly statement: CompiledStatement;
  readonly reason: string;
}

export interface PolicyOutcome {
  readonly policy: CompiledPolicy;
  readonly allows: readonly StatementHit[];
  readonly denies: readonly StatementHit[];
  readonly nearMisses: readonly NearMiss[];
  /** Deny statements that apply unless their NotPrincipal exempts the caller, which the AWS page leaves undecided. */
  readonly undecidedDenies: readonly CompiledStatement[];
}

function principalOf(statement: CompiledStatement, caller: Caller): PrincipalMatch | undefined {
  if (statement.principal) return matchPrincipal(statement.principal, caller);
  // NotPrincipal: every principal except those listed, including their accounts' (IAM User Guide, "NotPrincipal").
  if (statement.notPrincipal) return matchPrincipal(statement.notPrincipal, caller) === undefined ? 'direct' : undefined;
  return 'direct';
}

/** NotPrincipal names every principal but those listed, as `*` does; no Principal: an identity policy's own principal. */
function itselfOf(statement: CompiledStatement, caller: Caller): boolean {
  return statement.principal ? namesCallerItself(statement.principal, caller) : true;
}

function principalMiss(statement: CompiledStatement, caller: Caller): string {
  if (statement.principal) return `its Principal names ${statement.principal.names.join(', ')}, not ${caller.arn} or its account`;
  return `its NotPrincipal excludes ${caller.arn}`;
}

/**
 * Which statements of one policy allow or deny the request (IAM User Guide, "Policy evaluation
 * logic": a statement applies when its principal, action, resource and every condition match).
 * With `explain`, Allow statements that miss by their principal (when they name the caller's
 * account) or by one condition are collected too: only implicit denies need them.
 */
export function evaluatePolicy(policy: CompiledPolicy, request: EvaluationRequest, explain = false): PolicyOutcome {
  // Most statements match nothing; lists are allocated only when something lands in them.
  let allows: StatementHit[] | undefined;
  let denies: StatementHit[] | undefined;
  let nearMisses: NearMiss[] | undefined;
  let undecidedDenies: CompiledStatement[] | undefined;
  for (const statement of statementsFor(policy, request.actionKey, request.caller.account)) {
    if (!matchResource(statement.resources, request.resource)) continue;
    if (statement.effect === 'Deny' && statement.notPrincipal) {
      const exemption = notPrincipalExemption(statement.notPrincipal, request.caller);
      if (exemption === 'exempt') continue;
      if (firstFailingCondition(statement.conditions, request.context) >= 0) continue;
      if (exemption === 'undecided') (undecidedDenies ??= []).push(statement);
      else (denies ??= []).push({ statement, match: 'direct', itself: true });
      continue;
    }
    const match = principalOf(statement, request.caller);
    const failing = match === undefined ? -1 : firstFailingCondition(statement.conditions, request.context);
    if (match !== undefined && failing < 0) {
      const itself = match === 'direct' && itselfOf(statement, request.caller);
      if (statement.effect === 'Allow') (allows ??= []).push({ statement, match, itself });
      else (denies ??= []).push({ statement, match, itself });
    } else if (explain && statement.effect === 'Allow') {
      if (match !== undefined) {
        (nearMisses ??= []).push({ statement, reason: describeFailure(statement.conditions[failing], request.context) });
      } else if (namesAccountOf(statement, request.caller)) {
        (nearMisses ??= []).push({ statement, reason: principalMiss(statement, request.caller) });
      }
    }
  }
  return { policy, allows: allows ?? NONE, denies: denies ?? NONE, nearMisses: nearMisses ?? NONE, undecidedDenies: undecidedDenies ?? NONE };
}

const NONE: readonly never[] = [];

function namesAccountOf(statement: CompiledStatement, caller: Caller): boolean {
  const block = statement.principal ?? statement.notPrincipal;
  return block !== undefined && caller.account !== undefined && block.namedAccounts.has(caller.account);
}
