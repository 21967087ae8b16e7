import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { loadRollout } from '../../config';
import { checkRollout, severities } from '../../check/check';
import { checkRenderers } from '../../render/check';
import { Format, render } from '../../render/format';
import { formatOption } from '../format-option';
import { exitCode, runCommand } from '../exit';

export function registerCheck(cli: Command): void {
  cli
    .command('check')
    .description(DESCRIPTIONS.check)
    .requiredOption('--config <file>', 'keyshare.yaml (YAML or JSON)')
    .addOption(formatOption())
    .action((opts: { config: string; format: Format }) =>
      runCommand(() => {
        const report = checkRollout(loadRollout(opts.config));
        process.stdout.write(render(checkRenderers, report, opts.format));
        return exitCode(severities(report));
      }),
    );
}
