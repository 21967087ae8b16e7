import * as fs from 'fs';
import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { serviceLinkedRoleSuffix, unpackRule } from '../../config';
import { ACCOUNT_ID } from '../../policy/formats';
import { deployWorks, Diagnosis, diagnose, DoctorTarget, FIXED_KEY_POLICY_FILE, GRANT_CREATOR_ROLE, launchWorks } from '../../doctor/diagnose';
import type { AccountAccess } from '../../audit/collect';
import { doctorRollout, liveDoctorInputs } from '../../audit/live';
import { validKeyArn } from '../../inputs/key-arn';
import { parseKmsArn } from '../../policy/arns';
import { replaceFile } from '../../output';
import { InputError } from '../../errors';
import { parseContextFlags } from '../../inputs/context';
import { KeyAccessFlags, loadKeyAccess } from '../../inputs/key-access';
import { validPrincipal } from '../../inputs/requests';
import { exitCode, runCommand } from '../exit';
import { RULES } from '../../policy/rules';
import { helpAfter } from '../help';
import { doctorRenderers } from '../../render/doctor';
import { Format, render } from '../../render/format';
import { formatOption } from '../format-option';
import { contextOption, withKeyAccessOptions } from '../key-access-options';

export interface DoctorFlags extends Omit<KeyAccessFlags, 'keyPolicy'> {
  readonly keyPolicy?: string;
  readonly live?: boolean;
  readonly ownerProfile?: string;
  readonly ownerRole?: string;
  readonly consumerProfile?: string;
  readonly consumerRole?: string;
  readonly consumer: string;
  readonly serviceLinkedRoleSuffix?: string;
  readonly grantCreator?: string;
  readonly deployRole?: string;
  readonly context: readonly string[];
  readonly format: Format;
  readonly fixedKeyPolicy?: string;
}

export function registerDoctor(cli: Command): void {
  withKeyAccessOptions(
    cli
      .command('doctor')
      .description(DESCRIPTIONS.doctor)
      .addHelpText(
        'after',
        helpAfter(
          'Exit: 0 the launch works (and, with --deploy-role, so does Terraform on the key), 1 it does not, 2 bad input.',
          "The --iam-policy documents are taken as the grant creator's; --scp documents bound the consumer account. An input not given counts as none.",
          "--live reads the same inputs from AWS (Get, List and Describe calls only, as keyshare audit): the key policy and grants with the owner's credentials, the --grant-creator role's policies with the consumer's, the SCPs along the consumer's OU path and the RCPs along the key owner's with the caller's (Organizations).",
        ),
      ),
    'unless-live',
  )
    .option('--live', "read the key policy, the grants, the grant creator's IAM policies, the SCPs and the RCPs from AWS (needs --key-arn)")
    .option('--owner-profile <name>', 'with --live: AWS profile for the key owner account (default: the SDK default chain)')
    .option('--owner-role <arn>', 'with --live: role to assume in the key owner account')
    .option('--consumer-profile <name>', 'with --live: AWS profile for the consumer account (default: the SDK default chain)')
    .option('--consumer-role <arn>', 'with --live: role to assume in the consumer account')
    .requiredOption('--consumer <account>', 'the 12-digit account whose Auto Scaling group launches')
    .option('--service-linked-role-suffix <suffix>', 'custom suffix of its Auto Scaling service-linked role (AWSServiceRoleForAutoScaling_<suffix>)')
    .option('--grant-creator <arn>', `principal that creates the grant in the consumer account (default: role/${GRANT_CREATOR_ROLE}, a stand-in)`)
    .option(
      '--deploy-role <arn>',
      "Terraform's role in the consumer account, which creates the grant in keyshare's consumer stack: it is the grant creator, and doctor also decides every KMS call the AWS provider makes on the key for that stack (create, refresh, destroy)",
    )
    .addOption(contextOption('context of every request on the path, e.g. aws:PrincipalOrgID=o-… when the key policy names the organization'))
    .option(
      '--fixed-key-policy <file>',
      `write the key policy with doctor's fixes added to FILE, as \`aws kms put-key-policy --policy file://FILE\` takes it (written only when the key policy needs a fix; default in the printed command: ${FIXED_KEY_POLICY_FILE})`,
    )
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
  const deployRole = flags.deployRole === undefined ? undefined : validPrincipal('--deploy-role', flags.deployRole);
  if (deployRole !== undefined && flags.grantCreator !== undefined && flags.grantCreator !== deployRole)
    throw new InputError(
      '--deploy-role',
      deployRole,
      `differs from --grant-creator ${flags.grantCreator}`,
      "in keyshare's consumer stack the deploy role creates the grant: give --deploy-role alone",
    );
  const target = {
    consumer: flags.consumer,
    serviceLinkedRoleSuffix: flags.serviceLinkedRoleSuffix,
    grantCreator: deployRole ?? (flags.grantCreator === undefined ? undefined : validPrincipal('--grant-creator', flags.grantCreator)),
    deployRole,
    context: await parseContextFlags(flags.context),
    fixedKeyPolicyFile: flags.fixedKeyPolicy,
  };
  const diagnosis = flags.live ? await liveDiagnosis(flags, target) : diagnose(await loadKeyAccess(fileFlags(flags)), fileFlags(flags), target);
  if (flags.fixedKeyPolicy !== undefined && diagnosis.fixedKeyPolicy) {
    const text = `${JSON.stringify(diagnosis.fixedKeyPolicy.document, null, 2)}\n`;
    // A policy document has no room for a marker: only the very content this run writes is taken as doctor's own.
    const file = flags.fixedKeyPolicy;
    if (fs.existsSync(file) && (!fs.statSync(file).isFile() || fs.readFileSync(file, 'utf8') !== text)) {
      throw new InputError(
        '--fixed-key-policy',
        file,
        'exists and is not the key policy this run would write, so it is not overwritten',
        `name a new file, e.g. ${FIXED_KEY_POLICY_FILE}`,
      );
    }
    replaceFile({ file, flag: '--fixed-key-policy', isOwn: () => true, refusal: { problem: 'exists', fix: 'name a new file' } }, text);
  }
  process.stdout.write(render(doctorRenderers, diagnosis, flags.format));
  return exitCode([
    ...(launchWorks(diagnosis) ? [] : [RULES['launch-path-broken'].severity]),
    ...(deployWorks(diagnosis) ? [] : [RULES['deploy-path-broken'].severity]),
  ]);
}

