import { GRANTABLE_OPERATIONS } from '../policy/actions';
import { grantsNaming } from '../policy/grant';
import { parseRoleArn, parseRootArn } from '../policy/arns';
import { ACCOUNT_ID } from '../policy/formats';
import { GRANT_OPERATIONS } from '../policy/conditions';
import type { Caller } from './caller';
import type { RequestContext } from './context';
import type { PrincipalMatch } from './principal';
import type { Grant, KmsRequest } from '../policy/kms-api';

/**
 * Grants (KMS developer guide, "Grants in AWS KMS" and "Creating grants"): a grant lets its grantee
 * call the grant's operations on its one key, within its encryption-context constraints. It can
 * only allow, never deny, and needs no IAM policy.
 */
export interface GrantHit {
  readonly grant: Grant;
  readonly id: string;
  /** `account`: the grantee is the caller's account, whose IAM policies then decide. */
  readonly match: PrincipalMatch;
  /** The caller retires the grant, as its retiring principal or for the account that created it, rather than using it as grantee. */
  readonly retiring?: 'retiring-principal' | 'issuing-account';
}

export interface GrantMiss {
  readonly id: string;
  readonly reason: string;
}

export interface GrantOutcome {
  readonly allows: readonly GrantHit[];
  readonly misses: readonly GrantMiss[];
}

const NONE: GrantOutcome = { allows: [], misses: [] };

const GRANTABLE: ReadonlyMap<string, string> = new Map(GRANTABLE_OPERATIONS.map((op) => [op.toLowerCase(), op]));
/** "The encryption context constraint is ignored for DescribeKey and RetireGrant" ("Creating grants"). */
const NO_ENCRYPTION_CONTEXT = new Set(['describekey', 'retiregrant']);

export function grantId(grant: Grant, index: number): string {
  return grant.GrantId ?? (grant.Name ? grant.Name : `grants[${index}]`);
}

/** A grant's KeyId is a key ID or key ARN; either way it names one key. */
function forKey(grant: Grant, keyArn: string): boolean {
  return grant.KeyId === keyArn || keyArn.endsWith(`:key/${grant.KeyId}`);
}

function granteeMatch(grantee: string, caller: Caller): PrincipalMatch | undefined {
  if (grantee === caller.arn) return 'direct';
  if (caller.kind === 'service') return grantee.toLowerCase() === caller.arn.toLowerCase() ? 'direct' : undefined;
  const role = parseRoleArn(grantee);
  if (role && caller.roleName !== undefined && role.account === caller.account && role.name.toLowerCase() === caller.roleName) return 'direct';
  // "The grantee principal can represent one or more identities" ("Grants in AWS KMS"): a grant to an
  // account is taken to work like a key policy naming the account, its IAM policies delegating it.
  // `IssuingAccount` as list-grants prints it (the account's root ARN), or a bare account ID.
  const root = parseRootArn(grantee) ?? (ACCOUNT_ID.test(grantee) ? { account: grantee } : undefined);
  if (root && root.account === caller.account) return caller.kind === 'root' ? 'direct' : 'account';
  return undefined;
}

type Pairs = Readonly<Record<string, string>>;

function includesPairs(outer: Pairs, inner: Pairs): boolean {
  return Object.keys(inner).every((k) => Object.prototype.hasOwnProperty.call(outer, k) && outer[k] === inner[k]);
}

function samePairs(a: Pairs, b: Pairs): boolean {
  return Object.keys(a).length === Object.keys(b).length && includesPairs(a, b);
}

function show(pairs: Pairs): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(pairs)
        .sort()
        .map((k) => [k, pairs[k]]),
    ),
  );
}

/** Why the request's encryption context fails the grant's constraint, or undefined. */
function encryptionContextFailure(grant: Grant, request: KmsRequest): string | undefined {
  const context = request.encryptionContext ?? {};
  const equals = grant.Constraints?.EncryptionContextEquals;
  if (equals && !samePairs(context, equals)) {
    return `its EncryptionContextEquals constraint requires exactly ${show(equals)}, the request has ${show(context)}`;
  }
  const subset = grant.Constraints?.EncryptionContextSubset;
  if (subset && !includesPairs(context, subset)) {
    return `its EncryptionContextSubset constraint requires ${show(subset)}, the request has ${show(context)}`;
  }
  return undefined;
}

