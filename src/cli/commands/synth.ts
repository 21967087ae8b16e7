import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { loadRollout } from '../../config';
import { EXIT, runCommand } from '../exit';

export function registerSynth(cli: Command): void {
  cli
    .command('synth')
    .description(DESCRIPTIONS.synth)
    .requiredOption('--config <file>', 'keyshare.yaml (YAML or JSON)')
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--hcl', 'write each stack as native HCL (cdk.tf) instead of JSON (cdk.tf.json), as `cdktf synth --hcl` does')
    .option(
      '--forget <account...>',
      "drop the tombstone stacks of these removed consumers, once each tombstone's apply destroyed what its stack held; the key policy then drops them",
      (value: string, previous: string[]) => [...previous, ...value.split(',').filter((v) => v !== '')],
      [],
    )
    .action((opts: { config: string; out: string; hcl?: boolean; forget: string[] }) =>
      runCommand(() => {
        // cdktf costs ~400 ms to load; only synth needs it, so the other commands start without it.
        const { synthesize } = require('../../synth/synthesize') as typeof import('../../synth/synthesize');
        const { synthSummaryText } = require('../../synth/summary') as typeof import('../../synth/summary');
        const summary = synthesize(loadRollout(opts.config), opts.out, { config: opts.config, hcl: opts.hcl, forget: opts.forget });
        process.stdout.write(synthSummaryText(summary));
        return EXIT.ok;
      }),
    );
}
