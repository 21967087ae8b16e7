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
    .action((opts: { config: string; out: string }) =>
      runCommand(() => {
        // cdktf costs ~400 ms to load; only synth needs it, so the other commands start without it.
        const { synthesize } = require('../../synth/synthesize') as typeof import('../../synth/synthesize');
        const { synthSummaryText } = require('../../synth/summary') as typeof import('../../synth/summary');
        process.stdout.write(synthSummaryText(synthesize(loadRollout(opts.config), opts.out)));
        return EXIT.ok;
      }),
    );
}