/**
 * CreateGrant through a grant: the new grant may carry only the parent's operations, and
 * constraints that allow no encryption context the parent's would refuse ("Granting CreateGrant
 * permission": a child may add pairs to EncryptionContextSubset, or turn it into
 * EncryptionContextEquals, never the reverse).
 */
function childGrantFailure(grant: Grant, request: KmsRequest, context: RequestContext): string | undefined {
  const requested = context.get(GRANT_OPERATIONS.toLowerCase());
  if (requested === undefined) return `the request has no ${GRANT_OPERATIONS}, so the new grant's operations cannot be checked against it`;
  const parent = new Set(grant.Operations.map((op) => op.toLowerCase()));
  const wanted = typeof requested === 'string' ? [requested] : Array.isArray(requested) ? requested : [String(requested)];
  const extra = wanted.filter((op) => !parent.has(op.toLowerCase()));
  if (extra.length > 0)
    return `the new grant's operations include ${extra.join(', ')}, which it does not have (it has ${grant.Operations.join(', ')})`;
  const p = grant.Constraints ?? {};
  const c = request.grantConstraints ?? {};
  if (p.EncryptionContextEquals) {
    if (!c.EncryptionContextEquals || !samePairs(c.EncryptionContextEquals, p.EncryptionContextEquals) || c.EncryptionContextSubset) {
      return `the new grant must keep its EncryptionContextEquals constraint ${show(p.EncryptionContextEquals)}`;
    }
  } else if (p.EncryptionContextSubset) {
    const child = c.EncryptionContextEquals ?? c.EncryptionContextSubset;
    if (!child || !includesPairs(child, p.EncryptionContextSubset)) {
      return `the new grant's constraints must include its EncryptionContextSubset pairs ${show(p.EncryptionContextSubset)}`;
    }
  }
  return undefined;
}

export function evaluateGrants(
  grants: readonly Grant[],
  keyArn: string,
  caller: Caller,
  action: string,
  request: KmsRequest,
  context: RequestContext,
  explain: boolean,
): GrantOutcome {
  if (grants.length === 0) return NONE;
  const allows: GrantHit[] = [];
  const misses: GrantMiss[] = [];
  const actionKey = action.slice(action.indexOf(':') + 1).toLowerCase();
  const operation = GRANTABLE.get(actionKey);
  const candidates = caller.account === undefined ? grants.map((grant, index) => ({ grant, index })) : grantsNaming(grants, caller.account);
  for (const { grant, index } of candidates) {
    if (!forKey(grant, keyArn)) continue;
    // "A grant can be retired by an optional retiring principal specified in the grant ... As a backup,
    // the AWS account in which the grant was created can retire the grant", through its root or a
    // principal its IAM policies allow kms:RetireGrant ("Retiring and revoking grants",
    // https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html; API reference, RetireGrant).
    const retiring = actionKey === 'retiregrant' && grant.RetiringPrincipal ? granteeMatch(grant.RetiringPrincipal, caller) : undefined;
    const issuing = actionKey === 'retiregrant' && grant.IssuingAccount ? granteeMatch(grant.IssuingAccount, caller) : undefined;
    if (retiring !== undefined || issuing !== undefined) {
      allows.push({
        grant,
        id: grantId(grant, index),
        match: retiring === 'direct' ? 'direct' : (issuing ?? retiring)!,
        retiring: retiring !== undefined ? 'retiring-principal' : 'issuing-account',
      });
      continue;
    }
    const match = granteeMatch(grant.GranteePrincipal, caller);
    if (match === undefined) continue;
    const id = grantId(grant, index);
    let reason: string | undefined;
    if (operation === undefined) reason = `${action} is not a grant operation, so no grant can allow it`;
    else if (!grant.Operations.some((op) => op.toLowerCase() === actionKey)) reason = `it allows ${grant.Operations.join(', ')}, not ${operation}`;
    else if (actionKey === 'creategrant') reason = childGrantFailure(grant, request, context);
    else if (!NO_ENCRYPTION_CONTEXT.has(actionKey)) reason = encryptionContextFailure(grant, request);
    if (reason === undefined) allows.push({ grant, id, match });
    else if (explain) misses.push({ id, reason });
  }
  return { allows, misses };
}
