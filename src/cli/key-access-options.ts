import { Command, Option } from 'commander';
import { CONTEXT_SYNTAX } from '../inputs/context';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--context key=value`, repeatable. */
export function contextOption(what: string): Option {
  return new Option('--context <key=value>', `${what}, repeatable: ${CONTEXT_SYNTAX}`).argParser(collect).default([]);
}

const SHAPES = 'a bare document or AWS CLI output';

/** The policy-input flags `explain` and `doctor` share (ARCHITECTURE.md, CLI contract). */
export function withKeyAccessOptions(command: Command, keyPolicy: 'required' | 'unless-live' = 'required'): Command {
  const keyPolicyHelp = `key policy: ${SHAPES} (aws kms get-key-policy --output json)`;
  return (
    keyPolicy === 'required'
      ? command.requiredOption('--key-policy <file>', keyPolicyHelp)
      : command.option('--key-policy <file>', `${keyPolicyHelp}; required unless --live`)
  )
    .option('--key-arn <arn>', "key ARN; default: the one key ARN the grants or IAM policies name, else a placeholder in the key policy's account")
    .option('--iam-policy <file>', `IAM policy of the caller, repeatable: ${SHAPES} (aws iam get-policy-version, get-role-policy)`, collect, [])
    .option('--grants <file>', 'grants on the key: aws kms list-grants output, a list of grants or one grant; absent counts as none')
    .option(
      '--scp <file>',
      `service control policy bounding the caller's account, repeatable, each one that must allow (a deny-only SCP is read beside FullAWSAccess): ${SHAPES} (aws organizations describe-policy)`,
      collect,
      [],
    )
    .option(
      '--rcp <file>',
      `resource control policy bounding the key's account, repeatable, each one that must allow (a deny-only RCP is read beside RCPFullAWSAccess): ${SHAPES} (aws organizations describe-policy of a RESOURCE_CONTROL_POLICY)`,
      collect,
      [],
    )
    .option('--key-in-management-account', "the key is in the organization's management account, whose resources RCPs do not affect")
    .option('--permissions-boundary <file>', `permissions boundary of the caller's IAM user or role: ${SHAPES} (aws iam get-policy-version)`);
}
