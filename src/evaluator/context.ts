import {
  CALLER_ACCOUNT,
  ENCRYPTION_CONTEXT_KEYS,
  ENCRYPTION_CONTEXT_PREFIX,
  GRANT_CONSTRAINT_TYPE,
  PRINCIPAL_ACCOUNT,
  PRINCIPAL_ARN,
  USERNAME,
} from '../policy/conditions';
import type { Caller } from './caller';
import type { ContextValue, KmsRequest } from '../policy/kms-api';

/** Condition keys are case-insensitive (IAM User Guide, "IAM JSON policy elements: Condition"). */
export type RequestContext = ReadonlyMap<string, ContextValue>;

// The context is keyed by lower-case keys; these are the derived ones, lowered once.
const PRINCIPAL_ARN_KEY = PRINCIPAL_ARN.toLowerCase();
const PRINCIPAL_ACCOUNT_KEY = PRINCIPAL_ACCOUNT.toLowerCase();
const CALLER_ACCOUNT_KEY = CALLER_ACCOUNT.toLowerCase();
const USERNAME_KEY = USERNAME.toLowerCase();
const ENCRYPTION_CONTEXT_PREFIX_KEY = ENCRYPTION_CONTEXT_PREFIX.toLowerCase();
const ENCRYPTION_CONTEXT_KEYS_KEY = ENCRYPTION_CONTEXT_KEYS.toLowerCase();
const GRANT_CONSTRAINT_TYPE_KEY = GRANT_CONSTRAINT_TYPE.toLowerCase();

/**
 * The request context as KMS would build it: what the caller gave, plus the keys AWS derives from
 * the authenticated principal when the caller did not give them: `aws:PrincipalArn`,
 * `aws:PrincipalAccount`, `aws:username` (IAM users only) and `kms:CallerAccount`
 * (KMS developer guide, "AWS KMS condition keys", kms:CallerAccount; IAM User Guide,
 * "AWS global condition context keys"); and the keys KMS derives from the request itself:
 * `kms:EncryptionContext:<key>` and `kms:EncryptionContextKeys` from its encryption context,
 * `kms:GrantConstraintType` from the constraints of a grant being created (same KMS page).
 */
export function requestContext(caller: Caller, request: KmsRequest): RequestContext {
  const context = new Map<string, ContextValue>();
  if (caller.kind !== 'service') {
    context.set(PRINCIPAL_ARN_KEY, caller.principalArn);
    if (caller.account !== undefined) {
      context.set(PRINCIPAL_ACCOUNT_KEY, caller.account);
      context.set(CALLER_ACCOUNT_KEY, caller.account);
    }
    if (caller.userName !== undefined) context.set(USERNAME_KEY, caller.userName);
  }
  const encryptionContext = request.encryptionContext;
  if (encryptionContext) {
    const keys = Object.keys(encryptionContext);
    for (const key of keys) context.set(`${ENCRYPTION_CONTEXT_PREFIX_KEY}${key.toLowerCase()}`, encryptionContext[key]);
    context.set(ENCRYPTION_CONTEXT_KEYS_KEY, keys);
  }
  const constraintTypes = Object.keys(request.grantConstraints ?? {});
  if (constraintTypes.length > 0) context.set(GRANT_CONSTRAINT_TYPE_KEY, constraintTypes);
  if (request.context) {
    for (const key of Object.keys(request.context)) context.set(lowerCase(key), request.context[key]);
  }
  return context;
}

/** Requests spell the same few keys thousands of times in check: each spelling is lowered once. */
const lowered = new Map<string, string>();

function lowerCase(key: string): string {
  let lower = lowered.get(key);
  if (lower === undefined) lowered.set(key, (lower = key.toLowerCase()));
  return lower;
}
