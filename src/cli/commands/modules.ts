import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { replaceOutput } from '../../output';
import { modulesRenderers } from '../../render/modules';
import { Format, render } from '../../render/format';
import { renderTerraformModules, terraformModules } from '../../terraform-modules';
import { formatOption } from '../format-option';
import { EXIT, runCommand } from '../exit';

export function registerModules(cli: Command): void {
  cli
    .command('modules')
    .description(DESCRIPTIONS.modules)
    .requiredOption('--out <dir>', 'output directory, e.g. modules/keyshare')
    .addOption(formatOption())
    .action((opts: { out: string; format: Format }) =>
      runCommand(() => {
        const output = replaceOutput({ dir: opts.out, flag: '--out', kind: 'modules' }, { files: renderTerraformModules() });
        const modules = terraformModules().map(({ name, summary, aws }) => ({ name, summary, aws }));
        process.stdout.write(render(modulesRenderers, { output, modules }, opts.format));
        return EXIT.ok;
      }),
    );
}
