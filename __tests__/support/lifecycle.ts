import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { main } from '../../src/cli/main';
import type { Rollout } from '../../src/model/rollout';
import type { PolicyDocument } from '../../src/policy/document';
import { startAwsEndpoint, type AwsEndpoint, type RecordedCall } from './aws/endpoint';
import { ADMINISTRATOR, trustAccount, World, type Credentials } from './aws/world';
import { PLUGIN_DIR, startAwsProvider, type RunningProvider } from './aws-provider';
import { rollout as parse } from './rollouts';
import { tempDir } from './temp';
import { requireTerraform } from './terraform';

const run = promisify(execFile);

/** Runs the CLI's `main` in this process (no node start-up), with what it writes captured instead of printed. */
async function inProcess(args: string[]): Promise<{ code: number; output: string }> {
  const chunks: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture = (chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0;
  const before = process.exitCode;
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    process.exitCode = undefined;
    await main(args);
    return { code: Number(process.exitCode ?? 0), output: chunks.join('') };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.exitCode = before;
  }
}

/**
 * The deploy lifecycle with the real AWS provider against the tests' own AWS endpoint: keyshare
 * synthesizes its stacks as a user runs it, and each stack is applied, planned and destroyed by real
 * Terraform, whose provider talks to the endpoint. The endpoint is named only in an override file
 * per stack (`*_override.tf.json`, https://developer.hashicorp.com/terraform/language/files/override):
 * the provider's `endpoints`, `skip_*` settings and CI's credentials; nothing keyshare writes is edited.
 *
 * Reusable: `Lifecycle.start()` in `beforeAll`, `stop()` in `afterAll`; `synth(yaml)`, then
 * `apply`, `plan`, `destroy` per stack; `calls()` are the AWS calls with the resource type that made them.
 */

/** The account CI's credentials belong to; stacks assume their deploy role from it. */
export const CI_ACCOUNT = '999988887777';

/** Every AWS call of a terraform command, joined with what the provider logged about it. */
export interface AttributedCall extends RecordedCall {
  readonly stack: string;
  readonly command: string;
  /** `aws_kms_grant`, `data.aws_kms_key`, or `provider` (its own configuration: AssumeRole, GetCallerIdentity). */
  readonly type: string;
  /** configure, read (a refresh or a data source), plan, create, update or delete. */
  readonly phase: string;
}

export interface TerraformResult {
  readonly code: number;
  /** CPU seconds of the terraform process and of the provider serving it, for the suite's cost. */
  readonly cpu: { readonly terraform: number; readonly provider: number };
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: AttributedCall[];
}

/** Each call of a command as `type phase service:action [error]`. */
export const described = (r: TerraformResult | readonly AttributedCall[]) =>
  ('calls' in r ? r.calls : r).map((c) => `${c.type} ${c.phase} ${c.service}:${c.action}${c.error ? ` ${c.error}` : ''}`);

/** Every call served, none refused: what a deploy role with these permissions and this key policy can do. */
export function allServed(r: TerraformResult): void {
  expect(
    r.calls
      .filter((c) => c.status !== 200 || c.unknown)
      .map((c) => `${c.stack} ${c.type} ${c.phase} ${c.service}:${c.action} ${c.error} ${c.message}`),
  ).toEqual([]);
}

export interface SeedOptions {
  /** The identity policy of every deploy role; default: an administrator's, so that key policies alone decide. */
  readonly deployRolePolicy?: (account: string) => PolicyDocument;
}

/**
 * Seeds what exists before keyshare runs: deploy roles, key administrators, the roles its policy
 * attaches to, the service-linked roles it does not create, the AMIs and their snapshots.
 */
