import { oneLine } from '../errors';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { OWNER_STACK } from '../stacks/owner-stack';
import type { SynthSummary } from './synthesize';
import { renderTemplate } from '../templates/engine';

/** How many names a summary line shows before it counts the rest. */
const NAMES_SHOWN = 5;

/** What synth wrote, in a few lines; the output directory's manifest lists every file. */
export function synthSummaryText(s: SynthSummary): string {
  const o = s.output;
  return renderTemplate('synth.txt', {
    outdir: oneLine(s.outdir),
    stacks: s.stacks,
    stacksShown: firstFew(s.stacks),
    consumers: s.consumers,
    sameAccount: s.sameAccount,
    keyPolicyBytes: s.keyPolicyBytes,
    maxBytes: KEY_POLICY_MAX_BYTES,
    steps: s.proven.steps,
    probes: s.proven.probes,
    assumptions: s.assumptions,
    written: o.written.length,
    changed: o.changed.length,
    removed: o.removed,
    removedShown: firstFew(o.removed),
    kept: o.kept,
    keptShown: firstFew(o.kept),
    deploy: s.stacks.length > 1 ? `cdktf deploy ${OWNER_STACK} && cdktf deploy 'consumer-*'` : `cdktf deploy ${OWNER_STACK}`,
  });
}

function firstFew(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map(oneLine).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}
