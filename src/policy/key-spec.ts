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

/**
 * Where a key's material comes from (CreateKey's `Origin`, https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html).
 * Terraform's aws_kms_key sets it only through a custom key store (`custom_key_store_id`: AWS_CLOUDHSM,
 * with `xks_key_id`: EXTERNAL_KEY_STORE); a key for imported material is the separate aws_kms_external_key.
 */
export type KeyOrigin = 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';

export function kmsKeyOrigin(customKeyStoreId: string | undefined, xksKeyId: string | undefined): KeyOrigin {
  if (customKeyStoreId === undefined) return 'AWS_KMS';
  return xksKeyId === undefined ? 'AWS_CLOUDHSM' : 'EXTERNAL_KEY_STORE';
}

/**
 * The operations on imported key material, which only a key of origin EXTERNAL takes: "Before calling
 * GetParametersForImport, use the CreateKey operation with an Origin value of EXTERNAL to create a KMS
 * key with no key material." ... "you can't import key material into a KMS key in a custom key store"
 * (AWS KMS API Reference, GetParametersForImport,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html).
 */
const IMPORT_OPERATIONS: ReadonlySet<string> = new Set(['GetParametersForImport', 'ImportKeyMaterial', 'DeleteImportedKeyMaterial']);

/** Whether KMS accepts an operation on a key: `unknown` when it depends on a type or origin not known. */
export type Support = 'yes' | 'no' | 'unknown';

/**
 * Whether KMS accepts `operation` (its name without `kms:`) on a key of `type` and `origin`; an
 * operation only some types or origins allow is `unknown` while that is not known, never assumed.
 */
export function supportOnKey(operation: string, type: KeyType | undefined, origin: KeyOrigin | undefined): Support {
  const on = VALID_ON[operation];
  const importing = IMPORT_OPERATIONS.has(operation);
  if ((on !== undefined && type !== undefined && !on.includes(type)) || (importing && origin !== undefined && origin !== 'EXTERNAL')) return 'no';
  return (on !== undefined && type === undefined) || (importing && origin === undefined) ? 'unknown' : 'yes';
}
