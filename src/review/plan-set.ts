import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { readJsonFile } from '../inputs/json-file';
import { looksLikePlan, parsePlan, Plan, PLAN_FIX } from './plan';
import { parseArn } from '../policy/arns';

/** One stack's plan, named for the stack it came from. */
export interface StackPlan {
  readonly stack: string;
  /** The account the stack deploys into, when its provider pins one; else undefined. */
  readonly account?: string;
  readonly plan: Plan;
}

/** File names that say nothing about the stack; such a plan is named for its directory. */
const GENERIC_NAMES = new Set(['plan', 'tfplan', 'plan.out', 'tfplan.out', 'show', 'terraform']);
const SKIPPED_DIRS = new Set(['node_modules', '.terraform', '.git']);

function stackName(file: string): string {
  const base = path.basename(file).replace(/\.json$/i, '');
  return GENERIC_NAMES.has(base.toLowerCase()) ? path.basename(path.dirname(path.resolve(file))) : base;
}

/**
 * Every `*.json` under `dir`, symbolic links followed (a plan set must not shrink because a CI
 * step linked a plan or a directory in); a directory reached twice (a link loop) is read once.
 * What cannot be read is refused, never skipped: an unreadable directory, a broken link, a
 * `*.json` that is not a regular file.
 */
function jsonFilesUnder(dir: string, seen = new Set<string>()): string[] {
  const real = fs.realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError(
      'plan',
      dir,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): the plans in it would not be reviewed`,
      'make the directory readable, or pass the plan files by name',
    );
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    let stat: fs.Stats = entry as unknown as fs.Stats;
    if (entry.isSymbolicLink()) {
      try {
        stat = fs.statSync(full);
      } catch {
        if (!entry.name.toLowerCase().endsWith('.json')) continue;
        throw new InputError('plan', full, 'is a symbolic link to nothing: the plan it named would not be reviewed', 'fix or remove the link');
      }
    }
    if (stat.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...jsonFilesUnder(full, seen));
    } else if (entry.name.toLowerCase().endsWith('.json')) {
      if (!stat.isFile())
        throw new InputError('plan', full, 'is not a regular file: a plan set holds plan files', 'remove it, or pass the plan files by name');
      out.push(full);
    }
  }
  return out;
}

type Expressions = Record<string, unknown>;

/** The expressions of each AWS provider configuration, as the plan's `configuration.provider_config` gives them. */
function awsProviders(configuration: unknown): Expressions[] {
  const providers = (configuration as { provider_config?: Record<string, { name?: string; expressions?: Expressions }> })?.provider_config ?? {};
  return Object.values(providers).flatMap((p) => (p?.name === 'aws' ? [p.expressions ?? {}] : []));
}

function constant(e: Expressions, name: string): unknown {
  return (e[name] as { constant_value?: unknown } | undefined)?.constant_value;
}

function assumedRole(e: Expressions): string | undefined {
  const assume = e.assume_role;
  const role = Array.isArray(assume) ? (assume[0] as { role_arn?: { constant_value?: unknown } } | undefined)?.role_arn?.constant_value : undefined;
  return typeof role === 'string' ? role : undefined;
}

/**
 * The AWS provider's `allowed_account_ids` (keyshare pins each stack to its one account), or the
 * account of the role it assumes: the account a stack's changes land in.
 */
export function providerAccount(configuration: unknown): string | undefined {
  for (const e of awsProviders(configuration)) {
    const allowed = constant(e, 'allowed_account_ids');
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string') return allowed[0];
    const role = assumedRole(e);
    if (role) return parseArn(role)?.account;
  }
  return undefined;
}

/** The role the stack's provider assumes; in a consumer stack it is who creates the grant. */
export function providerRole(configuration: unknown): string | undefined {
  return awsProviders(configuration)
    .map(assumedRole)
    .find((r) => r !== undefined);
}

/** The AWS provider's region, when it is a constant. */
export function providerRegion(configuration: unknown): string | undefined {
  return awsProviders(configuration)
    .map((e) => constant(e, 'region'))
    .find((r): r is string => typeof r === 'string');
}

/**
 * Plans from files and directories. A file given by name must be a plan; in a directory every
 * `*.json` that is a plan is read (cdktf's `cdk.tf.json` and other JSON beside it are not).
 */
export function loadPlanSet(inputs: readonly string[], options: { readonly allowEmpty?: boolean } = {}): StackPlan[] {
  const plans: StackPlan[] = [];
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      // A plan directory that no plan job filled: every expected root is then reported as missing.
      if (options.allowEmpty) continue;
      throw new InputError('plan', input, 'file not found', 'pass plan JSON files or a directory that holds them');
    }
    if (stat.isDirectory()) {
      const found = jsonFilesUnder(input).flatMap((file) => {
        const json = readJsonFile({ flag: 'plan', file }, 'plan', PLAN_FIX);
        return looksLikePlan(json) ? [parsePlan(json, { flag: 'plan', file })] : [];
      });
      if (found.length === 0 && !options.allowEmpty)
        throw new InputError('plan', input, 'holds no Terraform JSON plan (*.json with format_version and resource_changes)', PLAN_FIX);
      plans.push(...found.map((plan) => ({ stack: stackName(plan.file), account: providerAccount(plan.configuration), plan })));
    } else {
      const file = input;
      const plan = parsePlan(readJsonFile({ flag: 'plan', file }, 'plan', PLAN_FIX), { flag: 'plan', file });
      plans.push({ stack: stackName(file), account: providerAccount(plan.configuration), plan });
    }
  }
  return disambiguate(plans).sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
}

/** Two plans with one stack name keep their file path in the name, so nothing is merged by accident. */
function disambiguate(plans: StackPlan[]): StackPlan[] {
  const counts = new Map<string, number>();
  for (const p of plans) counts.set(p.stack, (counts.get(p.stack) ?? 0) + 1);
  return plans.map((p) => ((counts.get(p.stack) ?? 0) > 1 ? { ...p, stack: `${p.stack} (${p.plan.file})` } : p));
}

interface ConfigModule {
  resources?: { address?: string; expressions?: Record<string, { references?: string[] } | undefined> }[];
  module_calls?: Record<string, { module?: ConfigModule } | undefined>;
}

/**
 * The resources one attribute of a resource refers to in the plan's `configuration`, as full
 * addresses (`module.x.aws_iam_policy.y`): how a value known only after apply is traced to the
 * object that gives it. An instance key (`[0]`, `["a"]`) is ignored: configuration has none.
 */
export function referencedResources(configuration: unknown, address: string, attribute: string): string[] {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  let module = (configuration as { root_module?: ConfigModule } | undefined)?.root_module;
  let prefix = '';
  while (parts[0] === 'module' && parts.length > 2 && module) {
    module = module.module_calls?.[parts[1]]?.module;
    prefix += `module.${parts[1]}.`;
    parts.splice(0, 2);
  }
  const local = parts.join('.');
  const references = module?.resources?.find((r) => r.address === local)?.expressions?.[attribute]?.references ?? [];
  // A resource type is `<provider>_<type>`; var., local., module., count. and the like are not resources.
  const resources = references.filter((r) => /^(data\.)?[a-z0-9]+_[a-z0-9_]*\./.test(r));
  return [...new Set(resources.map((r) => `${prefix}${referencedObject(r)}`))];
}

/** The object a reference names, without the attribute: `aws_iam_policy.p.arn` → `aws_iam_policy.p`. */
export function referencedObject(reference: string): string {
  return reference
    .split('.')
    .slice(0, reference.startsWith('data.') ? 3 : 2)
    .join('.');
}
