import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { serviceLinkedRoleSuffix, unpackRule } from '../../config';
import { ACCOUNT_ID } from '../../policy/formats';
import { diagnose, GRANT_CREATOR_ROLE, launchWorks } from '../../doctor/diagnose';
import { InputError } from '../../errors';
import { parseContextFlags } from '../../inputs/context';
import { KeyAccessFlags, loadKeyAccess } from '../../inputs/key-access';
import { validPrincipal } from '../../inputs/requests';
import { exitCode, runCommand } from '../exit';
import { RULES } from '../../policy/rules';
import { doctorRenderers } from '../../render/doctor';
import { Format, render } from '../../render/format';
import { formatOption } from '../format-option';
import { contextOption, withKeyAccessOptions } from '../key-access-options';

export interface DoctorFlags extends KeyAccessFlags {
  readonly consumer: string;
  readonly serviceLinkedRoleSuffix?: string;
  readonly grantCreator?: string;
  readonly context: readonly string[];
  readonly format: Format;
}

export function registerDoctor(cli: Command): void {
  withKeyAccessOptions(
    cli
      .command('doctor')
      .description(DESCRIPTIONS.doctor)
      .addHelpText(
        'after',
        "\nExit: 0 the launch works, 1 it does not, 2 bad input.\nThe --iam-policy documents are taken as the grant creator's; --scp documents bound the consumer account. An input not given counts as none.",
      ),
  )
    .requiredOption('--consumer <account>', 'the 12-digit account whose Auto Scaling group launches')
    .option('--service-linked-role-suffix <suffix>', 'custom suffix of its Auto Scaling service-linked role (AWSServiceRoleForAutoScaling_<suffix>)')
    .option('--grant-creator <arn>', `principal that creates the grant in the consumer account (default: role/${GRANT_CREATOR_ROLE}, a stand-in)`)
    .addOption(contextOption('context of every request on the path, e.g. aws:PrincipalOrgID=o-… when the key policy names the organization'))
    .addOption(formatOption())
    .action((flags: DoctorFlags) => runCommand(() => doctor(flags)));
}

export async function doctor(flags: DoctorFlags): Promise<number> {
  if (!ACCOUNT_ID.test(flags.consumer))
    throw new InputError(
      '--consumer',
      flags.consumer,
      'is not a 12-digit AWS account ID',
      'give the account ID of the Auto Scaling group, e.g. 444455556666',
    );
  if (flags.serviceLinkedRoleSuffix !== undefined) {
    const parsed = serviceLinkedRoleSuffix.safeParse(flags.serviceLinkedRoleSuffix);
    const rule = parsed.success ? undefined : unpackRule(parsed.error.issues[0].message);
    if (rule) throw new InputError('--service-linked-role-suffix', flags.serviceLinkedRoleSuffix, rule.problem, rule.fix);
  }
  const target = {
    consumer: flags.consumer,
    serviceLinkedRoleSuffix: flags.serviceLinkedRoleSuffix,
    grantCreator: flags.grantCreator === undefined ? undefined : validPrincipal('--grant-creator', flags.grantCreator),
    context: await parseContextFlags(flags.context),
  };
  const diagnosis = diagnose(await loadKeyAccess(flags), flags, target);
  process.stdout.write(render(doctorRenderers, diagnosis, flags.format));
  return exitCode(launchWorks(diagnosis) ? [] : [RULES['launch-path-broken'].severity]);
}
