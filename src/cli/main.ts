import { Command, CommanderError } from 'commander';
import { EXIT } from './exit';
import { COMMANDS } from './commands';
import { KEYSHARE_VERSION } from '../project-root';
import { HELP_CONFIGURATION, usageLine } from './help';

/**
 * `keyshare <command>`; each command lives in `commands/<name>.ts` and registers itself. Only the
 * command `argv` names is loaded (all of them without `argv`): the others are listed by name and
 * description, so `keyshare --help` and each command start without every other's dependencies.
 */
export function program(argv?: readonly string[]): Command {
  const cli = new Command('keyshare')
    .description('Share a KMS-encrypted AMI across AWS accounts for EC2 Auto Scaling, proven before deploy.')
    .version(KEYSHARE_VERSION, '-V, --version', 'print the version of keyshare')
    .exitOverride()
    .configureHelp(HELP_CONFIGURATION);
  const named = argv && commandNamed(argv);
  for (const command of COMMANDS) {
    if (!argv || command.name === named) command.load()(cli);
    else cli.command(command.name).description(command.description);
  }
  // commander's own parse errors obey the one-line rule too (a newline or escape inside an unknown
  // option is shown escaped), and say how to get help: each command names its own --help.
  for (const command of [cli, ...cli.commands]) command.configureOutput({ outputError: (text, write) => write(usageLine(text, command)) });
  return cli;
}

/** The command word: keyshare has no options of its own before it, but `help <command>`. */
function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await program(argv).parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other parse failure is bad input.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
      return;
    }
    throw err;
  }
}

if (require.main === module) void main(process.argv.slice(2));
