import { Command, Help } from 'commander';
import { closest } from 'fastest-levenshtein';
import { oneLine } from '../errors';

/** Help lines stay within the 80 columns commander wraps to when stdout is not a terminal. */
export const HELP_WIDTH = 80;

/**
 * commander leaves a description unwrapped when the column beside the longest option is under 40
 * characters (doctor's `--service-linked-role-suffix <suffix>` leaves 39): wrap down to 30.
 */
export const HELP_CONFIGURATION = { minWidthToWrap: 30 };

/** Text after a command's options, wrapped as commander wraps the options. */
export function helpAfter(...paragraphs: string[]): string {
  const help = Object.assign(new Help(), HELP_CONFIGURATION);
  return `\n${paragraphs.map((p) => help.boxWrap(p, HELP_WIDTH)).join('\n')}`;
}

/**
 * One line for a commander usage error (missing option or value, unknown option or command, a
 * choice not allowed): its own message, the nearest command when the command word is unknown
 * (commander suggests one only when it is close), and how to get help.
 */
export function usageLine(text: string, command: Command): string {
  const message = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\n(?=\(Did you mean)/g, ' ')
    .replace(/\.$/, '');
  const unknown = /^unknown command '([^']*)'$/.exec(message);
  const nearest =
    unknown && !message.includes('Did you mean')
      ? closest(
          unknown[1],
          command.commands.map((c) => c.name()).filter((n) => n !== 'help'),
        )
      : undefined;
  const suggestion = nearest ? ` (nearest command: ${nearest})` : '';
  const help = command.parent ? `keyshare ${command.name()} --help` : 'keyshare --help';
  return `keyshare: ${oneLine(`${message}${suggestion}`)}; run ${help} for usage\n`;
}
