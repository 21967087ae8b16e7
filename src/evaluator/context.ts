import {
  CALLER_ACCOUNT,
  ENCRYPTION_CONTEXT_KEYS,
  ENCRYPTION_CONTEXT_PREFIX,
  GRANT_CONSTRAINT_TYPE,
  MULTI_REGION,
  PRINCIPAL_ACCOUNT,
  PRINCIPAL_ARN,
  PRINCIPAL_IS_AWS_SERVICE,
  PRINCIPAL_SERVICE_NAME,
  REQUESTED_REGION,
  RESOURCE_ACCOUNT,
  SECURE_TRANSPORT,
  USERNAME,
  VIA_AWS_SERVICE,
  VIA_SERVICE,
} from '../policy/conditions';
import type { KmsArnParts } from '../policy/arns';
import { MULTI_REGION_KEY_ID_PREFIX } from '../policy/formats';
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
const PRINCIPAL_IS_AWS_SERVICE_KEY = PRINCIPAL_IS_AWS_SERVICE.toLowerCase();
const PRINCIPAL_SERVICE_NAME_KEY = PRINCIPAL_SERVICE_NAME.toLowerCase();
const SECURE_TRANSPORT_KEY = SECURE_TRANSPORT.toLowerCase();
const RESOURCE_ACCOUNT_KEY = RESOURCE_ACCOUNT.toLowerCase();
const REQUESTED_REGION_KEY = REQUESTED_REGION.toLowerCase();
const MULTI_REGION_KEY = MULTI_REGION.toLowerCase();
const VIA_SERVICE_KEY = VIA_SERVICE.toLowerCase();
const VIA_AWS_SERVICE_KEY = VIA_AWS_SERVICE.toLowerCase();

/**
 * The request context as KMS would build it: what the caller gave, plus the keys AWS sets itself
 * when the caller did not give them (`KEY_SOURCES` in policy/conditions.ts says, per key, where its
 * value comes from):
 * - from the authenticated principal: `aws:PrincipalArn`, `aws:PrincipalAccount`, `kms:CallerAccount`,
 *   `aws:username` (IAM users), `aws:PrincipalIsAWSService` ("present in the request context for all
 *   signed API requests"; true only for a service principal) and `aws:PrincipalServiceName` (service
 *   principals) (IAM User Guide, "AWS global condition context keys"; KMS developer guide, "AWS KMS
 *   condition keys");
 * - from the key: `aws:ResourceAccount` (the account that owns it) and `kms:MultiRegion` (true for a
 *   key whose ID begins with `mrk-`, KMS developer guide, "Multi-Region key IDs");
 * - from the request: `aws:SecureTransport` is true ("AWS KMS requires TLS 1.2", KMS developer guide,
 *   "Infrastructure security in AWS Key Management Service",
 *   https://docs.aws.amazon.com/kms/latest/developerguide/infrastructure-security.html);
 *   `aws:RequestedRegion` is the key's region (a KMS request is sent to the key's Region);
 *   `aws:ViaAWSService` is true when a service calls on the principal's behalf, which for KMS is when
 *   the request carries `kms:ViaService`, and false on a direct call; `kms:EncryptionContext:<key>`
 *   and `kms:EncryptionContextKeys` from its encryption context, `kms:GrantConstraintType` from the
 *   constraints of a grant being created.
 * A key given as absent (`null`) is left out, whatever keyshare would derive.
 */
export function requestContext(caller: Caller, request: KmsRequest, key: KmsArnParts): RequestContext {
  const context = new Map<string, ContextValue>();
  if (caller.kind !== 'service') {
    context.set(PRINCIPAL_ARN_KEY, caller.principalArn);
    if (caller.account !== undefined) {
      context.set(PRINCIPAL_ACCOUNT_KEY, caller.account);
      context.set(CALLER_ACCOUNT_KEY, caller.account);
    }
    if (caller.userName !== undefined) context.set(USERNAME_KEY, caller.userName);
  } else {
    context.set(PRINCIPAL_SERVICE_NAME_KEY, caller.arn);
  }
  context.set(PRINCIPAL_IS_AWS_SERVICE_KEY, caller.kind === 'service');
  context.set(SECURE_TRANSPORT_KEY, true);
  context.set(RESOURCE_ACCOUNT_KEY, key.account);
  context.set(REQUESTED_REGION_KEY, key.region);
  context.set(MULTI_REGION_KEY, key.resource.startsWith(`key/${MULTI_REGION_KEY_ID_PREFIX}`));
  const encryptionContext = request.encryptionContext;
  if (encryptionContext) {
    const keys = Object.keys(encryptionContext);
    for (const k of keys) context.set(`${ENCRYPTION_CONTEXT_PREFIX_KEY}${k.toLowerCase()}`, encryptionContext[k]);
    context.set(ENCRYPTION_CONTEXT_KEYS_KEY, keys);
  }
  const constraintTypes = Object.keys(request.grantConstraints ?? {});
  // kms:GrantConstraintType is "Single-valued" (KMS developer guide, "AWS KMS condition keys",
  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html): one constraint type is
  // a string, which StringEquals compares, not a list of one.
  if (constraintTypes.length > 0) context.set(GRANT_CONSTRAINT_TYPE_KEY, constraintTypes.length === 1 ? constraintTypes[0] : constraintTypes);
  if (request.context) {
    for (const k of Object.keys(request.context)) {
      const value = request.context[k];
      if (value === null) context.delete(lowerCase(k));
      else context.set(lowerCase(k), value);
    }
  }
  if (!context.has(VIA_AWS_SERVICE_KEY) && !(request.context && hasKey(request.context, VIA_AWS_SERVICE_KEY))) {
    const viaAwsService = viaAwsServiceOf(caller, context.has(VIA_SERVICE_KEY));
    if (viaAwsService !== undefined) context.set(VIA_AWS_SERVICE_KEY, viaAwsService);
  }
  return context;
}

/**
 * aws:ViaAWSService "returns true when a service uses the credentials of an IAM principal to make a
 * request on behalf of the principal", "false if the service uses a service role or service-linked
 * role to make a call on the principal's behalf", and "false when the principal makes the call
 * directly" (IAM User Guide, "AWS global condition context keys"). A call through a service
 * (kms:ViaService) made as a service-linked role, as EC2 calls KMS as the Auto Scaling role, fits
 * both of the first two sentences: the page does not decide it, so it stays unknown unless given.
 */
function viaAwsServiceOf(caller: Caller, viaService: boolean): boolean | undefined {
  if (!viaService) return false;
  if (caller.serviceLinked || caller.kind === 'service') return undefined;
  return true;
}

function hasKey(context: Readonly<Record<string, unknown>>, lower: string): boolean {
  return Object.keys(context).some((k) => lowerCase(k) === lower);
}

/** Requests spell the same few keys thousands of times in check: each spelling is lowered once. */
const lowered = new Map<string, string>();

function lowerCase(key: string): string {
  let lower = lowered.get(key);
  if (lower === undefined) lowered.set(key, (lower = key.toLowerCase()));
  return lower;
}
