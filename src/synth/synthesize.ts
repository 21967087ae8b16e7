import { buildApp } from '../stacks/app';
import { OWNER_STACK } from '../stacks/owner-stack';
import { consumerStackName } from '../stacks/consumer-stack';
import { crossAccountConsumers, Rollout } from '../model/rollout';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { checkOutputDir, OutputRequest, OutputSummary, replaceOutput } from '../output';
import { assertDeployable } from './deployable';

export interface SynthSummary {
  readonly outdir: string;
  readonly stacks: readonly string[];
  readonly consumers: number;
  readonly sameAccount: boolean;
  readonly keyPolicyBytes: number;
  /** Launch steps and least-privilege probes that check proved before anything was written. */
  readonly proven: { readonly steps: number; readonly probes: number };
  readonly output: OutputSummary;
}

/**
 * Synthesizes the rollout into `outdir` all or nothing (src/output): a bad directory is refused
 * before the slow work, and files keyshare did not write there are kept.
 */
export function synthesize(rollout: Rollout, outdir: string): SynthSummary {
  const request: OutputRequest = { dir: outdir, flag: '--out', kind: 'synth' };
  checkOutputDir(request);
  const { report, keyPolicyBytes } = assertDeployable(rollout);
  const output = replaceOutput(request, { stage: (staging) => buildApp(rollout, staging).synth() });
  const cross = crossAccountConsumers(rollout);
  return {
    outdir,
    stacks: [OWNER_STACK, ...cross.map((c) => consumerStackName(c.account))],
    consumers: rollout.consumers.length,
    sameAccount: cross.length < rollout.consumers.length,
    keyPolicyBytes,
    proven: { steps: report.consumers.reduce((n, c) => n + c.steps.length, 0), probes: report.probes.length },
    output,
  };
}

/** How many names a summary line shows before it counts the rest. */
const NAMES_SHOWN = 5;

export function formatSummary(s: SynthSummary): string {
  const consumers = `${plural(s.consumers, 'consumer')}${s.sameAccount ? ' (1 in the owner account, no stack of its own)' : ''}`;
  const o = s.output;
  return [
    `keyshare: synthesized ${plural(s.stacks.length, 'stack')} into ${s.outdir}/stacks: ${firstFew(s.stacks)}`,
    `  ${consumers}; key policy ${s.keyPolicyBytes} of ${KEY_POLICY_MAX_BYTES} bytes`,
    `  check: all ${plural(s.proven.steps, 'launch step')} allowed, all ${plural(s.proven.probes, 'least-privilege probe')} as intended`,
    `  files: ${o.written.length} written (${o.changed.length} changed), ${o.removed.length} removed${o.removed.length ? `: ${firstFew(o.removed)}` : ''}`,
    ...(o.kept.length ? [`  kept ${plural(o.kept.length, 'entry', 'entries')} keyshare did not write: ${firstFew(o.kept)}`] : []),
    `  deploy the owner stack first: ${s.stacks.length > 1 ? `cdktf deploy ${OWNER_STACK} && cdktf deploy 'consumer-*'` : `cdktf deploy ${OWNER_STACK}`}`,
  ].join('\n');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function firstFew(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map((n) => JSON.stringify(n).slice(1, -1)).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}
