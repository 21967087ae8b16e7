/**
 * The cdktf app entry (`cdktf synth`, `cdktf deploy`). It synthesizes the rollout of the config in
 * KEYSHARE_CONFIG (default: the embedded example) into the directory cdktf asks for. `keyshare synth`
 * does the same with an explicit --config and --out, and writes nothing on failure.
 */
import { loadRollout } from './src/config';
import { synthesize } from './src/synth/synthesize';
import { synthSummaryText } from './src/synth/summary';
import { runCommand, EXIT } from './src/cli/exit';

// As in bin/keyshare.js: source-mapping cdktf's stack traces costs half the synth time.
if (!process.env.KEYSHARE_DEBUG) process.setSourceMapsEnabled(false);

void runCommand(() => {
  const config = process.env.KEYSHARE_CONFIG ?? 'examples/keyshare.yaml';
  // The same writer as `keyshare synth` (manifest, atomic swap, HCL or JSON as cdktf asks), so
  // either tool may write over the other's output.
  // KEYSHARE_FORGET (account IDs, comma-separated) is `keyshare synth --forget`: cdktf passes no flags to the app.
  const forget = (process.env.KEYSHARE_FORGET ?? '').split(',').filter((a) => a !== '');
  const summary = synthesize(loadRollout(config), process.env.CDKTF_OUTDIR ?? 'cdktf.out', { config, forget });
  process.stdout.write(synthSummaryText(summary));
  return EXIT.ok;
});
