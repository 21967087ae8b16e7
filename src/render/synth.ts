import { oneLine } from '../errors';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { OWNER_STACK } from '../stacks/owner-stack';
import type { SynthSummary } from '../synth/synthesize';

/** How many names a summary line shows before it counts the rest. */
const NAMES_SHOWN = 5;

/** What synth wrote, in a few lines; the output directory's manifest lists every file. */
export function synthSummaryText(s: SynthSummary): string {
  const consumers = `${plural(s.consumers, 'consumer')}${s.sameAccount ? ' (1 in the owner account, no stack of its own)' : ''}`;
  const o = s.output;
  return [
    `keyshare: synthesized ${plural(s.stacks.length, 'stack')} into ${oneLine(s.outdir)}/stacks: ${firstFew(s.stacks)}`,
    `  ${consumers}; key policy ${s.keyPolicyBytes} of ${KEY_POLICY_MAX_BYTES} bytes`,
    `  check: all ${plural(s.proven.steps, 'launch step')} allowed, all ${plural(s.proven.probes, 'least-privilege probe')} as intended`,
    '  assuming (not proven):',
    ...s.assumptions.map((a) => `    - ${a}`),
    `  files: ${o.written.length} written (${o.changed.length} changed), ${o.removed.length} removed${o.removed.length ? `: ${firstFew(o.removed)}` : ''}`,
    ...(o.kept.length ? [`  kept ${plural(o.kept.length, 'entry', 'entries')} keyshare did not write: ${firstFew(o.kept)}`] : []),
    `  deploy the owner stack first: ${s.stacks.length > 1 ? `cdktf deploy ${OWNER_STACK} && cdktf deploy 'consumer-*'` : `cdktf deploy ${OWNER_STACK}`}`,
  ].join('\n') + '\n';
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function firstFew(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map(oneLine).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}
