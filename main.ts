/**
 * The cdktf app entry (`cdktf synth`, `cdktf deploy`). It synthesizes the rollout of the config in
 * KEYSHARE_CONFIG (default: the embedded example) into the directory cdktf asks for. `keyshare synth`
 * does the same with an explicit --config and --out, and writes nothing on failure.
 */
import { loadRollout } from './src/config';
import { buildApp } from './src/stacks/app';
import { assertDeployable } from './src/synth/deployable';
import { runCommand, EXIT } from './src/cli/exit';

// As in bin/keyshare.js: source-mapping cdktf's stack traces costs half the synth time.
if (!process.env.KEYSHARE_DEBUG) process.setSourceMapsEnabled(false);

void runCommand(() => {
  const rollout = loadRollout(process.env.KEYSHARE_CONFIG ?? 'examples/keyshare.yaml');
  assertDeployable(rollout);
  buildApp(rollout).synth();
  return EXIT.ok;
});