export function seedWorld(world: World, rollout: Rollout, opts: SeedOptions = {}): void {
  const policy = opts.deployRolePolicy ?? (() => ADMINISTRATOR);
  const accounts = new Set([rollout.owner.account, ...rollout.consumers.map((c) => c.account)]);
  if (rollout.organization) for (const a of accounts) if (!world.accounts.has(a)) world.joinOrganization(a, rollout.organization.id);
  const role = (account: string, name: string, extra: Parameters<World['addRole']>[2] = {}) => {
    if (!world.account(account).roles.has(name)) world.addRole(account, name, extra);
  };
  for (const arn of [rollout.owner.deployRoleArn, ...rollout.consumers.map((c) => c.deployRoleArn)]) {
    if (!arn) continue;
    const [, , , , account, resource] = arn.split(':');
    role(account, resource.split('/').pop()!, { trust: trustAccount(CI_ACCOUNT), policy: policy(account) });
  }
  for (const arn of rollout.key.administrators) role(arn.split(':')[4], arn.split('/').pop()!);
  for (const c of rollout.consumers) {
    for (const name of c.attachPolicyToRoles) role(c.account, name);
    if (!c.createServiceLinkedRole) {
      const name = `AWSServiceRoleForAutoScaling${c.serviceLinkedRoleSuffix ? `_${c.serviceLinkedRoleSuffix}` : ''}`;
      role(c.account, name, { path: '/aws-service-role/autoscaling.amazonaws.com/' });
    }
  }
  const owner = world.account(rollout.owner.account);
  for (const ami of rollout.amis) {
    if (!owner.images.has(ami.id)) owner.images.set(ami.id, { id: ami.id, snapshotIds: ami.snapshotIds, launchPermissions: [] });
    for (const s of ami.snapshotIds) if (!owner.snapshots.has(s)) owner.snapshots.set(s, { id: s, createVolumeUserIds: new Set() });
  }
}

const APPLY_ACTIONS: Record<string, string> = { create: 'create', update: 'update', delete: 'delete', replace: 'create' };

export class Lifecycle {
  private readonly ci: Credentials;
  private readonly users = new Map<string, Credentials>();
  /** Every attributed call of every command, in order. */
  readonly history: AttributedCall[] = [];
  /** CPU seconds per command, and its wall time (mostly the provider's own waits for propagation). */
  readonly cpu: { stack: string; command: string; terraform: number; provider: number; wall: number }[] = [];

  private constructor(
    readonly dir: string,
    readonly world: World,
    readonly endpoint: AwsEndpoint,
    readonly provider: RunningProvider,
  ) {
    this.ci = world.addUser(CI_ACCOUNT, 'ci');
  }

  static async start(): Promise<Lifecycle> {
    requireTerraform('the deploy lifecycle applies, plans and destroys every stack');
    const provider = await startAwsProvider();
    const world = new World();
    // An endpoint that fails to start must not leave the provider (and its proxy) holding the jest worker.
    const endpoint = await startAwsEndpoint(world).catch(async (e: unknown) => {
      await provider.stop();
      throw e;
    });
    return new Lifecycle(tempDir('keyshare-lifecycle-'), world, endpoint, provider);
  }

  async stop(): Promise<void> {
    await Promise.all([this.provider.stop(), this.endpoint.close()]);
  }

  get out(): string {
    return path.join(this.dir, 'out');
  }

  stackDir(stack: string): string {
    return path.join(this.out, 'stacks', stack);
  }

  stacks(): string[] {
    // A stack keyshare no longer writes keeps its directory while Terraform's files are in it: not a stack.
    const dir = path.join(this.out, 'stacks');
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((s) => fs.existsSync(path.join(dir, s, 'cdk.tf.json')))
          .sort()
      : [];
  }

  /**
   * `keyshare synth` of `yaml` (with `flags`, e.g. `--forget`), as a user runs it; seeds what the
   * config assumes exists and points every stack at the endpoint.
   */
  async synth(yaml: string, seed: SeedOptions = {}, flags: readonly string[] = []): Promise<string> {
    seedWorld(this.world, parse(yaml), seed);
    const config = path.join(this.dir, 'keyshare.yaml');
    fs.writeFileSync(config, yaml);
    const { code, output } = await inProcess(['synth', '--config', config, '--out', this.out, ...flags]);
    if (code) throw new Error(`keyshare synth exited ${code}:\n${output}`);
    for (const stack of this.stacks()) this.pointAtEndpoint(stack);
    return output;
  }

  /** Another working directory (its own config, stacks and local state) in the same accounts, endpoint and provider. */
  workspace(name: string): Lifecycle {
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    return Object.assign(Object.create(Lifecycle.prototype) as Lifecycle, { ...this, dir });
  }

