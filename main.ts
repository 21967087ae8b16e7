/**
 * The cdktf app entry (`cdktf synth`, `cdktf deploy`). It synthesizes the rollout of the config in
 * KEYSHARE_CONFIG (default: the embedded example) into the directory cdktf asks for. `keyshare synth`
 * does the same with an explicit --config and --out, and writes nothing on failure.
 */
import { loadRollout } from './src/config';
import { buildApp } from './src/stacks/app';
import { runCommand, EXIT } from './src/cli/exit';

void runCommand(() => {
  buildApp(loadRollout(process.env.KEYSHARE_CONFIG ?? 'examples/keyshare.yaml')).synth();
  return EXIT.ok;
});
