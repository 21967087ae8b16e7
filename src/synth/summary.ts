import { oneLine } from '../errors';
import { KEY_POLICY_MAX_BYTES } from '../policy/document';
import { ANY_CONSUMER_STACK_TYPES, teardownKeyPolicyActions } from '../policy/deploy-path';
import { OWNER_STACK } from '../stacks/owner-stack';
import type { SynthSummary } from './synthesize';
import { renderTemplate } from '../templates/engine';
import { quote } from 'shell-quote';

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
    deploySteps: s.proven.deploySteps,
    probes: s.proven.probes,
    assumptions: s.assumptions,
    written: o.written.length,
    changed: o.changed.length,
    removed: o.removed,
    removedShown: firstFew(o.removed),
    kept: o.kept,
    keptShown: firstFew(o.kept),
    deploy: deployCommands(s),
    terraform: terraformCommand(s.outdir, OWNER_STACK),
    tombstones: s.tombstones.map((t) => ({ stack: oneLine(t.stack), apply: terraformCommand(s.outdir, t.stack) })),
    tombstonesShown: firstFew(s.tombstones.map((t) => t.stack)),
    forget: s.tombstones.length > 0 ? forgetCommand(s) : '',
    forgotten: s.forgotten.join(', '),
    forgottenCount: s.forgotten.length,
    teardownActions: teardownKeyPolicyActions(ANY_CONSUMER_STACK_TYPES).join(', '),
  });
}

/** Drops every tombstone once its apply destroyed what its stack held; the account then leaves the key policy. */
function forgetCommand(s: SynthSummary): string {
  const accounts = s.tombstones.map((t) => t.account);
  return oneLine(`keyshare synth --config ${quote([s.config])} --out ${quote([s.outdir])}${s.hcl ? ' --hcl' : ''} --forget ${quote(accounts)}`);
}

/**
 * The next steps, each with the config and the output directory synth used: `cdktf deploy`
 * synthesizes again, from KEYSHARE_CONFIG (else the embedded example) into `--output`. Every value
 * is quoted for a POSIX shell; the rest is one line (oneLine).
 */
function deployCommands(s: SynthSummary): string[] {
  const cdktf = (stacks: string) => oneLine(`KEYSHARE_CONFIG=${quote([s.config])} npx cdktf deploy --output ${quote([s.outdir])} ${stacks}`);
  return s.stacks.length > 1 ? [cdktf(OWNER_STACK), cdktf(quote(['consumer-*']))] : [cdktf(OWNER_STACK)];
}

function terraformCommand(outdir: string, stack: string): string {
  const dir = quote([`${outdir}/stacks/${stack}`]);
  return oneLine(`terraform -chdir=${dir} init && terraform -chdir=${dir} apply`);
}

function firstFew(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map(oneLine).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}