function fileFlags(flags: DoctorFlags): KeyAccessFlags {
  if (flags.keyPolicy === undefined)
    throw new InputError(
      '--key-policy',
      '(none)',
      'is required',
      'pass the key policy (aws kms get-key-policy --output json), or --live --key-arn ARN to read it from AWS',
    );
  return { ...flags, keyPolicy: flags.keyPolicy };
}

/** `doctor --live`: the collector `audit` uses reads the four inputs, and the same diagnosis runs on them. */
async function liveDiagnosis(flags: DoctorFlags, target: DoctorTarget): Promise<Diagnosis> {
  const given = [
    flags.keyPolicy && '--key-policy',
    flags.iamPolicy.length > 0 && '--iam-policy',
    flags.grants && '--grants',
    flags.scp.length > 0 && '--scp',
    (flags.rcp ?? []).length > 0 && '--rcp',
  ].filter(Boolean);
  if (given.length > 0) throw new InputError('--live', given.join(' '), 'reads these inputs from AWS', `leave out ${given.join(', ')}, or --live`);
  if (flags.keyArn === undefined)
    throw new InputError('--key-arn', '(none)', '--live needs the key ARN', 'pass --key-arn arn:aws:kms:<region>:<account>:key/<key id>');
  const keyArn = validKeyArn('--key-arn', flags.keyArn);
  const key = parseKmsArn(keyArn);
  if (!key || !key.resource.startsWith('key/'))
    throw new InputError('--key-arn', keyArn, 'is not a key ARN', 'give the ARN of a customer managed key');
  for (const [flag, arn] of [
    ['--owner-role', flags.ownerRole],
    ['--consumer-role', flags.consumerRole],
  ] as const)
    if (arn !== undefined) validPrincipal(flag, arn);
  const rollout = doctorRollout(keyArn, {
    account: target.consumer,
    serviceLinkedRoleSuffix: target.serviceLinkedRoleSuffix,
    grantCreator: target.grantCreator,
  });
  // The collector and the AWS SDK clients under it load for --live only: they were a third of every doctor run's CPU.
  const { collect, COLLECT_DEFAULTS } = require('../../audit/collect') as typeof import('../../audit/collect');
  const source = (profile?: string, role?: string): AccountAccess =>
    role ? { assumeRole: role } : { base: profile ? { profile } : { chain: true } };
  const snapshot = await collect(rollout, {
    ...COLLECT_DEFAULTS,
    region: key.region,
    base: { chain: true },
    access: (account) => (account === key.account ? source(flags.ownerProfile, flags.ownerRole) : source(flags.consumerProfile, flags.consumerRole)),
  });
  const live = liveDoctorInputs(snapshot, rollout, rollout.consumers[0], snapshot.accounts[0]);
  if (!live) {
    const failed = snapshot.owner.failures.map((f) => `${f.action} ${f.error}`).join(', ') || 'no answer';
    throw new InputError(
      '--key-arn',
      keyArn,
      `its key policy could not be read (${failed})`,
      'give the owner credentials (--owner-profile or --owner-role) kms:GetKeyPolicy and kms:ListGrants on the key, or pass --key-policy FILE without --live',
    );
  }
  return diagnose(live.loaded, live.flags, {
    ...live.target,
    deployRole: target.deployRole,
    context: { ...target.context, ...live.target.context },
    fixedKeyPolicyFile: target.fixedKeyPolicyFile,
  });
}
