import { CALLER_ACCOUNT, PRINCIPAL_ACCOUNT, PRINCIPAL_ARN } from '../policy/conditions';
import type { Caller } from './caller';
import type { ContextValue, KmsRequest } from './types';

/** Condition keys are case-insensitive (IAM User Guide, "IAM JSON policy elements: Condition"). */
export type RequestContext = ReadonlyMap<string, ContextValue>;

const USERNAME = 'aws:username';

/**
 * The request context as KMS would build it: what the caller gave, plus the keys AWS derives from
 * the authenticated principal when the caller did not give them: `aws:PrincipalArn`,
 * `aws:PrincipalAccount`, `aws:username` (IAM users only) and `kms:CallerAccount`
 * (KMS developer guide, "AWS KMS condition keys", kms:CallerAccount; IAM User Guide,
 * "AWS global condition context keys").
 */
export function requestContext(caller: Caller, request: KmsRequest): RequestContext {
  const context = new Map<string, ContextValue>();
  if (caller.kind !== 'service') {
    context.set(PRINCIPAL_ARN.toLowerCase(), caller.principalArn);
    if (caller.account !== undefined) {
      context.set(PRINCIPAL_ACCOUNT.toLowerCase(), caller.account);
      context.set(CALLER_ACCOUNT.toLowerCase(), caller.account);
    }
    if (caller.userName !== undefined) context.set(USERNAME, caller.userName);
  }
  if (request.context) {
    for (const key of Object.keys(request.context)) context.set(key.toLowerCase(), request.context[key]);
  }
  return context;
}
