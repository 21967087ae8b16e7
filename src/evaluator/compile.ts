import { InputError } from '../errors';
import { keyPolicyStatementMissing, statementId, type PolicyDocument, type PolicyStatement, type PrincipalBlock } from '../policy/document';

/** The field name `authorize` gives the key policy. */
export const KEY_POLICY_FIELD = 'keyPolicy';
import { compileActions, matchAction, type ActionMatcher } from './actions';
import { compileConditions, type CompiledCondition } from './conditions';
import { compilePrincipal, type PrincipalMatcher } from './principal';
import { compileResources, type ResourceMatcher } from './resources';

export interface CompiledStatement {
  /** Sid, or `Statement[i]` where there is none. */
  readonly id: string;
  /** Position in the document. */
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
  /** Undefined in identity policies and SCPs, whose principal is implied. */
  readonly principal?: PrincipalMatcher;
  readonly notPrincipal?: PrincipalMatcher;
  readonly actions: ActionMatcher;
  readonly resources: ResourceMatcher;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
  /** `statementsFor`'s per-action index, filled on first use. */
  readonly byAction: Map<string, ActionIndex>;
}

/**
 * Policies are compiled once and reused: `check` decides thousands of requests against the same
 * few documents. Keyed by object identity, so a document must not be mutated after first use.
 */
const compiled = new WeakMap<PolicyDocument, CompiledPolicy>();

/**
 * `field` names the document in messages, `field[index]` with an index (named only when compiling:
 * building the name per request cost check more than the lookup); `keyPolicy` is the key policy,
 * whose incomplete statements have no effect.
 */
export function compilePolicy(doc: PolicyDocument, field: string, index?: number): CompiledPolicy {
  let policy = compiled.get(doc);
  if (!policy) {
    policy = compile(doc, index === undefined ? field : `${field}[${index}]`);
    compiled.set(doc, policy);
  }
  return policy;
}

interface ActionIndex {
  /** Statements that may name a caller of any account. */
  readonly open: readonly CompiledStatement[];
  readonly byAccount: ReadonlyMap<string, readonly CompiledStatement[]>;
  /** `open` merged with `byAccount`'s statements in policy order, per account, filled on first use. */
  readonly merged: Map<string, readonly CompiledStatement[]>;
}

function indexAction(policy: CompiledPolicy, actionKey: string): ActionIndex {
  const open: CompiledStatement[] = [];
  const byAccount = new Map<string, CompiledStatement[]>();
  for (const s of policy.statements) {
    if (!matchAction(s.actions, actionKey)) continue;
    const block = s.principal ?? s.notPrincipal;
    if (!block || s.notPrincipal || block.open) {
      open.push(s);
      continue;
    }
    for (const account of block.namedAccounts) {
      const list = byAccount.get(account);
      if (list) list.push(s);
      else byAccount.set(account, [s]);
    }
  }
  return { open, byAccount, merged: new Map() };
}

/**
 * The statements that can apply to an action and a caller of `account` (undefined: a service
 * principal), in policy order so traces and messages list them as the document does. A key
 * policy with a statement per consumer account is indexed once per action, not scanned per request.
 */
export function statementsFor(policy: CompiledPolicy, actionKey: string, account: string | undefined): readonly CompiledStatement[] {
  let index = policy.byAction.get(actionKey);
  if (!index) {
    index = indexAction(policy, actionKey);
    policy.byAction.set(actionKey, index);
  }
  // Most callers are named by no statement (organization mode names none): no per-account entry to build or look up.
  const named = account === undefined ? undefined : index.byAccount.get(account);
  if (!named) return index.open;
  let statements = index.merged.get(account!);
  if (!statements) {
    statements = [...index.open, ...named].sort((a, b) => a.index - b.index);
    index.merged.set(account!, statements);
  }
  return statements;
}

function compile(doc: PolicyDocument, field: string): CompiledPolicy {
  if (!doc || typeof doc !== 'object' || doc.Statement === undefined) {
    throw new InputError(
      field,
      doc,
      'is not a policy document (no Statement)',
      'pass a JSON policy document: {"Version": "2012-10-17", "Statement": [...]}',
    );
  }
  // AWS accepts a single statement object in place of the list.
  const statements: readonly PolicyStatement[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement as PolicyStatement];
  const variables = doc.Version === '2012-10-17';
  const compiledStatements = statements.map((s, i) => compileStatement(s, i, `${field}.Statement[${i}]`, variables));
  // A key policy statement without Resource or Action has no effect (keyPolicyStatementMissing).
  const effective =
    field === KEY_POLICY_FIELD ? compiledStatements.filter((_, i) => keyPolicyStatementMissing(statements[i]) === undefined) : compiledStatements;
  return { statements: effective, byAction: new Map() };
}

/** A string or list of strings, as the policy grammar allows; anything else is bad input. */
function strings(value: unknown, field: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
    throw new InputError(
      field,
      value,
      'must be a string or a list of strings',
      'write it as in AWS policies, e.g. "kms:Decrypt" or ["kms:Decrypt", "kms:Encrypt"]',
    );
  }
  return values;
}

function principalBlock(value: unknown, field: string): PrincipalBlock | undefined {
  if (value === undefined || value === '*') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      field,
      value,
      'must be "*" or an object such as {"AWS": [...]}',
      'write it as in AWS policies, e.g. {"AWS": "arn:aws:iam::111122223333:root"}',
    );
  }
  const block = value as Record<string, unknown>;
  for (const key of Object.keys(block)) strings(block[key], `${field}.${key}`);
  return block as PrincipalBlock;
}

function compileStatement(s: PolicyStatement, index: number, field: string, variables: boolean): CompiledStatement {
  if (!s || typeof s !== 'object')
    throw new InputError(field, s, 'is not a policy statement', 'give each statement as an object with Effect, Action and Resource');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw new InputError(`${field}.Effect`, s.Effect, 'must be "Allow" or "Deny"', 'set Effect to "Allow" or "Deny"');
  }
  const notAction = strings(s.NotAction, `${field}.NotAction`);
  const notResource = strings(s.NotResource, `${field}.NotResource`);
  const principal = principalBlock(s.Principal, `${field}.Principal`);
  const notPrincipal = principalBlock(s.NotPrincipal, `${field}.NotPrincipal`);
  if (s.Condition !== undefined && (!s.Condition || typeof s.Condition !== 'object' || Array.isArray(s.Condition))) {
    throw new InputError(
      `${field}.Condition`,
      s.Condition,
      'must be an object of operators',
      'write it as in AWS policies, e.g. {"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}}',
    );
  }
  return {
    id: statementId(s, index),
    index,
    effect: s.Effect,
    principal: principal === undefined ? undefined : compilePrincipal(principal),
    notPrincipal: notPrincipal === undefined ? undefined : compilePrincipal(notPrincipal),
    actions: notAction ? compileActions(notAction, true) : compileActions(strings(s.Action, `${field}.Action`) ?? [], false),
    resources: notResource ? compileResources(notResource, true) : compileResources(strings(s.Resource, `${field}.Resource`) ?? ['*'], false),
    conditions: compileConditions(s.Condition, variables, `${field}.Condition`),
  };
}
