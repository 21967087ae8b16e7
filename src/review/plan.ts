import { z } from 'zod';
import { InputError } from '../errors';
import { Origin, where } from '../inputs/json-file';
import { inputErrorFromZod } from '../inputs/zod-issue';

/**
 * The plan reader: what `terraform show -json PLAN` prints, as documented in Terraform's
 * "JSON Output Format" (https://developer.hashicorp.com/terraform/internals/json-format):
 * a minor version adds fields, which are ignored; a new major version is refused.
 */
export const SUPPORTED_FORMAT_MAJOR = 1;

export const PLAN_FIX = 'pass what `terraform show -json plan.out` prints (terraform plan -out=plan.out first)';

/** Path into a value: object keys and list indices, as `replace_paths` gives them. */
export type ValuePath = readonly (string | number)[];

const mask = z.unknown().optional();
// Loose objects: fields added by later minor versions are carried along unread.
const change = z.looseObject({
  actions: z.array(z.string()).min(1, { error: 'expected at least one action' }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: mask,
  before_sensitive: mask,
  after_sensitive: mask,
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.looseObject({ id: z.string().optional() }).optional(),
});
const resourceChange = z.looseObject({
  address: z.string().min(1),
  previous_address: z.string().optional(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  deposed: z.string().optional(),
  change,
  action_reason: z.string().optional(),
});
const plan = z.looseObject({
  format_version: z.string({ error: 'expected the format version string, such as "1.2"' }),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChange).optional(),
  configuration: z.unknown().optional(),
  errored: z.boolean().optional(),
});

/** What happens to one object. A move or an import is a flag beside it, as Terraform counts them. */
export type ChangeKind = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op' | 'forget';

export interface ResourceChange {
  readonly address: string;
  readonly previousAddress?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly deposed?: string;
  readonly kind: ChangeKind;
  readonly actions: readonly string[];
  readonly moved: boolean;
  /** The import ID when the plan imports the object. */
  readonly importing?: string;
  /** Display hint only; the documented set may grow, so unknown reasons pass through. */
  readonly actionReason?: string;
  readonly replacePaths: readonly ValuePath[];
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
  /** `resource_changes[i]`, for messages. */
  readonly field: string;
}

export interface Plan {
  readonly file: string;
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly changes: readonly ResourceChange[];
  /** The plan's `configuration`, read only for the provider's account. */
  readonly configuration: unknown;
  /** Planning failed: Terraform saved what it planned before the error, which is not the whole change. */
  readonly errored: boolean;
}

/** Terraform's documented action lists; a replace is the two orders of delete and create. */
function kindOf(actions: readonly string[], origin: Origin, field: string): ChangeKind {
  const key = actions.join(',');
  switch (key) {
    case 'create':
    case 'update':
    case 'delete':
    case 'read':
    case 'no-op':
    case 'forget':
      return key;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    // Terraform 1.12+: `removed` with `destroy = false` on a replaced object.
    case 'create,forget':
      return 'replace';
    default:
      throw new InputError(
        where(origin, `${field}.change.actions`),
        actions,
        'is not an action list the Terraform JSON output format documents',
        PLAN_FIX,
      );
  }
}

/** True when `json` looks like a plan at all; a directory search skips other JSON files. */
export function looksLikePlan(json: unknown): boolean {
  return json !== null && typeof json === 'object' && 'format_version' in json && ('resource_changes' in json || 'planned_values' in json);
}

export function parsePlan(json: unknown, origin: Origin): Plan {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('format_version' in json)) {
    throw new InputError(where(origin, 'format_version'), undefined, 'missing: this is not a Terraform JSON plan', PLAN_FIX);
  }
  const version = (json as { format_version: unknown }).format_version;
  const major = typeof version === 'string' ? Number(version.split('.')[0]) : NaN;
  if (major !== SUPPORTED_FORMAT_MAJOR) {
    throw new InputError(
      where(origin, 'format_version'),
      version,
      `is not a plan format keyshare reads (major version ${SUPPORTED_FORMAT_MAJOR}; a new major version is not backward compatible)`,
      'plan and show with a Terraform release whose JSON format_version is 1.x, or upgrade keyshare',
    );
  }
  if (!looksLikePlan(json)) {
    throw new InputError(where(origin, 'resource_changes'), undefined, 'missing: this is terraform show -json of a state, not of a plan', PLAN_FIX);
  }
  const parsed = plan.safeParse(json);
  if (!parsed.success) throw inputErrorFromZod(origin, '', json, parsed.error, PLAN_FIX);
  const p = parsed.data;
  return {
    file: origin.file,
    formatVersion: p.format_version,
    terraformVersion: p.terraform_version,
    configuration: p.configuration,
    errored: p.errored === true,
    changes: (p.resource_changes ?? []).map((rc, i) => {
      const field = `resource_changes[${i}]`;
      const c = rc.change;
      return {
        address: rc.address,
        previousAddress: rc.previous_address !== undefined && rc.previous_address !== rc.address ? rc.previous_address : undefined,
        mode: rc.mode === 'data' ? 'data' : 'managed',
        type: rc.type,
        name: rc.name,
        deposed: rc.deposed,
        kind: kindOf(c.actions, origin, field),
        actions: c.actions,
        moved: rc.previous_address !== undefined && rc.previous_address !== rc.address,
        importing: c.importing ? (c.importing.id ?? '') : undefined,
        actionReason: rc.action_reason,
        replacePaths: c.replace_paths ?? [],
        before: c.before ?? null,
        after: c.after ?? null,
        afterUnknown: c.after_unknown ?? false,
        beforeSensitive: c.before_sensitive ?? false,
        afterSensitive: c.after_sensitive ?? false,
        field,
      };
    }),
  };
}
