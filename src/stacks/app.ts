import { App } from 'cdktf';
import { ConsumerStack } from './consumer-stack';
import { OwnerStack } from './owner-stack';
import { TombstoneStack } from './tombstone-stack';
import type { Rollout } from '../model/rollout';
import { crossAccountConsumers } from '../policy/key-policy';
import { recordTokenStackTracesIfDebugging } from './token-stack-traces';

/**
 * The whole rollout as one cdktf app: the owner stack, then one stack per cross-account consumer
 * that depends on it (deploy order: owner first), and a tombstone stack for each consumer that left
 * (`rollout.leaving`). The same-account consumer needs no stack of its own; the key policy names its role.
 */
export function buildApp(rollout: Rollout, outdir?: string, options: { readonly hcl?: boolean } = {}): App {
  recordTokenStackTracesIfDebugging();
  // hclOutput unset: cdktf reads SYNTH_HCL_OUTPUT, which `cdktf synth --hcl` sets.
  const app = new App({ outdir, skipValidation: false, ...(options.hcl ? { hclOutput: true } : {}) });
  const owner = new OwnerStack(app, rollout);
  for (const consumer of crossAccountConsumers(rollout)) new ConsumerStack(app, rollout, consumer).addDependency(owner);
  // No dependency on the owner: a tombstone's destroy comes first (the owner's key policy keeps the account for it meanwhile).
  for (const leaving of rollout.leaving ?? []) new TombstoneStack(app, leaving);
  return app;
}
