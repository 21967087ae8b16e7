import type { ResourceChange, ValuePath } from './plan';
import type { AttributeChange } from './report';

/**
 * Reading attribute values of a planned change. `after_unknown`, `before_sensitive` and
 * `after_sensitive` mirror the value's shape with `true` at unknown or sensitive leaves (or at a
 * whole unknown or sensitive branch), as the JSON output format documents.
 */
export const UNKNOWN_TEXT = '(known after apply)';
export const SENSITIVE_TEXT = '(sensitive value)';

export type Side = 'before' | 'after';

export type Attribute =
  | { readonly state: 'known'; readonly value: unknown }
  | { readonly state: 'unknown' }
  | { readonly state: 'sensitive' }
  | { readonly state: 'absent' };

function step(value: unknown, key: string | number): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
}

/** True when the mask marks the path or any branch above it. */
function masked(mask: unknown, path: ValuePath): boolean {
  let m = mask;
  if (m === true) return true;
  for (const key of path) {
    m = step(m, key);
    if (m === true) return true;
    if (m === undefined || m === null || m === false) return false;
  }
  return false;
}

/**
 * One attribute (or nested path) of the object before or after the change. A sensitive value is
 * read as it is: the JSON plan carries it in full, and `sensitive()` must not hide a policy from
 * the review (a pull request's author chooses what is marked). Only a sensitive value the plan
 * leaves out is `sensitive`.
 */
export function attribute(change: ResourceChange, side: Side, ...path: ValuePath): Attribute {
  if (side === 'after' && masked(change.afterUnknown, path)) return { state: 'unknown' };
  let value: unknown = side === 'before' ? change.before : change.after;
  for (const key of path) value = step(value, key);
  if (value !== undefined && value !== null) return { state: 'known', value };
  return masked(side === 'before' ? change.beforeSensitive : change.afterSensitive, path) ? { state: 'sensitive' } : { state: 'absent' };
}

/** A known string attribute, or undefined. */
export function knownString(change: ResourceChange, side: Side, ...path: ValuePath): string | undefined {
  const a = attribute(change, side, ...path);
  return a.state === 'known' && typeof a.value === 'string' ? a.value : undefined;
}

/**
 * The value as people may see it: sensitive leaves replaced by "(sensitive value)" and unknown
 * ones by "(known after apply)", as `terraform plan` prints them. Never shows a sensitive value.
 */
export function displayValue(change: ResourceChange, side: Side): unknown {
  const root = side === 'before' ? change.before : change.after;
  const sensitive = side === 'before' ? change.beforeSensitive : change.afterSensitive;
  const unknown = side === 'after' ? change.afterUnknown : false;
  const walk = (value: unknown, s: unknown, u: unknown): unknown => {
    if (s === true) return SENSITIVE_TEXT;
    if (u === true) return UNKNOWN_TEXT;
    if (Array.isArray(value) || Array.isArray(u)) {
      const length = Math.max(Array.isArray(value) ? value.length : 0, Array.isArray(u) ? u.length : 0);
      return Array.from({ length }, (_, i) => walk(step(value, i), step(s, i), step(u, i)));
    }
    if ((value !== null && typeof value === 'object') || (u !== null && typeof u === 'object' && u !== undefined)) {
      const keys = [...new Set([...Object.keys((value as object | null) ?? {}), ...Object.keys((u as object | null) ?? {})])].sort();
      return Object.fromEntries(keys.map((k) => [k, walk(step(value, k), step(s, k), step(u, k))]));
    }
    return value;
  };
  return root === null && unknown !== true ? null : walk(root, sensitive, unknown);
}

/**
 * Top-level attributes whose value changes, sorted, shown masked. A sensitive attribute that
 * changes is listed with its marker on both sides, as `terraform plan` lists it.
 */
export function changedAttributes(change: ResourceChange): AttributeChange[] {
  const before = (displayValue(change, 'before') ?? {}) as Record<string, unknown>;
  const after = (displayValue(change, 'after') ?? {}) as Record<string, unknown>;
  const rawBefore = (change.before ?? {}) as Record<string, unknown>;
  const rawAfter = (change.after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: AttributeChange[] = [];
  for (const key of keys) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    const differs = JSON.stringify(b) !== JSON.stringify(a) || JSON.stringify(rawBefore[key] ?? null) !== JSON.stringify(rawAfter[key] ?? null);
    if (differs) out.push({ path: key, before: b, after: a });
  }
  return out;
}

/** A displayed value on one line: the markers bare, as Terraform prints them, everything else as JSON. */
export function showValue(value: unknown): string {
  return value === UNKNOWN_TEXT || value === SENSITIVE_TEXT ? value : JSON.stringify(value);
}
