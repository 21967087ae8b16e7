import { authorizeDecision, authorizeInContext } from './authorize';
import { compilePolicy, KEY_POLICY_FIELD, type CompiledPolicy } from './compile';
import type { AuthorizationResult, KeyAccessInputs } from './types';
import type { ContextEntry, ContextValue, KmsRequest } from '../policy/kms-api';
import { ENCRYPTION_CONTEXT_PREFIX } from '../policy/conditions';
import type { ConditionBlock, PolicyDocument } from '../policy/document';
import { isMultiValuedKey } from './key-catalog';

/**
 * A decision that may rest on context the caller did not give. `dependsOn` names the keys whose
 * value would change whether the request is allowed: then the outcome is unknown, neither allowed
 * nor denied. A condition on a key the request may carry but that was not given is unknown, not
 * false (IAM User Guide, "AWS global condition context keys": many keys are in the request context
 * only in some cases; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 */
export interface Verdict {
  /** The decision with every unknown key absent, and its trace. */
  readonly result: AuthorizationResult;
  /** Keys (as the policies spell them) whose value decides the request; empty when it is decided. */
  readonly dependsOn: readonly string[];
}

/** A `dependsOn` entry that is a condition key; the others are sentences naming an AWS page that does not decide. */
export function isConditionKey(entry: string): boolean {
  return !/\s/.test(entry);
}

export function isUnknown(v: Verdict): boolean {
  return v.dependsOn.length > 0;
}

/**
 * "Multivalued context keys require a condition set operator" (IAM User Guide, "Single-valued vs.
 * multivalued context keys"); the page does not say how a condition without one reads a key the
 * request carries several values of, so when reading it as ForAnyValue or as ForAllValues changes the
 * answer, the answer is unknown, naming the page.
 */
export const NO_SET_OPERATOR =
  'a condition tests a multivalued key the request carries without ForAnyValue or ForAllValues, which the IAM User Guide ("Single-valued vs. multivalued context keys", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html) says "require a condition set operator" without saying how one without is read';

const SET_QUALIFIER = /^(ForAllValues|ForAnyValue):/i;

/** `doc` with each operator that lacks a set qualifier and tests a key in `listKeys` qualified by `qualifier`. */
function qualified<T extends { Statement: readonly { Condition?: ConditionBlock }[] }>(doc: T, listKeys: ReadonlySet<string>, qualifier: string): T {
  return {
    ...doc,
    Statement: doc.Statement.map((st) => {
      if (!st.Condition) return st;
      const condition: ConditionBlock = {};
      for (const [operator, entries] of Object.entries(st.Condition)) {
        for (const [k, v] of Object.entries(entries)) {
          const name =
            SET_QUALIFIER.test(operator) || operator.toLowerCase() === 'null' || !listKeys.has(k.toLowerCase())
              ? operator
              : `${qualifier}:${operator}`;
          condition[name] = { ...condition[name], [k]: v };
        }
      }
      return { ...st, Condition: condition };
    }),
  };
}

/**
 * The keys (lower case) a document tests with an operator that has no set qualifier and is not
 * Null; computed once per document, since check asks the same few documents thousands of times.
 */
const unqualifiedKeys = new WeakMap<PolicyDocument, ReadonlySet<string>>();

function unqualifiedKeysOf(doc: PolicyDocument): ReadonlySet<string> {
  let keys = unqualifiedKeys.get(doc);
  if (!keys) {
    keys = new Set(
      doc.Statement.flatMap((st) =>
        Object.entries(st.Condition ?? {})
          .filter(([operator]) => !SET_QUALIFIER.test(operator) && operator.toLowerCase() !== 'null')
          .flatMap(([, entries]) => Object.keys(entries).map((k) => k.toLowerCase())),
      ),
    );
    unqualifiedKeys.set(doc, keys);
  }
  return keys;
}

