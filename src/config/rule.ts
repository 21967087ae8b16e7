/**
 * A zod issue carries one message string, but InputError needs the problem and the fix apart.
 * Every rule in this folder packs both into that string, and issues.ts unpacks them. The
 * separator is the ASCII unit separator, which no config value or rule text contains.
 */
const SEPARATOR = '\u001f';

export interface Rule {
  readonly problem: string;
  readonly fix: string;
}

export function rule(problem: string, fix: string): string {
  return `${problem}${SEPARATOR}${fix}`;
}

export function unpackRule(message: string): Rule | undefined {
  const at = message.indexOf(SEPARATOR);
  return at < 0 ? undefined : { problem: message.slice(0, at), fix: message.slice(at + 1) };
}
