import { InputError } from '../errors';
import type { KeyAccessInputs } from '../evaluator';
import { keyPolicyStatementMissing, type PolicyDocument, type PolicyStatement } from '../policy/document';
import { readGrants } from './grants';
import { KeyArnChoice, keyPolicyOwner, namedKeyArns, resolveKeyArn } from './key-arn';
import { arnPartitionField, parseKmsArn } from '../policy/arns';
import { readPolicy } from './policy-document';
import type { Grant } from '../policy/kms-api';

/** The policy-input flags `explain` and `doctor` share (ARCHITECTURE.md, CLI contract). */
export interface KeyAccessFlags {
  readonly keyPolicy: string;
  readonly keyArn?: string;
  readonly iamPolicy: readonly string[];
  readonly grants?: string;
  readonly scp: readonly string[];
  readonly rcp?: readonly string[];
  readonly keyInManagementAccount?: boolean;
  readonly permissionsBoundary?: string;
}

export interface LoadedKeyAccess {
  readonly keyArn: KeyArnChoice;
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies: readonly PolicyDocument[];
  /** Undefined when `--grants` was not given: counted as none, and reports say so. */
  readonly grants?: readonly Grant[];
  readonly scps: readonly PolicyDocument[];
  /** RCPs bounding the key's account; absent counts as none. */
  readonly rcps?: readonly PolicyDocument[];
  readonly keyInManagementAccount?: boolean;
  readonly permissionsBoundary?: PolicyDocument;
  /** Facts about the inputs a reader must know to trust the result (placeholders, truncation). */
  readonly notes: readonly string[];
}

/**
 * Every SCP on the path must allow a request (Organizations User Guide, "SCP evaluation"); AWS
 * attaches FullAWSAccess to every root, OU and account, and deny-list SCPs rely on it.
 */
