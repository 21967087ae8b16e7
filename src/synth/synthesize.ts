import { buildApp } from '../stacks/app';
import { OWNER_STACK } from '../stacks/owner-stack';
import { consumerStackName } from '../stacks/consumer-stack';
import type { Rollout } from '../model/rollout';
import { crossAccountConsumers } from '../policy/key-policy';
import { checkOutputDir, OutputRequest, OutputSummary, replaceOutput } from '../output';
import { assertDeployable } from './deployable';
import { previousConsumerStacks, rolloutWithTombstones } from './tombstones';

export interface SynthOptions {
  /** The config file, as the user named it: every printed next step carries it. */
  readonly config: string;
  /** Native HCL (`cdk.tf`) in place of `cdk.tf.json`. @default cdktf's SYNTH_HCL_OUTPUT, else JSON */
  readonly hcl?: boolean;
  /** `--forget`: removed consumers whose tombstone's apply destroyed their stack: the tombstone goes, and the account leaves the key policy. */
  readonly forget?: readonly string[];
}

export interface SynthSummary {
  readonly outdir: string;
  readonly config: string;
  readonly stacks: readonly string[];
  /** Tombstone stacks: consumers that left, whose apply destroys what their stack holds. */
  readonly tombstones: readonly { readonly account: string; readonly stack: string }[];
  /** Accounts whose tombstone `--forget` dropped. */
  readonly forgotten: readonly string[];
  /** The `--hcl` synth wrote, which the printed `synth --forget` repeats. */
  readonly hcl: boolean;
  readonly consumers: number;
  readonly sameAccount: boolean;
  readonly keyPolicyBytes: number;
  /** Launch steps and least-privilege probes that check proved before anything was written. */
  readonly proven: { readonly steps: number; readonly deploySteps: number; readonly probes: number };
  /** What check's proof rests on without proving it (check's own list). */
  readonly assumptions: readonly string[];
  readonly output: OutputSummary;
}

/**
 * Synthesizes the rollout into `outdir` all or nothing (src/output): a bad directory is refused
 * before the slow work, and files keyshare did not write there are kept. A consumer the previous
 * output had a stack for and the config no longer lists keeps a tombstone stack (src/stacks/tombstone-stack.ts)
 * until `forget` names it.
 */
export function synthesize(config: Rollout, outdir: string, options: SynthOptions): SynthSummary {
  const request: OutputRequest = { dir: outdir, flag: '--out', kind: 'synth' };
  checkOutputDir(request);
  const forget = options.forget ?? [];
  const rollout = rolloutWithTombstones(outdir, config, previousConsumerStacks(outdir), forget);
  const { proven, assumptions, keyPolicyBytes } = assertDeployable(rollout);
  // A whole new output replaces the old: `cdk.tf` replaces `cdk.tf.json`, and the reverse.
  const output = replaceOutput(request, { stage: (staging) => buildApp(rollout, staging, { hcl: options.hcl }).synth() });
  const cross = crossAccountConsumers(rollout);
  return {
    outdir,
    config: options.config,
    stacks: [OWNER_STACK, ...cross.map((c) => consumerStackName(c.account))],
    tombstones: (rollout.leaving ?? []).map((l) => ({ account: l.account, stack: consumerStackName(l.account) })),
    forgotten: [...forget].sort(),
    hcl: options.hcl ?? false,
    consumers: rollout.consumers.length,
    sameAccount: cross.length < rollout.consumers.length,
    keyPolicyBytes,
    proven,
    assumptions,
    output,
  };
}
