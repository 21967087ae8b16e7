import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TerraformStack } from 'cdktf';
import { loadRollout } from '../config';
import { InputError } from '../errors';
import type { Rollout } from '../model/rollout';
import { iamPolicyArn, Partition, placeholderKeyArn } from '../policy/arns';
import { buildApp } from '../stacks/app';
import { consumerStackPlacement } from '../stacks/consumer-stack';
import { withLeaving } from '../stacks/tombstone-stack';
import { crossAccountConsumers } from '../policy/key-policy';
import { evaluate, UNKNOWN, Value } from './expressions';
import { parsePlan } from './plan';
import { providerAccount, referencedObject, StackPlan } from './plan-set';

/**
 * `review --base-config OLD --config NEW`: both configs are synthesized in memory and each
 * stack's resources become a plan in the documented JSON format (before: OLD's, after: NEW's),
 * which the plan reader then reads like any other. No Terraform, provider or credentials.
 */
export const SYNTHESIZED_FORMAT_VERSION = '1.2';

export type StackJson = { resource?: Record<string, Record<string, Record<string, unknown>>>; provider?: { aws?: Record<string, unknown>[] } };

/**
 * Arguments that force a new object when they change, for the types keyshare emits: the AWS
 * provider's ForceNew arguments (registry.terraform.io/providers/hashicorp/aws, each resource's
 * argument reference). Every other argument updates in place.
 */
const FORCE_NEW: Record<string, readonly string[] | 'all'> = {
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region', 'custom_key_store_id', 'xks_key_id'],
  aws_kms_alias: ['name', 'name_prefix'],
  aws_kms_grant: 'all',
  aws_ami_launch_permission: 'all',
  aws_snapshot_create_volume_permission: 'all',
  aws_iam_policy: ['name', 'name_prefix', 'path', 'description'],
  aws_iam_role_policy_attachment: 'all',
  aws_iam_service_linked_role: ['aws_service_name', 'custom_suffix'],
};

/** Attributes the provider computes when it creates an object, for the types review names objects by. */
const COMPUTED: Record<string, readonly string[]> = { aws_kms_key: ['arn', 'key_id'], aws_iam_policy: ['arn'] };

/** Terraform meta-arguments and cdktf metadata: configuration, not attributes of the object. */
const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'provisioner', 'connection']);