const FULL_AWS_ACCESS: PolicyStatement = { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' };
/**
 * "The effect of `Allow` is only supported for the `RCPFullAWSAccess` policy" (Organizations User
 * Guide, "RCP syntax", https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html):
 * any other Allow is not an RCP AWS would accept. The evaluator reads only an RCP's Deny statements.
 */
function isRcpFullAwsAccess(s: PolicyStatement): boolean {
  return s.Principal === '*' && s.Action === '*' && s.Resource === '*' && s.Condition === undefined && s.NotAction === undefined;
}

export async function loadKeyAccess(flags: KeyAccessFlags): Promise<LoadedKeyAccess> {
  const keyPolicy = readPolicy({ flag: '--key-policy', file: flags.keyPolicy }, 'key');
  const identityPolicies = flags.iamPolicy.map((file) => readPolicy({ flag: '--iam-policy', file }, 'identity'));
  const notes: string[] = keyPolicy.Statement.flatMap((s, i) => {
    const missing = keyPolicyStatementMissing(s);
    return missing
      ? [`key policy statement ${s.Sid ?? `Statement[${i}]`} has no ${missing}, so it has no effect (KMS developer guide, "Creating a key policy")`]
      : [];
  });
  const scps = flags.scp.map((file) => {
    const scp = readPolicy({ flag: '--scp', file }, 'scp');
    if (scp.Statement.some((st) => st.Effect === 'Allow')) return scp;
    notes.push(`SCP ${file} only denies: read as a deny-list SCP attached beside FullAWSAccess, as AWS attaches it by default`);
    return { ...scp, Statement: [...scp.Statement, FULL_AWS_ACCESS] };
  });
  const rcps = (flags.rcp ?? []).map((file) => {
    const rcp = readPolicy({ flag: '--rcp', file }, 'rcp');
    const i = rcp.Statement.findIndex((st) => st.Effect === 'Allow' && !isRcpFullAwsAccess(st));
    if (i >= 0) {
      throw new InputError(
        `--rcp ${file}: Statement[${i}].Effect`,
        'Allow',
        'is not an RCP AWS accepts: the effect of Allow is only supported for the RCPFullAWSAccess policy (Organizations User Guide, "RCP syntax")',
        'write the restriction as a Deny statement; RCPFullAWSAccess is attached to every level already',
      );
    }
    return rcp;
  });
  const permissionsBoundary =
    flags.permissionsBoundary === undefined ? undefined : readPolicy({ flag: '--permissions-boundary', file: flags.permissionsBoundary }, 'boundary');
  const grantList = flags.grants === undefined ? undefined : readGrants({ flag: '--grants', file: flags.grants });
  const keyArn = resolveKeyArn(flags.keyArn, keyPolicy, namedKeyArns(grantList?.grants ?? [], identityPolicies));

  if (keyArn.source === 'placeholder') {
    notes.push(
      `no --key-arn given: using the placeholder ${keyArn.arn} in the key policy's account; pass --key-arn for exact Resource, region and kms:ViaService matching`,
    );
  } else if (keyArn.source === 'inputs') {
    notes.push(`no --key-arn given: using ${keyArn.arn}, the key the grants or IAM policies name`);
  } else if (keyArn.awsManagedAlias) {
    notes.push(
      `--key-arn names the AWS managed key ${keyArn.awsManagedAlias}: deciding with the placeholder ${keyArn.arn} in its account and region`,
    );
  } else {
    const owner = keyPolicyOwner(keyPolicy);
    const account = parseKmsArn(keyArn.arn)?.account;
    if (owner && account !== owner.account)
      notes.push(`the key ARN is in account ${account} but the key policy belongs to account ${owner.account}: is it the right policy?`);
  }
  assertOnePartition(flags.keyPolicy, keyPolicy, keyArn.arn);
  if (grantList?.truncated) notes.push('the grants list is truncated (Truncated: true): pass every page of `aws kms list-grants`');
  for (const g of grantList?.grants ?? []) {
    if (keyArn.source === 'flag' && g.KeyId !== keyArn.arn && !keyArn.arn.endsWith(`/${g.KeyId}`))
      notes.push(`grant ${g.GrantId ?? g.Name ?? g.GranteePrincipal} is for ${g.KeyId}, not ${keyArn.arn}`);
  }
  return {
    keyArn,
    keyPolicy,
    identityPolicies,
    grants: grantList?.grants,
    scps,
    rcps,
    keyInManagementAccount: flags.keyInManagementAccount === true,
    ...(permissionsBoundary && { permissionsBoundary }),
    notes,
  };
}

/** The evaluator's inputs; absent grants count as none. */
export function keyAccessInputs(loaded: LoadedKeyAccess, parts: { identity: boolean; grants: boolean; scps: boolean }): KeyAccessInputs {
  return {
    keyArn: loaded.keyArn.arn,
    keyPolicy: loaded.keyPolicy,
    identityPolicies: parts.identity ? loaded.identityPolicies : [],
    grants: parts.grants ? (loaded.grants ?? []) : [],
    scps: parts.scps ? loaded.scps : [],
    rcps: loaded.rcps ?? [],
    keyInManagementAccount: loaded.keyInManagementAccount === true,
    awsManagedKey: isAwsManaged(loaded),
    ...(parts.identity && loaded.permissionsBoundary && { permissionsBoundary: loaded.permissionsBoundary }),
  };
}

/** Named by an `alias/aws/` alias, or with the AWS managed key policy's shape. */
export function isAwsManaged(loaded: LoadedKeyAccess): boolean {
  return loaded.keyArn.awsManagedAlias !== undefined || keyPolicyOwner(loaded.keyPolicy)?.from === 'aws-managed';
}

/**
 * KMS refuses a key policy naming principals that do not exist (PutKeyPolicy,
 * MalformedPolicyDocumentException), and no principal of another partition exists in the key's:
 * such a document cannot be this key's policy, and deciding with it would match those principals
 * by account alone.
 */
function assertOnePartition(file: string, policy: PolicyDocument, keyArn: string): void {
  const partition = parseKmsArn(keyArn)?.partition;
  if (partition === undefined) return;
  policy.Statement.forEach((s, i) => {
    for (const [element, block] of [
      ['Principal', s.Principal],
      ['NotPrincipal', s.NotPrincipal],
    ] as const) {
      if (!block || typeof block !== 'object') continue;
      for (const [kind, values] of Object.entries(block)) {
        const foreign = [values].flat().find((arn) => typeof arn === 'string' && (arnPartitionField(arn) ?? partition) !== partition);
        if (foreign === undefined) continue;
        throw new InputError(
          `--key-policy ${file}: Statement[${i}].${element}.${kind}`,
          foreign,
          `is in partition ${arnPartitionField(foreign)}, but the key ${keyArn} is in ${partition}; KMS accepts only principals of the key's own partition`,
          `write arn:${partition}:... principals, or pass the key ARN of the right partition with --key-arn`,
        );
      }
    }
  });
}

/**
 * AWS partitions are isolated (ARN reference: "partition"): a principal of one never calls a key
 * of another, so such a request is a mistake in the input, not a question with an answer.
 */
export function assertSamePartition(field: string, principal: string, keyArn: string): void {
  const key = parseKmsArn(keyArn)?.partition;
  const own = arnPartitionField(principal);
  if (key === undefined || own === undefined || own === key) return;
  throw new InputError(
    field,
    principal,
    `is in partition ${own}, but the key ${keyArn} is in ${key}; AWS partitions are isolated, so this request cannot reach the key`,
    `give a principal of partition ${key} (arn:${key}:iam::...), or the ARN of the key in partition ${own} with --key-arn`,
  );
}
