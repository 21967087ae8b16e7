import { Command, CommanderError } from 'commander';
import { EXIT } from './exit';
import { COMMANDS } from './commands';

/** `keyshare <command>`; each command lives in `commands/<name>.ts` and registers itself. */
export function program(): Command {
  const cli = new Command('keyshare')
    .description('Share a KMS-encrypted AMI across AWS accounts for EC2 Auto Scaling, proven before deploy.')
    .exitOverride();
  for (const register of COMMANDS) register(cli);
  return cli;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
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
