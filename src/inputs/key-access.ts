import type { Grant, KeyAccessInputs } from '../evaluator/types';
import type { PolicyDocument } from '../policy/document';
import { readGrants } from './grants';
import { KeyArnChoice, keyOwner, namedKeyArns, parseKmsArn, resolveKeyArn } from './key-arn';
import { readPolicy } from './policy-document';

/** The policy-input flags `explain` and `doctor` share (ARCHITECTURE.md, CLI contract). */
export interface KeyAccessFlags {
  readonly keyPolicy: string;
  readonly keyArn?: string;
  readonly iamPolicy: readonly string[];
  readonly grants?: string;
  readonly scp: readonly string[];
}

export interface LoadedKeyAccess {
  readonly keyArn: KeyArnChoice;
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies: readonly PolicyDocument[];
  /** Undefined when `--grants` was not given: counted as none, and reports say so. */
  readonly grants?: readonly Grant[];
  readonly scps: readonly PolicyDocument[];
  /** Facts about the inputs a reader must know to trust the result (placeholders, truncation). */
  readonly notes: readonly string[];
}

export async function loadKeyAccess(flags: KeyAccessFlags): Promise<LoadedKeyAccess> {
  const keyPolicy = readPolicy({ flag: '--key-policy', file: flags.keyPolicy }, 'key');
  const identityPolicies = flags.iamPolicy.map((file) => readPolicy({ flag: '--iam-policy', file }, 'identity'));
  const scps = flags.scp.map((file) => readPolicy({ flag: '--scp', file }, 'scp'));
  const grantList = flags.grants === undefined ? undefined : readGrants({ flag: '--grants', file: flags.grants });
  const keyArn = resolveKeyArn(flags.keyArn, keyPolicy, namedKeyArns(grantList?.grants ?? [], identityPolicies));

  const notes: string[] = [];
  if (keyArn.source === 'placeholder') {
    notes.push(`no --key-arn given: using the placeholder ${keyArn.arn} in the key policy's account; pass --key-arn for exact Resource, region and kms:ViaService matching`);
  } else if (keyArn.source === 'inputs') {
    notes.push(`no --key-arn given: using ${keyArn.arn}, the key the grants or IAM policies name`);
  } else {
    const owner = keyOwner(keyPolicy);
    const account = parseKmsArn(keyArn.arn)?.account;
    if (owner && account !== owner.account) notes.push(`the key ARN is in account ${account} but the key policy belongs to account ${owner.account}: is it the right policy?`);
  }
  if (grantList?.truncated) notes.push('the grants list is truncated (Truncated: true): pass every page of `aws kms list-grants`');
  for (const g of grantList?.grants ?? []) {
    if (keyArn.source === 'flag' && g.KeyId !== keyArn.arn && !keyArn.arn.endsWith(`/${g.KeyId}`)) notes.push(`grant ${g.GrantId ?? g.Name ?? g.GranteePrincipal} is for ${g.KeyId}, not ${keyArn.arn}`);
  }
  return { keyArn, keyPolicy, identityPolicies, grants: grantList?.grants, scps, notes };
}

/** The evaluator's inputs; absent grants count as none. */
export function keyAccessInputs(loaded: LoadedKeyAccess, parts: { identity: boolean; grants: boolean; scps: boolean }): KeyAccessInputs {
  return {
    keyArn: loaded.keyArn.arn,
    keyPolicy: loaded.keyPolicy,
    identityPolicies: parts.identity ? loaded.identityPolicies : [],
    grants: parts.grants ? (loaded.grants ?? []) : [],
    scps: parts.scps ? loaded.scps : [],
  };
}
