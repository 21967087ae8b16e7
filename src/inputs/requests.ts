import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import { InputError } from '../errors';
import { canonicalKmsAction, parseCaller } from '../evaluator';
import { normalizeContext } from './context';
import { assertNoDuplicateKeys, Origin, parseJson, where } from './json-file';
import { readInput } from '../read-input';
import { parseKmsArn } from '../policy/arns';
import { inputErrorFromZod } from './zod-issue';
import type { KmsRequest } from '../policy/kms-api';

export const REQUESTS_FIX =
  'pass a JSON list of {"principal": ARN, "action": "kms:Operation", "context"?: {key: value, or null: absent}, "resource"?: key ARN, "encryptionContext"?: {key: value}, "grantConstraints"?: {"EncryptionContextSubset"|"EncryptionContextEquals": {key: value}}}';

const request = z.strictObject({
  principal: z.string(),
  action: z.string(),
  context: z
    .record(
      z.string(),
      z.union([z.string(), z.boolean(), z.number(), z.array(z.string()), z.null()], {
        error:
          'expected a string, number, boolean, a list of strings, or null for a key the request does not carry (a context value is never an object)',
      }),
    )
    .optional(),
  resource: z.string().optional(),
  encryptionContext: z.record(z.string(), z.string()).optional(),
  grantConstraints: z
    .strictObject({
      EncryptionContextSubset: z.record(z.string(), z.string()).optional(),
      EncryptionContextEquals: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

const KNOWN_FIELDS = Object.keys(request.shape);
const HAND_WRITTEN_BYTES = 1024 * 1024;

/** The caller of a request, as the evaluator reads it: an account, an IAM or STS principal ARN, a service principal. */
export function validPrincipal(field: string, principal: string): string {
  try {
    parseCaller(principal);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(field, principal, err.problem, err.fix);
    throw err;
  }
  return principal;
}

/** `kms:<Operation>`, checked against IAM's list of KMS actions and spelt as IAM spells it. */
export function validAction(field: string, action: string): string {
  const known = canonicalKmsAction(action);
  if (!known) throw new InputError(field, action, 'not a KMS action', 'give one KMS operation such as kms:Decrypt or kms:CreateGrant (no wildcards)');
  return known;
}

function validResource(field: string, resource: string): string {
  if (!parseKmsArn(resource))
    throw new InputError(
      field,
      resource,
      'not a KMS key or alias ARN',
      'give arn:aws:kms:<region>:<account>:key/<key id>, or leave it out to use the key ARN',
    );
  return resource;
}

/** Reads `--requests FILE`: a JSON list of requests, each checked like the single-request flags. */
export async function readRequests(origin: Origin): Promise<KmsRequest[]> {
  const text = readInput('requests', origin.flag, origin.file);
  const json = parseJson(origin, text, REQUESTS_FIX);
  // Request lists are written by hand, where a key written twice silently loses one value. Larger
  // lists are generated, and checking them would cost seconds for nothing.
  if (text.length <= HAND_WRITTEN_BYTES) assertNoDuplicateKeys(origin, text, REQUESTS_FIX);
  if (!Array.isArray(json) || json.length === 0)
    throw new InputError(where(origin), json, 'expected a non-empty JSON list of requests', REQUESTS_FIX);
  const requests: KmsRequest[] = [];
  for (const [i, element] of json.entries()) {
    const at = `[${i}]`;
    const unknown = unknownField(element);
    if (unknown !== undefined) {
      const nearest = closest(unknown, KNOWN_FIELDS);
      throw new InputError(
        where(origin, `${at}.${unknown}`),
        unknown,
        'is not a request field (keyshare refuses unknown fields, so that a typo cannot silently drop a setting)',
        `write ${nearest} if that is what you meant; the fields are ${KNOWN_FIELDS.join(', ')}`,
      );
    }
    const parsed = request.safeParse(element);
    if (!parsed.success) throw inputErrorFromZod(origin, at, element, parsed.error, REQUESTS_FIX);
    const r = parsed.data;
    requests.push({
      principal: validPrincipal(where(origin, `${at}.principal`), r.principal),
      action: validAction(where(origin, `${at}.action`), r.action),
      ...(r.resource !== undefined && { resource: validResource(where(origin, `${at}.resource`), r.resource) }),
      ...(r.context !== undefined && { context: await normalizeContext(where(origin, `${at}.context`), r.context) }),
      ...(r.encryptionContext !== undefined && { encryptionContext: r.encryptionContext }),
      ...(r.grantConstraints !== undefined && { grantConstraints: r.grantConstraints }),
    });
  }
  return requests;
}

/** The first field that is not a request field: `contxt`, `Principal`, `encryptionContex`. */
function unknownField(element: unknown): string | undefined {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return undefined;
  return Object.keys(element).find((k) => !KNOWN_FIELDS.includes(k));
}
