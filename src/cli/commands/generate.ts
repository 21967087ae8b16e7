import { Command, InvalidArgumentError, Option } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { DEFAULT_WAVE_SIZE, generate, generateRenderers, MAX_WAVE_SIZE } from '../../generate';
import { Format, render } from '../../render/format';
import { ttyProgress } from '../../render/progress';
import { formatOption } from '../format-option';
import { EXIT, runCommand } from '../exit';

interface GenerateOptions {
  accounts: string;
  config: string;
  out: string;
  ou: string[];
  exclude: string[];
  waveSize: number;
  forget: string[];
  format: Format;
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter((v) => v !== '')];

function wholeNumber(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number`);
    return Number(value);
  };
}

export function registerGenerate(cli: Command): void {
  cli
    .command('generate')
    .description(DESCRIPTIONS.generate)
    .requiredOption('--accounts <file>', 'the output of `aws organizations list-accounts --output json`, or a CSV with columns id,name,status[,ou]')
    .requiredOption('--config <file>', 'keyshare.yaml: the key, AMIs, owner and organization (YAML or JSON)')
    .requiredOption('--out <dir>', 'output directory; a rerun replaces only the files keyshare generated there')
    .option('--ou <id...>', 'only accounts in these OUs or below them (the inventory must carry OUs)', collect, [])
    .option('--exclude <account...>', 'leave these accounts out', collect, [])
    .addOption(
      new Option('--wave-size <n>', `accounts a new apply wave takes (at most ${MAX_WAVE_SIZE}); accounts keep their wave across reruns`)
        .argParser(wholeNumber('--wave-size'))
        .default(DEFAULT_WAVE_SIZE),
    )
    .option('--forget <account...>', 'drop the tombstone roots of these leaving accounts, once their destroy was applied', collect, [])
    .addOption(formatOption())
    .action((opts: GenerateOptions) =>
      runCommand(() => {
        const result = generate({
          accounts: opts.accounts,
          config: opts.config,
          out: opts.out,
          ous: opts.ou,
          exclude: opts.exclude,
          waveSize: opts.waveSize,
          forget: opts.forget,
          progress: ttyProgress(process.stdout, 'keyshare: rendering account roots'),
        });
        process.stdout.write(render(generateRenderers, result, opts.format));
        return EXIT.ok;
      }),
    );
}