function setOperatorDecides(inputs: KeyAccessInputs, request: KmsRequest, context: ReadonlyMap<string, unknown>, allowed: boolean): boolean {
  const listKeys = new Set<string>();
  for (const [k, v] of context) if (Array.isArray(v)) listKeys.add(k);
  if (listKeys.size === 0) return false;
  const docs = [
    inputs.keyPolicy,
    ...(inputs.identityPolicies ?? []),
    ...(inputs.scps ?? []),
    ...(inputs.rcps ?? []),
    ...(inputs.permissionsBoundary ? [inputs.permissionsBoundary] : []),
  ];
  const unqualified = docs.some((d) => [...listKeys].some((k) => unqualifiedKeysOf(d).has(k)));
  if (!unqualified) return false;
  return ['ForAnyValue', 'ForAllValues'].some((qualifier) => {
    const q = <T extends { Statement: readonly { Condition?: ConditionBlock }[] }>(d: T) => qualified(d, listKeys, qualifier);
    const reading: KeyAccessInputs = {
      ...inputs,
      keyPolicy: q(inputs.keyPolicy),
      ...(inputs.identityPolicies && { identityPolicies: inputs.identityPolicies.map(q) }),
      ...(inputs.scps && { scps: inputs.scps.map(q) }),
      ...(inputs.rcps && { rcps: inputs.rcps.map(q) }),
      ...(inputs.permissionsBoundary && { permissionsBoundary: q(inputs.permissionsBoundary) }),
    };
    return (authorizeDecision(reading, request) === 'Allowed') !== allowed;
  });
}

/** A stand-in that matches no policy value: what "some other value" of the key decides. */
const OTHER_VALUE = 'keyshare-other-value';
const MAX_COMBINATIONS = 128;

interface Candidates {
  readonly key: string;
  readonly values: readonly (ContextValue | undefined)[];
  /** An encryption-context key: its values replace the request's encryption context, never absent. */
  readonly encryption?: string;
}

function policies(inputs: KeyAccessInputs): CompiledPolicy[] {
  return [
    compilePolicy(inputs.keyPolicy, KEY_POLICY_FIELD),
    ...(inputs.identityPolicies ?? []).map((doc, i) => compilePolicy(doc, 'identityPolicies', i)),
    ...(inputs.scps ?? []).map((doc, i) => compilePolicy(doc, 'scps', i)),
    ...(inputs.rcps ?? []).map((doc, i) => compilePolicy(doc, 'rcps', i)),
    ...(inputs.permissionsBoundary ? [compilePolicy(inputs.permissionsBoundary, 'permissionsBoundary')] : []),
  ];
}

interface KeyUse {
  readonly key: string;
  readonly keyLower: string;
  readonly multi: boolean;
  readonly values: readonly string[];
}

/**
 * The condition keys a policy tests for which `unknown` holds, with their literal values; computed
 * once per compiled policy and predicate, since check asks the same few policies thousands of times.
 */
const keyUses = new WeakMap<CompiledPolicy, WeakMap<(key: string) => boolean, readonly KeyUse[]>>();

function unknownUsesOf(policy: CompiledPolicy, unknown: (key: string) => boolean): readonly KeyUse[] {
  let byPredicate = keyUses.get(policy);
  if (!byPredicate) keyUses.set(policy, (byPredicate = new WeakMap()));
  let uses = byPredicate.get(unknown);
  if (!uses) {
    uses = policy.statements.flatMap((statement) =>
      statement.conditions
        .filter((c) => unknown(c.key))
        .map((c) => ({
          key: c.key,
          keyLower: c.keyLower,
          multi: c.kind === 'forAllValues' || c.kind === 'forAnyValue' || isMultiValuedKey(c.key),
          values: c.kind === 'null' ? [] : c.values.filter((v) => !v.includes('${')).flatMap((v) => c.op?.witnesses(v) ?? [v]),
        })),
    );
    byPredicate.set(unknown, uses);
  }
  return uses;
}

/** For each unknown key the policies test and the request lacks: absent, each literal value the policies test, another value. */
function candidatesOf(
  inputs: KeyAccessInputs,
  request: KmsRequest,
  unknown: (key: string) => boolean,
  derived: ReadonlyMap<string, unknown>,
): Candidates[] {
  const uses = policies(inputs).flatMap((policy) => unknownUsesOf(policy, unknown));
  if (uses.length === 0) return [];
  // A key given (with a value or as absent) or derived by keyshare is known. The context holds
  // every key given with a value: the given names are lowered only for a key it lacks.
  let given: Set<string> | undefined;
  const byKey = new Map<string, { key: string; multi: boolean; values: Set<string> }>();
  for (const use of uses) {
    if (derived.has(use.keyLower)) continue;
    given ??= new Set(Object.keys(request.context ?? {}).map((k) => k.toLowerCase()));
    if (given.has(use.keyLower)) continue;
    let entry = byKey.get(use.keyLower);
    if (!entry) byKey.set(use.keyLower, (entry = { key: use.key, multi: false, values: new Set() }));
    if (use.multi) entry.multi = true;
    for (const v of use.values) entry.values.add(v);
  }
  return [...byKey.values()]
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map(({ key, multi, values }) => {
      const shaped = (v: string): ContextValue => (multi ? [v] : v);
      return { key, values: [undefined, ...[...values].sort().map(shaped), shaped(OTHER_VALUE)] };
    });
}

