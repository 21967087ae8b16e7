import { InputError } from '../errors';
import type { ConditionBlock } from '../policy/document';
import type { RequestContext } from './context';
import { OPERATORS, type Operator } from './condition-operators';
import { literal } from './glob';
import type { ContextValue } from '../policy/kms-api';

/**
 * One operator-key pair of a Condition block. Semantics (IAM User Guide, "Condition operators",
 * "Single-valued vs. multivalued context keys", "...IfExists condition operators", "Condition
 * operator to check existence of condition keys"):
 * - several values for one key: OR; several keys or operators: AND;
 * - a missing key fails a positive operator and satisfies a negated one or an `...IfExists` one;
 * - a single-valued operator never matches a multivalued (list) request value (the page gives no
 *   reading; `authorizeKnowing` answers Unknown where ForAnyValue or ForAllValues would decide otherwise);
 * - `ForAllValues:` is true when the key is missing or empty, `ForAnyValue:` is false then.
 */
export interface CompiledCondition {
  readonly operator: string;
  readonly key: string;
  readonly keyLower: string;
  readonly kind: 'null' | 'single' | 'forAllValues' | 'forAnyValue';
  readonly ifExists: boolean;
  /** Undefined for an operator IAM does not know: the condition never matches. */
  readonly op?: Operator;
  readonly values: readonly string[];
  readonly hasVariables: boolean;
}

/**
 * `variables`: policy variables exist only in policy language version 2012-10-17; in older
 * documents `${...}` is literal text (IAM User Guide, "IAM JSON policy elements: Version").
 */
export function compileConditions(block: ConditionBlock | undefined, variables: boolean, field: string): CompiledCondition[] {
  const compiled: CompiledCondition[] = [];
  if (!block) return compiled;
  for (const operator of Object.keys(block)) {
    let name = operator;
    let kind: CompiledCondition['kind'] = 'single';
    const qualifier = /^(ForAllValues|ForAnyValue):/i.exec(name);
    if (qualifier) {
      kind = qualifier[1].toLowerCase() === 'forallvalues' ? 'forAllValues' : 'forAnyValue';
      name = name.slice(qualifier[0].length);
    }
    const ifExists = /IfExists$/i.test(name) && name.toLowerCase() !== 'ifexists';
    if (ifExists) name = name.slice(0, -'IfExists'.length);
    const lower = name.toLowerCase();
    if (lower === 'null' && kind === 'single') kind = 'null';
    const op = OPERATORS.get(lower);
    const entries = block[operator];
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
      throw new InputError(
        `${field}.${operator}`,
        entries,
        'must map condition keys to values',
        'write it as in AWS policies, e.g. {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}',
      );
    }
    for (const key of Object.keys(entries)) {
      const raw = entries[key];
      const list: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
      if (list.some((v) => typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number')) {
        throw new InputError(
          `${field}.${operator}.${key}`,
          raw,
          'must be a string, boolean or number, or a list of them',
          'write condition values as in AWS policies, e.g. "true" or ["a", "b"]',
        );
      }
      const values = list.map((v) => String(v));
      compiled.push({
        operator,
        key,
        keyLower: key.toLowerCase(),
        kind,
        ifExists,
        op: kind === 'null' ? undefined : op,
        values,
        hasVariables: variables && values.some((v) => v.includes('${')),
      });
    }
  }
  return compiled;
}

function asStrings(value: ContextValue): readonly string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'boolean' || typeof value === 'number') return [String(value)];
  return value;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Policy variables in condition values (IAM User Guide, "IAM policy elements: Variables and
 * tags"): `${aws:PrincipalAccount}`, `${key, 'default'}`, and `${*}`, `${?}`, `${$}` for the
 * literal characters. A variable whose key is missing and has no default makes the value
 * unusable: it matches nothing.
 */
function resolve(value: string, context: RequestContext, wildcards: boolean): string | undefined {
  let unresolved = false;
  const out = value.replace(VARIABLE, (_, inner: string) => {
    const body = inner.trim();
    if (body === '*' || body === '?') return wildcards ? literal(body) : body;
    if (body === '$') return '$';
    const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(body);
    const found = m ? context.get(m[1].toLowerCase()) : undefined;
    const text = found === undefined || Array.isArray(found) ? m?.[2] : asStrings(found)[0];
    if (text === undefined) {
      unresolved = true;
      return '';
    }
    return wildcards ? literal(text) : text;
  });
  return unresolved ? undefined : out;
}

function anyValueMatches(condition: CompiledCondition, op: Operator, requestValue: string, context: RequestContext): boolean {
  for (const value of condition.values) {
    const resolved = condition.hasVariables ? resolve(value, context, op.wildcards) : value;
    if (resolved !== undefined && op.test(requestValue, resolved)) return true;
  }
  return false;
}

/** The operator's verdict on one request value: "some value matches", or for negated operators "none does". */
function satisfies(condition: CompiledCondition, op: Operator, requestValue: string, context: RequestContext): boolean {
  return anyValueMatches(condition, op, requestValue, context) !== op.negated;
}

export function conditionHolds(condition: CompiledCondition, context: RequestContext): boolean {
  const present = context.get(condition.keyLower);
  if (condition.kind === 'null') {
    const goal = present === undefined ? 'true' : 'false';
    return condition.values.some((v) => v.toLowerCase() === goal);
  }
  const op = condition.op;
  if (!op) return false;
  if (present === undefined) {
    if (condition.kind === 'forAllValues' || condition.ifExists) return true;
    return condition.kind === 'single' && op.negated;
  }
  if (condition.kind === 'single') {
    return !Array.isArray(present) && satisfies(condition, op, asStrings(present)[0], context);
  }
  const values = asStrings(present);
  if (condition.kind === 'forAllValues') return values.every((v) => satisfies(condition, op, v, context));
  return values.some((v) => satisfies(condition, op, v, context));
}

/** Index of the first condition that fails, or -1: statements explain themselves by it. */
export function firstFailingCondition(conditions: readonly CompiledCondition[], context: RequestContext): number {
  for (let i = 0; i < conditions.length; i++) if (!conditionHolds(conditions[i], context)) return i;
  return -1;
}

function showValue(value: ContextValue | undefined): string {
  if (value === undefined) return 'no value';
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** "condition kms:GrantIsForAWSResource (Bool): expected true, request has false". */
export function describeFailure(condition: CompiledCondition, context: RequestContext): string {
  // A value with policy variables is shown with what it resolved to for this caller.
  const values = condition.values.map((v) => {
    if (!condition.hasVariables || !v.includes('${')) return v;
    return `${v} (here ${resolve(v, context, false) ?? 'unresolved'})`;
  });
  const expected = values.length === 1 ? values[0] : `one of [${values.join(', ')}]`;
  const how = condition.op === undefined && condition.kind !== 'null' ? ' (an operator IAM does not know)' : '';
  return `condition ${condition.key} (${condition.operator}${how}): expected ${expected}, request has ${showValue(context.get(condition.keyLower))}`;
}
