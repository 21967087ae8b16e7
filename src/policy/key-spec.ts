/**
 * Which KMS operations a key's type allows, from the KMS developer guide's "Key type reference"
 * (Key type table, https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-compare.html):
 * "The Key type table lists the AWS KMS operations that are valid for symmetric encryption KMS
 * keys, asymmetric KMS keys, and HMAC KMS keys." A key policy that allows `kms:*` gives no one
 * Sign on a symmetric encryption key: KMS refuses the call whatever the policies say.
 *
 * The Service Authorization Reference does not say this (every action on a key names the one `key`
 * resource type), so it is written here, row by row from that table; operations not listed are
 * valid on every type of key.
 */
export type KeyType = 'symmetric' | 'hmac' | 'asymmetric-encrypt' | 'asymmetric-sign' | 'asymmetric-agreement';

const ENCRYPTING: readonly KeyType[] = ['symmetric', 'asymmetric-encrypt'];
const ASYMMETRIC: readonly KeyType[] = ['asymmetric-encrypt', 'asymmetric-sign', 'asymmetric-agreement'];

/** The table's rows that are not "Yes" in every column. */
const VALID_ON: Readonly<Record<string, readonly KeyType[]>> = {
  Encrypt: ENCRYPTING,
  Decrypt: ENCRYPTING,
  ReEncryptFrom: ENCRYPTING,
  ReEncryptTo: ENCRYPTING,
  GenerateDataKey: ['symmetric'],
  GenerateDataKeyWithoutPlaintext: ['symmetric'],
  GenerateDataKeyPair: ['symmetric'],
  GenerateDataKeyPairWithoutPlaintext: ['symmetric'],
  EnableKeyRotation: ['symmetric'],
  DisableKeyRotation: ['symmetric'],
  RotateKeyOnDemand: ['symmetric'],
  GenerateMac: ['hmac'],
  VerifyMac: ['hmac'],
  Sign: ['asymmetric-sign'],
  Verify: ['asymmetric-sign'],
  GetPublicKey: ASYMMETRIC,
  DeriveSharedSecret: ['asymmetric-agreement'],
};

/**
 * The key's type from its key spec and key usage (CreateKey's `KeySpec` and `KeyUsage`, which
 * aws_kms_key calls `customer_master_key_spec` and `key_usage`); undefined when either is unknown.
 * "The default value, SYMMETRIC_DEFAULT, creates a KMS key with a 256-bit AES-GCM key that is used
 * for encryption and decryption" (AWS KMS API Reference, CreateKey, KeySpec,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html).
 */
export function keyTypeOf(spec: string | undefined, usage: string | undefined): KeyType | undefined {
  if (spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (spec?.startsWith('HMAC_')) return 'hmac';
  if (spec === undefined) return undefined;
  switch (usage) {
    case 'ENCRYPT_DECRYPT':
      return 'asymmetric-encrypt';
    case 'SIGN_VERIFY':
      return 'asymmetric-sign';
    case 'KEY_AGREEMENT':
      return 'asymmetric-agreement';
    default:
      return undefined;
  }
}

/** Whether KMS accepts `operation` (its name without `kms:`) on a key of `type`; any operation when the type is unknown. */
export function validOnKey(operation: string, type: KeyType | undefined): boolean {
  const on = VALID_ON[operation];
  return type === undefined || on === undefined || on.includes(type);
}
