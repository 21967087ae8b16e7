import { InputError } from '../errors';
import { DEFAULT_PARTITION, KmsArnParts, parseKmsArn, Partition, placeholderKeyArn } from '../policy/arns';
import { ALIAS_PREFIX, AWS_MANAGED_ALIAS_PREFIX } from '../policy/formats';
import { CALLER_ACCOUNT, VIA_SERVICE } from '../policy/conditions';
import { listOf, type PolicyDocument, type StringOrList } from '../policy/document';
import type { Grant } from '../policy/kms-api';
import { rootAccount, rootDelegation } from '../policy/reading';

/** AWS-managed keys are named `alias/aws/<service>`; their key policy cannot be changed. */
function isAwsManagedAlias(arn: string): boolean {
  return parseKmsArn(arn)?.resource.startsWith(`${ALIAS_PREFIX}${AWS_MANAGED_ALIAS_PREFIX}`) ?? false;
}

/**
 * A key ARN, or an AWS-managed key's alias ARN (kept so `doctor` can say it cannot be shared).
 * Other aliases are refused: grants across accounts need the key ARN (KMS API reference, CreateGrant, KeyId).
 */
export function validKeyArn(field: string, arn: string): string {
  const parts = parseKmsArn(arn);
  if (parts?.resource.startsWith(ALIAS_PREFIX) && !isAwsManagedAlias(arn)) {
    throw new InputError(
      field,
      arn,
      'an alias ARN, but KMS needs the key ARN across accounts',
      `give the key ARN: aws kms describe-key --key-id ${arn} --query KeyMetadata.Arn`,
    );
  }
  if (!parts) throw new InputError(field, arn, 'not a KMS key ARN', 'give arn:aws:kms:<region>:<account>:key/<key id>');
  return arn;
}

export interface KeyPolicyOwner {
  readonly partition: Partition;
  readonly account: string;
  /** How it was read: the root delegation statement, or the caller-account condition of an AWS-managed key policy. */
  readonly from: 'root-delegation' | 'aws-managed';
}

/**
 * AWS-managed key policies (`aws/ebs` and the like) have an `auto-<service>` Id and let every
 * principal of one account use the key only through one service: `kms:CallerAccount` with `kms:ViaService`.
 */
function awsManagedKeyAccount(policy: PolicyDocument): string | undefined {
  for (const statement of policy.Statement) {
    const equals = statement.Condition?.StringEquals;
    const account = equals?.[CALLER_ACCOUNT];
    if (statement.Effect === 'Allow' && typeof account === 'string' && equals?.[VIA_SERVICE] !== undefined) {
      if (policy.Id?.startsWith('auto-') || !rootDelegation(policy)) return account;
    }
  }
  return undefined;
}

export function keyPolicyOwner(policy: PolicyDocument): KeyPolicyOwner | undefined {
  const managed = awsManagedKeyAccount(policy);
  if (managed) return { partition: partitionOfPrincipals(policy), account: managed, from: 'aws-managed' };
  const root = rootDelegation(policy);
  return root && { partition: root.partition, account: root.account, from: 'root-delegation' };
}

function partitionOfPrincipals(policy: PolicyDocument): Partition {
  const principals = policy.Statement.flatMap((s) => (s.Principal && s.Principal !== '*' ? listOf(s.Principal.AWS) : []));
  return principals.map(rootAccount).find((r) => r !== undefined)?.partition ?? DEFAULT_PARTITION;
}

/** Region of the placeholder key ARN when the key policy names none; only `kms:ViaService` conditions and printed commands see it. */
const DEFAULT_PLACEHOLDER_REGION = 'us-east-1';

/** A key is used through services in its own region, so `kms:ViaService` values (`ec2.<region>.amazonaws.com`) name it. */
function viaServiceRegion(policy: PolicyDocument): string | undefined {
  for (const statement of policy.Statement) {
    for (const block of Object.values(statement.Condition ?? {})) {
      for (const value of listOf(block[VIA_SERVICE] as StringOrList | undefined)) {
        const m = /^[a-z0-9-]+\.([a-z]{2}(-gov)?-[a-z]+-\d+)\.amazonaws\.com(\.cn)?$/.exec(value);
        if (m) return m[1];
      }
    }
  }
  return undefined;
}

export interface KeyArnChoice {
  readonly arn: string;
  /** Where the ARN came from when `--key-arn` was not given; the output must say so. */
  readonly source: 'flag' | 'inputs' | 'placeholder';
  /** `--key-arn` named an `alias/aws/…` alias: `arn` is then a placeholder key in its account and region. */
  readonly awsManagedAlias?: string;
}

/** Key ARNs other inputs name: each grant's `KeyId` (list-grants prints it in full) and IAM policy Resources. */
export function namedKeyArns(grants: readonly Grant[], policies: readonly PolicyDocument[]): string[] {
  const resources = policies.flatMap((p) => p.Statement.flatMap((s) => listOf(s.Resource)));
  return [...grants.map((g) => g.KeyId), ...resources].filter((arn) => parseKmsArn(arn)?.resource.startsWith('key/') && !/[*?]/.test(arn));
}

/**
 * `--key-arn`; else the one key ARN in the key policy's account that the other inputs name;
 * else a placeholder in that account.
 */
export function resolveKeyArn(given: string | undefined, policy: PolicyDocument, named: readonly string[]): KeyArnChoice {
  if (given !== undefined) {
    const arn = validKeyArn('--key-arn', given);
    const parts = parseKmsArn(arn) as KmsArnParts;
    // Requests name the key, never its alias; the alias ARN is kept to say the key cannot be shared.
    if (isAwsManagedAlias(arn)) return { arn: placeholderKeyArn(parts.partition, parts.region, parts.account), source: 'flag', awsManagedAlias: arn };
    return { arn, source: 'flag' };
  }
  const owner = keyPolicyOwner(policy);
  const candidates = [...new Set(named)].filter((arn) => !owner || parseKmsArn(arn)?.account === owner.account);
  if (candidates.length === 1) return { arn: candidates[0], source: 'inputs' };
  if (!owner) {
    throw new InputError(
      '--key-arn',
      given,
      'not given, and the key policy has no root delegation statement to read the key account from',
      'pass --key-arn arn:aws:kms:<region>:<account>:key/<key id>',
    );
  }
  return {
    arn: placeholderKeyArn(owner.partition, viaServiceRegion(policy) ?? DEFAULT_PLACEHOLDER_REGION, owner.account),
    source: 'placeholder',
  };
}