  /** `text` with this run's endpoint address and credentials replaced by fixed stand-ins, for committed fixtures. */
  redact(text: string): string {
    let out = text.split(this.endpoint.url).join('http://127.0.0.1:4566');
    for (const c of this.world.credentials.values()) {
      out = out.split(c.secretAccessKey).join('test-secret-key').split(c.accessKeyId).join('test-access-key');
      if (c.sessionToken) out = out.split(c.sessionToken).join('test-session-token');
    }
    return out;
  }

  /** The override file: the endpoint, no instance metadata, and credentials (CI's where the stack assumes a role, else the account's own). */
  private pointAtEndpoint(stack: string): void {
    const main = JSON.parse(fs.readFileSync(path.join(this.stackDir(stack), 'cdk.tf.json'), 'utf8'));
    const provider = [main.provider?.aws ?? []].flat()[0] ?? {};
    const account: string = provider.allowed_account_ids?.[0] ?? CI_ACCOUNT;
    let creds = this.ci;
    if (!provider.assume_role) {
      creds = this.users.get(account) ?? this.world.addUser(account, 'deployer');
      this.users.set(account, creds);
    }
    const url = this.endpoint.url;
    const override = {
      provider: {
        aws: {
          access_key: creds.accessKeyId,
          secret_key: creds.secretAccessKey,
          endpoints: [{ kms: url, iam: url, sts: url, ec2: url }],
          skip_metadata_api_check: true,
          skip_region_validation: true,
        },
      },
    };
    fs.writeFileSync(path.join(this.stackDir(stack), 'keyshare_test_override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
  }

  private async terraform(stack: string, args: string[], okCodes: number[] = [0]): Promise<TerraformResult> {
    const dir = this.stackDir(stack);
    const env = {
      ...process.env,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      NO_COLOR: '1',
      CHECKPOINT_DISABLE: '1',
      TF_REATTACH_PROVIDERS: this.provider.reattach,
      TF_CLI_CONFIG_FILE: '/dev/null',
    };
    const first = this.endpoint.calls.length;
    let code = 0;
    let stdout = '';
    let stderr = '';
    const providerBefore = this.provider.cpuSeconds();
    const started = Date.now();
    // The shell's `times` reports the CPU terraform used (children's user and system time).
    const script = 'terraform "$@"; rc=$?; times >&2; exit $rc';
    try {
      ({ stdout, stderr } = await run('sh', ['-c', script, 'sh', ...args], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }));
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
      code = typeof err.code === 'number' ? err.code : -1;
      stdout = err.stdout ?? '';
      stderr = err.stderr ?? err.message;
    }
    const times = [...stderr.matchAll(/(\d+)m([\d.]+)s/g)].slice(-4).map((m) => Number(m[1]) * 60 + Number(m[2]));
    stderr = stderr.replace(/\n?[^\n]*m[\d.]+s[^\n]*\n[^\n]*m[\d.]+s[^\n]*\n?$/, '');
    const cpu = { terraform: (times[2] ?? 0) + (times[3] ?? 0), provider: this.provider.cpuSeconds() - providerBefore };
    this.cpu.push({ stack, command: args[0], ...cpu, wall: (Date.now() - started) / 1000 });
    const calls = this.attribute(stack, args[0], this.endpoint.calls.slice(first), stdout);
    this.history.push(...calls);
    const result = { code, cpu, stdout, stderr, calls };
    if (!okCodes.includes(code)) {
      const messages = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { '@level': string; '@message': string; diagnostic?: { detail?: string } })
        .filter((m) => m['@level'] === 'error')
        .map((m) => `${m['@message']} ${m.diagnostic?.detail ?? ''}`);
      throw Object.assign(new Error(`terraform ${args.join(' ')} in ${stack} exited ${code}:\n${[...messages, stderr].join('\n')}`), { result });
    }
    return result;
  }