const EC_PREFIX = ENCRYPTION_CONTEXT_PREFIX.toLowerCase();

/**
 * For each encryption-context key whose value the request carries but keyshare cannot know (EBS's
 * `aws:ebs:id` of a volume the launch is about to create): the stand-in, and each wildcard pattern a
 * policy tests on `kms:EncryptionContext:<key>`. A literal ID, in a policy or a grant's constraint,
 * names an existing volume, never the new one, so the stand-in decides it.
 */
function encryptionContextCandidates(inputs: KeyAccessInputs, request: KmsRequest): Candidates[] {
  return (request.unknownEncryptionContext ?? []).map((name) => {
    const conditionKey = `${EC_PREFIX}${name.toLowerCase()}`;
    const patterns = new Set<string>();
    for (const policy of policies(inputs))
      for (const statement of policy.statements)
        for (const c of statement.conditions)
          if (c.keyLower === conditionKey && c.kind !== 'null') for (const v of c.values) if (!v.includes('${') && /[*?]/.test(v)) patterns.add(v);
    const standIn = request.encryptionContext?.[name];
    return { key: `${ENCRYPTION_CONTEXT_PREFIX}${name}`, values: [standIn, ...[...patterns].sort()], encryption: name };
  });
}

/** Keeps the product of the candidate lists small: absent, one policy value, another value. */
function bounded(candidates: Candidates[]): Candidates[] {
  const size = candidates.reduce((n, c) => n * c.values.length, 1);
  if (size <= MAX_COMBINATIONS) return candidates;
  return candidates.map((c) => ({ ...c, values: c.values.length > 3 ? [c.values[0], c.values[1], c.values[c.values.length - 1]] : c.values }));
}

/**
 * Decides `request`, and whether the answer depends on a key for which `unknown(key)` holds and
 * that the request's context lacks: the request is decided again with each such key absent, set to
 * each value the policies test, and set to another value. If whether it is allowed changes, the
 * keys that changed it are returned in `dependsOn`.
 */
export function authorizeKnowing(inputs: KeyAccessInputs, request: KmsRequest, unknown: (key: string) => boolean): Verdict {
  const { result, context: derived } = authorizeInContext(inputs, request);
  // A Deny the page leaves undecided makes the answer unknown whatever the context.
  if (result.undecided) return { result, dependsOn: result.undecided };
  if (setOperatorDecides(inputs, request, derived, result.decision === 'Allowed')) return { result, dependsOn: [NO_SET_OPERATOR] };
  const candidates = bounded([...candidatesOf(inputs, request, unknown, derived), ...encryptionContextCandidates(inputs, request)]);
  if (candidates.length === 0) return { result, dependsOn: [] };
  const allowed = new Map<string, boolean>();
  const combination: number[] = candidates.map(() => 0);
  const walk = (i: number): void => {
    if (i === candidates.length) {
      // Every unknown key absent (value 0) is the request itself, already decided.
      if (combination.every((v) => v === 0)) {
        allowed.set(combination.join(','), result.decision === 'Allowed');
        return;
      }
      const context: Record<string, ContextEntry> = { ...request.context };
      const encryptionContext: Record<string, string> = { ...request.encryptionContext };
      candidates.forEach((c, j) => {
        const value = c.values[combination[j]];
        if (c.encryption !== undefined) encryptionContext[c.encryption] = String(value);
        else if (value !== undefined) context[c.key] = value;
      });
      allowed.set(combination.join(','), authorizeDecision(inputs, { ...request, context, encryptionContext }) === 'Allowed');
      return;
    }
    for (let v = 0; v < candidates[i].values.length; v++) {
      combination[i] = v;
      walk(i + 1);
    }
  };
  walk(0);
  // A key decides when two combinations that differ in it alone are decided differently.
  const dependsOn = candidates
    .filter((_, j) =>
      [...allowed.entries()].some(([id, ok]) => {
        const parts = id.split(',');
        return candidates[j].values.some((_, v) => {
          const other = allowed.get([...parts.slice(0, j), String(v), ...parts.slice(j + 1)].join(','));
          return other !== undefined && other !== ok;
        });
      }),
    )
    .map((c) => c.key);
  return { result, dependsOn };
}
