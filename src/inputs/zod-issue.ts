import type { z } from 'zod';
import { fieldPath } from '../config';
import { InputError } from '../errors';
import { Origin, where } from './json-file';

export function joinPath(prefix: string, inner: string): string {
  return prefix && inner ? `${prefix}${inner.startsWith('[') ? '' : '.'}${inner}` : prefix || inner;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const p of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  return value;
}

/** The first issue of a failed parse as one InputError line. */
export function inputErrorFromZod(origin: Origin, prefix: string, root: unknown, error: z.ZodError, fix: string): InputError {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    return new InputError(where(origin, joinPath(prefix, fieldPath([...issue.path, key]))), key, 'is not an element AWS knows here (a typo?)', fix);
  }
  const path = joinPath(prefix, fieldPath(issue.path));
  return new InputError(where(origin, path || undefined), valueAt(root, issue.path), issue.message, fix);
}