  /**
   * Joins the endpoint's records with the provider's log (by request ID) for the type and RPC; an
   * ApplyResourceChange is a create, update or delete as Terraform's own `-json` events say: the
   * action of the resource of that type being applied when the call arrived.
   */
  private attribute(stack: string, command: string, calls: RecordedCall[], stdout: string): AttributedCall[] {
    const windows: { type: string; action: string; from: number; to: number }[] = [];
    const open = new Map<string, { type: string; action: string; from: number }>();
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const e = JSON.parse(line) as {
        type: string;
        '@timestamp': string;
        hook?: { resource: { addr: string; resource_type: string }; action: string };
      };
      if (!e.hook?.resource) continue;
      const at = Date.parse(e['@timestamp']);
      if (e.type === 'apply_start') open.set(e.hook.resource.addr, { type: e.hook.resource.resource_type, action: e.hook.action, from: at });
      if (e.type === 'apply_complete' || e.type === 'apply_errored') {
        const o = open.get(e.hook.resource.addr);
        if (o) windows.push({ ...o, to: at });
        open.delete(e.hook.resource.addr);
      }
    }
    for (const o of open.values()) windows.push({ ...o, to: Number.POSITIVE_INFINITY });
    return calls.map((call) => {
      const logged = this.provider.calls.get(call.requestId);
      const type = logged?.type ?? 'unattributed';
      const rpc = logged?.rpc ?? 'unknown';
      let phase = { ConfigureProvider: 'configure', ReadDataSource: 'read', ReadResource: 'read', PlanResourceChange: 'plan' }[rpc] ?? rpc;
      if (rpc === 'ApplyResourceChange') {
        const at = call.at;
        const inWindow = windows.filter((w) => w.type === type && w.from - 5 <= at && at <= w.to + 5);
        const actions = [...new Set((inWindow.length ? inWindow : windows.filter((w) => w.type === type)).map((w) => w.action))];
        phase = actions.length === 1 ? (APPLY_ACTIONS[actions[0]] ?? actions[0]) : `apply(${actions.join('|')})`;
      }
      return { ...call, stack, command, type, phase };
    });
  }

  async init(stack: string): Promise<TerraformResult> {
    return this.terraform(stack, ['init', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`]);
  }

  /** `terraform apply -auto-approve` with `options` (`-target=…`); with `planFile`, applies that saved plan. */
  async apply(stack: string, planFile?: string, options: readonly string[] = []): Promise<TerraformResult> {
    if (!fs.existsSync(path.join(this.stackDir(stack), '.terraform'))) await this.init(stack);
    return this.terraform(stack, ['apply', '-json', '-input=false', '-lock=false', ...options, ...(planFile ? [planFile] : ['-auto-approve'])]);
  }

  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes; with `out`, saves the plan there. */
  async plan(stack: string, opts: { out?: string; destroy?: boolean } = {}): Promise<TerraformResult> {
    if (!fs.existsSync(path.join(this.stackDir(stack), '.terraform'))) await this.init(stack);
    const args = ['plan', '-json', '-input=false', '-lock=false', '-detailed-exitcode', ...(opts.out ? [`-out=${opts.out}`] : [])];
    return this.terraform(stack, [...args, ...(opts.destroy ? ['-destroy'] : [])], [0, 2]);
  }

  /**
   * Plans (or plans the destroy of) a stack into a file, reads it as `terraform show -json` prints it,
   * then applies that very plan: the real plan of the change, for review's fixtures.
   */
  async planApply(stack: string, opts: { destroy?: boolean } = {}): Promise<{ plan: any; applied: TerraformResult }> {
    const file = `keyshare-${Date.now()}.tfplan`;
    await this.plan(stack, { out: file, destroy: opts.destroy });
    const plan = await this.show(stack, file);
    const applied = await this.apply(stack, file);
    fs.rmSync(path.join(this.stackDir(stack), file), { force: true });
    return { plan, applied };
  }

  /** The saved plan in Terraform's JSON output format (`terraform show -json`). */
  async show(stack: string, planFile: string): Promise<any> {
    return JSON.parse((await this.terraform(stack, ['show', '-json', '-no-color', planFile])).stdout);
  }

  async destroy(stack: string): Promise<TerraformResult> {
    if (!fs.existsSync(path.join(this.stackDir(stack), '.terraform'))) await this.init(stack);
    return this.terraform(stack, ['destroy', '-json', '-auto-approve', '-input=false', '-lock=false']);
  }

  /** The resources in a stack's state. */
  async state(stack: string): Promise<string[]> {
    const r = await this.terraform(stack, ['state', 'list']);
    return r.stdout.split('\n').filter(Boolean);
  }
}
