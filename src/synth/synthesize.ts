import { buildApp } from '../stacks/app';
import { OWNER_STACK } from '../stacks/owner-stack';
import { consumerStackName } from '../stacks/consumer-stack';
import type { Rollout } from '../model/rollout';
import { crossAccountConsumers } from '../policy/key-policy';
import { checkOutputDir, OutputRequest, OutputSummary, replaceOutput } from '../output';
import { assertDeployable } from './deployable';

export interface SynthOptions {
  /** The config file, as the user named it: every printed next step carries it. */
  readonly config: string;
  /** Native HCL (`cdk.tf`) in place of `cdk.tf.json`. @default cdktf's SYNTH_HCL_OUTPUT, else JSON */
  readonly hcl?: boolean;
}

export interface SynthSummary {
  readonly outdir: string;
  readonly config: string;
  readonly stacks: readonly string[];
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
 * before the slow work, and files keyshare did not write there are kept.
 */
export function synthesize(rollout: Rollout, outdir: string, options: SynthOptions): SynthSummary {
  const request: OutputRequest = { dir: outdir, flag: '--out', kind: 'synth' };
  checkOutputDir(request);
  const { proven, assumptions, keyPolicyBytes } = assertDeployable(rollout);
  // A whole new output replaces the old: `cdk.tf` replaces `cdk.tf.json`, and the reverse.
  const output = replaceOutput(request, { stage: (staging) => buildApp(rollout, staging, { hcl: options.hcl }).synth() });
  const cross = crossAccountConsumers(rollout);
  return {
    outdir,
    config: options.config,
    stacks: [OWNER_STACK, ...cross.map((c) => consumerStackName(c.account))],
    consumers: rollout.consumers.length,
    sameAccount: cross.length < rollout.consumers.length,
    keyPolicyBytes,
    proven,
    assumptions,
    output,
  };
}
