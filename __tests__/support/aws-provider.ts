import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { startProviderProxy, type ProviderProxy } from './provider-proxy';

/**
 * The real hashicorp/aws provider, from the filesystem mirror on these machines
 * ($KEYSHARE_TF_PLUGIN_DIR, default /opt/tf-plugins, in Terraform's unpacked mirror layout:
 * https://developer.hashicorp.com/terraform/cli/config/config-file#filesystem_mirror).
 *
 * The provider starts once per test file, in its debug mode, and every terraform command reattaches
 * to it (TF_REATTACH_PROVIDERS, https://developer.hashicorp.com/terraform/plugin/debugging#running-terraform-with-a-provider-in-debug-mode):
 * starting the 700 MB provider costs seconds of CPU, and Terraform would start it two or three times
 * per command. One provider process serves one terraform command at a time: its configuration
 * (credentials, account) is per process. Terraform reaches it through provider-proxy.ts, which
 * answers a repeated schema or provider-configuration validation from memory.
 */

export const PLUGIN_DIR = process.env.KEYSHARE_TF_PLUGIN_DIR ?? '/opt/tf-plugins';
export const AWS_PROVIDER_VERSION = '5.100.0';
const PLATFORM = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;

/** The provider binary in the mirror; fails, loudly, saying what to install where, when it is missing. */
export function requireAwsProvider(purpose = 'it runs the real AWS provider'): string {
  const dir = path.join(PLUGIN_DIR, 'registry.terraform.io/hashicorp/aws', AWS_PROVIDER_VERSION, PLATFORM);
  const binary = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith('terraform-provider-aws')) : undefined;
  if (!binary) {
    throw new Error(
      `the AWS provider ${AWS_PROVIDER_VERSION} is not in the filesystem mirror ${PLUGIN_DIR} (looked for ${dir}/terraform-provider-aws_v${AWS_PROVIDER_VERSION}_x5), and this test needs it: ${purpose}. ` +
        `Unpack the provider's release zip there (or set KEYSHARE_TF_PLUGIN_DIR to a mirror that has it) and run the tests again.`,
    );
  }
  return path.join(dir, binary);
}

/** One AWS call as the provider logged it: which resource or data source type made it, in which RPC. */
export interface ProviderCall {
  readonly requestId: string;
  readonly method: string;
  /** `aws_kms_grant`, or `data.aws_kms_key`; `provider` for the provider's own configuration. */
  readonly type: string;
  /** Terraform's RPC: ConfigureProvider, ReadDataSource, ReadResource, PlanResourceChange, ApplyResourceChange. */
  readonly rpc: string;
}

export interface RunningProvider {
  /** TF_REATTACH_PROVIDERS for terraform. */
  readonly reattach: string;
  /** Every AWS response the provider received, by request ID, as it logged it. */
  readonly calls: Map<string, ProviderCall>;
  /** What Terraform reaches the provider through (provider-proxy.ts). */
  readonly proxy: ProviderProxy;
  /** CPU seconds the provider process has used so far (user and system), where /proc tells it. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** terraform-plugin-log's SDK subsystems (https://developer.hashicorp.com/terraform/plugin/log/managing#enable-logging). */
const SDK_LOGS_OFF = Object.fromEntries(
  ['TF_LOG_SDK', 'TF_LOG_SDK_PROTO', 'TF_LOG_SDK_MUX', 'TF_LOG_SDK_HELPER_SCHEMA', 'TF_LOG_SDK_HELPER_RESOURCE', 'TF_LOG_SDK_FRAMEWORK'].map((k) => [
    k,
    'OFF',
  ]),
);

/** Go's collector, rarely: the provider's heap is mostly its schema, and collecting it cost about a third of its CPU per command. */
const GC = { GOGC: 'off', GOMEMLIMIT: '1536MiB' };

export async function startAwsProvider(): Promise<RunningProvider> {
  const binary = requireAwsProvider();
  // DEBUG makes the provider log every AWS request and response with the resource type and RPC that made it.
  // In debug mode the SDK's own loggers trace every gRPC call and schema entry (MBs per command): off.
  // No AWS_* variable of the machine's reaches it (a profile, a CA bundle): the override files say everything.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const child: ChildProcess = spawn(binary, ['-debug'], {
    env: { ...env, ...SDK_LOGS_OFF, ...GC, TF_LOG_PROVIDER: 'DEBUG' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const calls = new Map<string, ProviderCall>();
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    if (!line.includes('HTTP Response Received')) return;
    let entry: Record<string, string>;
    try {
      entry = JSON.parse(line) as Record<string, string>;
    } catch {
      return;
    }
    const requestId = entry['http.response.header.x_amzn_requestid'];
    if (!requestId) return;
    const type = entry.tf_resource_type ?? (entry.tf_data_source_type ? `data.${entry.tf_data_source_type}` : 'provider');
    calls.set(requestId, { requestId, method: entry['rpc.method'], type, rpc: entry.tf_rpc ?? 'ConfigureProvider' });
  });
  const reattach = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the AWS provider did not start in debug mode within 120 s: ${out}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      // A provider that dies at start must not leave the 120 s timer holding the jest worker open.
      clearTimeout(timer);
      reject(new Error(`the AWS provider exited (${code}) before it started: ${out}`));
    });
  });
  const proxy = await startProviderProxy(reattachSocket(reattach));
  return {
    reattach: throughProxy(reattach, proxy.socket),
    calls,
    proxy,
    cpuSeconds: () => procCpuSeconds(child.pid),
    stop: async () => {
      await proxy.close();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
    },
  };
}

interface ReattachConfig {
  readonly Addr: { readonly Network: string; readonly String: string };
}

/** The provider's own socket, from TF_REATTACH_PROVIDERS (one provider, addressed by its source). */
function reattachSocket(reattach: string): string {
  const [config] = Object.values(JSON.parse(reattach) as Record<string, ReattachConfig>);
  if (config.Addr.Network !== 'unix') throw new Error(`the AWS provider listens on ${config.Addr.Network}, not a unix socket: ${reattach}`);
  return config.Addr.String;
}

/** TF_REATTACH_PROVIDERS with the proxy's socket for the provider's. */
function throughProxy(reattach: string, socket: string): string {
  const configs = JSON.parse(reattach) as Record<string, ReattachConfig>;
  return JSON.stringify(Object.fromEntries(Object.entries(configs).map(([source, c]) => [source, { ...c, Addr: { ...c.Addr, String: socket } }])));
}

/** utime + stime of a process from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
export function procCpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