/** Every stack of the rollout, synthesized in memory: what `keyshare synth` would write, as Terraform JSON. */
export function stacksOf(rollout: Rollout): Map<string, StackJson> {
  // cdktf's App makes its outdir and a stacks folder when it is built; review writes nothing, so
  // they go to a temporary directory removed at once, never to cdktf.out in the working directory.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-review-'));
  try {
    const app = buildApp(rollout, outdir);
    const out = new Map<string, StackJson>();
    for (const child of app.node.children) {
      const stack = child as TerraformStack;
      if (typeof stack.toTerraform !== 'function') continue;
      stack.prepareStack();
      out.set(stack.node.id, stack.toTerraform() as StackJson);
    }
    return out;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The key a stack's references resolve to: configured, or the stand-in check uses for a key not yet created. */
function standInKey(rollout: Rollout): string {
  return rollout.key.arn ?? placeholderKeyArn(rollout.partition, rollout.owner.region, rollout.owner.account);
}

/** A value with UNKNOWN leaves split into the value Terraform shows and its `after_unknown` mask. */
function split(value: Value): { known: unknown; unknown: unknown } {
  if (value === UNKNOWN) return { known: undefined, unknown: true };
  if (Array.isArray(value)) {
    const parts = value.map(split);
    return {
      known: parts.map((p) => p.known ?? null),
      unknown: parts.some((p) => p.unknown !== undefined) ? parts.map((p) => p.unknown ?? false) : undefined,
    };
  }
  if (value !== null && typeof value === 'object') {
    const known: Record<string, unknown> = {};
    const unknown: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = split(v);
      if (p.known !== undefined) known[k] = p.known;
      if (p.unknown !== undefined) unknown[k] = p.unknown;
    }
    return { known, unknown: Object.keys(unknown).length > 0 ? unknown : undefined };
  }
  return { known: value, unknown: undefined };
}

/** What a stack's references resolve to on one side: the key, and the IAM policies that already exist (in `existing`). */
interface Resolution {
  readonly key: string;
  readonly partition: Partition;
  readonly existing: StackJson | undefined;
}

function accountOf(stack: StackJson): string | undefined {
  const allowed = stack.provider?.aws?.[0]?.allowed_account_ids;
  return Array.isArray(allowed) && typeof allowed[0] === 'string' ? allowed[0] : undefined;
}

/** The ARN of a managed policy of `stack` that exists before the change, as state would give it; IAM assigns it at creation. */
function existingPolicyArn(stack: StackJson, name: string, side: Resolution): string | undefined {
  const policyName = stack.resource?.aws_iam_policy?.[name]?.name;
  const before = side.existing?.resource?.aws_iam_policy?.[name]?.name;
  const account = accountOf(stack);
  return typeof policyName === 'string' && policyName === before && !policyName.includes('${') && account
    ? iamPolicyArn(side.partition, account, policyName)
    : undefined;
}

function resolver(stack: StackJson, side: Resolution, references: string[]) {
  return (reference: string): Value => {
    references.push(reference);
    const parts = reference.split('.');
    // The consumer stacks' key lookup: a data source read at plan time, when the key exists.
    if (parts[0] === 'data' && parts[1] === 'aws_kms_key' && (parts[3] === 'arn' || parts[3] === 'id')) return side.key;
    if (parts[0] === 'aws_iam_policy' && parts[2] === 'arn') return existingPolicyArn(stack, parts[1], side) ?? UNKNOWN;
    if (parts[0] !== 'data' && parts.length === 3) {
      const literal = stack.resource?.[parts[0]]?.[parts[1]]?.[parts[2]];
      if (literal !== undefined && !(typeof literal === 'string' && literal.includes('${'))) return literal as Value;
    }
    return UNKNOWN;
  };
}

interface Instance {
  readonly config: Record<string, unknown>;
  readonly values: Value;
  /** Per attribute, the references its expression makes, as the plan's configuration lists them. */
  readonly references: Record<string, string[]>;
}

function instances(stack: StackJson | undefined, side: Resolution): Map<string, { type: string; name: string } & Instance> {
  const out = new Map<string, { type: string; name: string } & Instance>();
  if (!stack) return out;
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, raw] of Object.entries(byName)) {
      const config = Object.fromEntries(Object.entries(raw).filter(([k]) => !META.has(k)));
      const references: Record<string, string[]> = {};
      const values: Record<string, Value> = {};
      for (const [attribute, value] of Object.entries(config)) {
        const found: string[] = [];
        values[attribute] = evaluate(value, resolver(stack, side, found));
        if (found.length > 0) references[attribute] = found;
      }
      // A key that exists has its ARN and ID; review names and decides the key by them.
      if (type === 'aws_kms_key') Object.assign(values, { arn: side.key, key_id: side.key.split('/').pop()! });
      // So has a managed policy: attachments name it by its ARN.
      const policyArn = type === 'aws_iam_policy' ? existingPolicyArn(stack, name, side) : undefined;
      if (policyArn) values.arn = policyArn;
      out.set(`${type}.${name}`, { type, name, config, values, references });
    }
  }
  return out;
}

/** Terraform's `configuration.root_module.resources`, with each expression's references (JSON output format). */
function configurationResources(after: Map<string, { type: string; name: string } & Instance>): unknown[] {
  return [...after].map(([address, i]) => ({
    address,
    mode: 'managed',
    type: i.type,
    name: i.name,
    expressions: Object.fromEntries(
      Object.entries(i.references).map(([attribute, refs]) => [
        attribute,
        { references: [...new Set(refs.flatMap((r) => [r, referencedObject(r)]))] },
      ]),
    ),
  }));
}

