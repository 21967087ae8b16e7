import { z } from 'zod';
import { InputError } from '../errors';
import { GRANTABLE_OPERATIONS } from '../policy/actions';
import { Origin, readJsonFile, where } from './json-file';
import { inputErrorFromZod, joinPath } from './zod-issue';
import type { Grant } from '../policy/kms-api';

const GRANTS_FIX = 'pass the output of `aws kms list-grants --key-id <key ARN> --output json`, a list of grants, or one grant';

const context = z.record(z.string(), z.string());

// Fields list-grants prints that do not decide access (CreationDate) are dropped.
const grant = z.object({
  GrantId: z.string().optional(),
  Name: z.string().optional(),
  KeyId: z.string().min(1),
  GranteePrincipal: z.string().min(1),
  RetiringPrincipal: z.string().optional(),
  IssuingAccount: z.string().optional(),
  Operations: z.array(z.string()).min(1),
  Constraints: z.object({ EncryptionContextSubset: context.optional(), EncryptionContextEquals: context.optional() }).optional(),
});

export interface GrantList {
  readonly grants: Grant[];
  /** list-grants pages its output; a truncated page may miss the grant that matters. */
  readonly truncated: boolean;
}

/** Reads `aws kms list-grants` output (`{"Grants": [...]}`), a bare list of grants or a single grant. */
export function readGrants(origin: Origin): GrantList {
  return grantsFromJson(origin, readJsonFile(origin, 'grants', GRANTS_FIX));
}

/** Grants already read as JSON: a ListGrants response (`audit` reads it through the SDK), or what readGrants accepts. */
export function grantsFromJson(origin: Origin, json: unknown): GrantList {
  const { list, at } = locate(json);
  if (!Array.isArray(list)) throw new InputError(where(origin, 'Grants'), list, 'expected a list of grants', GRANTS_FIX);
  const grants: Grant[] = [];
  for (const [i, element] of list.entries()) {
    const parsed = grant.safeParse(element);
    if (!parsed.success) throw inputErrorFromZod(origin, at(i), element, parsed.error, GRANTS_FIX);
    grants.push(withKnownOperations(origin, at(i), parsed.data));
  }
  const truncated = isRecord(json) && json.Truncated === true;
  return { grants, truncated };
}

/** Where the grants sit in each accepted shape, and the path of grant `i` for messages. */
function locate(json: unknown): { list: unknown; at: (i: number) => string } {
  if (isRecord(json) && 'Grants' in json) return { list: json.Grants, at: (i) => `Grants[${i}]` };
  if (Array.isArray(json)) return { list: json, at: (i) => `[${i}]` };
  return { list: [json], at: () => '' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A misspelt operation would silently match nothing, so only grantable KMS operations pass. */
function withKnownOperations(origin: Origin, path: string, g: Grant): Grant {
  const operations = g.Operations.map((op, j) => {
    const known = GRANTABLE_OPERATIONS.find((o) => o.toLowerCase() === op.toLowerCase());
    if (!known) {
      throw new InputError(
        where(origin, joinPath(path, `Operations[${j}]`)),
        op,
        'not a grant operation',
        `use the operations CreateGrant accepts: ${GRANTABLE_OPERATIONS.join(', ')}`,
      );
    }
    return known;
  });
  return { ...g, Operations: operations };
}
