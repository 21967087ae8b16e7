import * as fs from 'fs';
import * as path from 'path';
import { buildApp } from '../stacks/app';
import { OWNER_STACK } from '../stacks/owner-stack';
import { consumerStackName } from '../stacks/consumer-stack';
import { crossAccountConsumers, Rollout } from '../model/rollout';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { InputError } from '../errors';
import { assertDeployable } from './deployable';

export interface SynthSummary {
  readonly outdir: string;
  readonly stacks: readonly string[];
  readonly consumers: number;
  readonly sameAccount: boolean;
  readonly keyPolicyBytes: number;
  /** Launch steps and least-privilege probes that check proved before anything was written. */
  readonly proven: { readonly steps: number; readonly probes: number };
}

/**
 * Synthesizes the rollout into `outdir` all or nothing: into a sibling temporary directory first,
 * swapped in only when synthesis succeeded, so a failure never leaves partial output behind.
 */
export function synthesize(rollout: Rollout, outdir: string): SynthSummary {
  const final = path.resolve(outdir);
  assertReplaceable(outdir, final);
  const { report, keyPolicyBytes } = assertDeployable(rollout);
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(final), `.${path.basename(final)}.staging-`));
  try {
    buildApp(rollout, staging).synth();
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(staging, final);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const cross = crossAccountConsumers(rollout);
  return {
    outdir,
    stacks: [OWNER_STACK, ...cross.map((c) => consumerStackName(c.account))],
    consumers: rollout.consumers.length,
    sameAccount: cross.length < rollout.consumers.length,
    keyPolicyBytes,
    proven: { steps: report.consumers.reduce((n, c) => n + c.steps.length, 0), probes: report.probes.length },
  };
}

/** Only a previous synth output (it has a manifest) or an empty directory is ever replaced. */
function assertReplaceable(given: string, final: string): void {
  if (!fs.existsSync(final)) return;
  const isDir = fs.statSync(final).isDirectory();
  if (isDir && (fs.readdirSync(final).length === 0 || fs.existsSync(path.join(final, 'manifest.json')))) return;
  throw new InputError(
    '--out',
    given,
    isDir ? 'the directory exists and is not synth output (no manifest.json), so keyshare will not replace it' : 'the path exists and is not a directory',
    'name a new or empty directory, or a previous synth output such as cdktf.out',
  );
}

export function formatSummary(s: SynthSummary): string {
  const consumers = `${s.consumers} consumer${s.consumers === 1 ? '' : 's'}${s.sameAccount ? ' (1 in the owner account, no stack of its own)' : ''}`;
  return [
    `keyshare: synthesized ${s.stacks.length} stacks into ${s.outdir}/stacks: ${s.stacks.join(', ')}`,
    `  ${consumers}; key policy ${s.keyPolicyBytes} of ${KEY_POLICY_MAX_BYTES} bytes`,
    `  check: all ${s.proven.steps} launch steps allowed, all ${s.proven.probes} least-privilege probes as intended`,
    `  deploy the owner stack first: ${s.stacks.length > 1 ? `cdktf deploy ${OWNER_STACK} && cdktf deploy 'consumer-*'` : `cdktf deploy ${OWNER_STACK}`}`,
  ].join('\n');
}