function resourceChange(
  address: string,
  type: string,
  name: string,
  before: Instance | undefined,
  after: Instance | undefined,
): Record<string, unknown> {
  const b = before ? split(before.values) : undefined;
  const a = after ? split(after.values) : undefined;
  const differing =
    before && after
      ? [...new Set([...Object.keys(before.config), ...Object.keys(after.config)])]
          .filter((k) => JSON.stringify(before.config[k]) !== JSON.stringify(after.config[k]))
          .sort()
      : [];
  const force = FORCE_NEW[type];
  const forcing = differing.filter((k) => force === 'all' || (force ?? []).includes(k));
  const actions = !before
    ? ['create']
    : !after
      ? ['delete']
      : forcing.length > 0
        ? ['delete', 'create']
        : differing.length > 0
          ? ['update']
          : ['no-op'];
  // Created or replaced objects get their computed attributes at apply, as Terraform plans them.
  const computed = !before || forcing.length > 0 ? (COMPUTED[type] ?? []) : [];
  const unknown =
    computed.length > 0 ? { ...((a?.unknown as object) ?? {}), ...Object.fromEntries(computed.map((k) => [k, true])) } : (a?.unknown ?? {});
  const known = computed.length > 0 && a ? Object.fromEntries(Object.entries(a.known as object).filter(([k]) => !computed.includes(k))) : a?.known;
  return {
    address,
    mode: 'managed',
    type,
    name,
    change: {
      actions,
      before: b?.known ?? null,
      after: after ? known : null,
      after_unknown: after ? unknown : {},
      before_sensitive: before ? {} : false,
      after_sensitive: after ? {} : false,
      ...(forcing.length > 0 && { replace_paths: forcing.map((k) => [k]) }),
    },
    ...(forcing.length > 0 && { action_reason: 'replace_because_cannot_update' }),
    ...(!after && { action_reason: 'delete_because_no_resource_config' }),
  };
}

/** One stack's change as `terraform show -json` would print it, in format 1.2. */
export function planDocument(
  before: StackJson | undefined,
  after: StackJson | undefined,
  keys: { before: string; after: string },
  partition: Partition,
): Record<string, unknown> {
  const b = instances(before, { key: keys.before, partition, existing: before });
  const a = instances(after, { key: keys.after, partition, existing: before ?? {} });
  const addresses = [...new Set([...b.keys(), ...a.keys()])].sort();
  const provider = (after ?? before)?.provider?.aws?.[0] ?? {};
  const constant = (v: unknown) => ({ constant_value: v });
  const assume = (provider.assume_role as { role_arn?: string }[] | undefined)?.[0]?.role_arn;
  return {
    format_version: SYNTHESIZED_FORMAT_VERSION,
    planned_values: {},
    resource_changes: addresses.map((address) => {
      const i = (a.get(address) ?? b.get(address))!;
      return resourceChange(address, i.type, i.name, b.get(address), a.get(address));
    }),
    configuration: {
      root_module: { resources: configurationResources(a) },
      provider_config: {
        aws: {
          name: 'aws',
          expressions: {
            ...(provider.allowed_account_ids !== undefined && { allowed_account_ids: constant(provider.allowed_account_ids) }),
            ...(provider.region !== undefined && { region: constant(provider.region) }),
            ...(assume && { assume_role: [{ role_arn: constant(assume) }] }),
          },
        },
      },
    },
  };
}

function load(flag: string, file: string): Rollout {
  try {
    return loadRollout(file, flag);
  } catch (err) {
    if (err instanceof InputError && err.field === flag) throw err;
    if (err instanceof InputError && !err.field.startsWith('config'))
      throw new InputError(`${flag} ${file}: ${err.field}`, err.value, err.problem, err.fix);
    if (err instanceof InputError) throw new InputError(flag, err.value, err.problem, err.fix);
    throw err;
  }
}

/** Plan documents for every stack either config synthesizes, keyed by stack name. */
/** `base` undefined: there was no config before (the first pull request), so everything the config makes is new. */
export function configPlanDocuments(base: Rollout | undefined, next: Rollout): Map<string, Record<string, unknown>> {
  // As synth does over its previous output: a consumer stack of the base that the new config drops
  // becomes a tombstone (its resources destroyed), and the key policy keeps the account for its teardown.
  const head = base
    ? withLeaving(
        next,
        crossAccountConsumers(base).map((c) => consumerStackPlacement(base, c)),
      )
    : next;
  const after = stacksOf(head);
  const before: typeof after = base ? stacksOf(base) : new Map();
  const keys = { before: standInKey(base ?? next), after: standInKey(next) };
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return new Map(names.map((n) => [n, planDocument(before.get(n), after.get(n), keys, next.partition)]));
}

export function configPlans(baseFile: string | undefined, configFile: string): StackPlan[] {
  const docs = configPlanDocuments(baseFile === undefined ? undefined : load('--base-config', baseFile), load('--config', configFile));
  return [...docs].map(([stack, doc]) => {
    const plan = parsePlan(doc, { flag: '--config', file: `${configFile} (stack ${stack})` });
    return { stack, account: providerAccount(plan.configuration), plan };
  });
}
