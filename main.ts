/**
 * The cdktf app entry (`cdktf synth`, `cdktf deploy`). It synthesizes the rollout of the config in
 * KEYSHARE_CONFIG (default: the embedded example) into the directory cdktf asks for. `keyshare synth`
 * does the same with an explicit --config and --out, and writes nothing on failure.
 */
import * as fs from 'fs';
import * as path from 'path';
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
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const summary = synthesize(loadRollout(config), outdir, { config, forget });
  // cdktf's CLI then deletes each stack directory that was there before the app ran and that the app
  // no longer writes (@cdktf/cli-core 0.21, synth-stack.js, orphanedDirectories), with an rmSync that
  // fails (ENOENT) on one keyshare's swap already removed: each is put back, empty, for it to delete.
  if (process.env.CDKTF_OUTDIR !== undefined) {
    for (const rel of summary.output.removed) {
      const stack = /^stacks\/[^/]+(?=\/)/.exec(rel)?.[0];
      if (stack) fs.mkdirSync(path.join(outdir, stack), { recursive: true });
    }
  }
  process.stdout.write(synthSummaryText(summary));
  return EXIT.ok;
});
