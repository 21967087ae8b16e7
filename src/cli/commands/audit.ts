import { Command, Option } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { loadRollout } from '../../config';
import { InputError } from '../../errors';
import { assumeRoleIn, collect, COLLECT_DEFAULTS } from '../../audit/collect';
import { importFiles } from '../../audit/imports';
import { auditReport, auditSeverities } from '../../audit/report';
import { inventoryRollout } from '../../generate';
import { checkOutputDir, replaceOutput } from '../../output';
import { ORGANIZATION_ACCESS_ROLE } from '../../policy/arns';
import { ROLE_NAME } from '../../policy/formats';
import type { FailOn } from '../../policy/rules';
import { auditRenderers } from '../../render/audit';
import { Format, render } from '../../render/format';
import { ttyProgress } from '../../render/progress';
import { formatOption } from '../format-option';
import { exitCode, runCommand } from '../exit';
import { helpAfter } from '../help';

export interface AuditFlags {
  readonly config: string;
  readonly accounts?: string;
  readonly roleName: string;
  readonly profile?: string;
  readonly concurrency: string;
  readonly timeout: string;
  readonly maxAttempts: string;
  readonly failOn: FailOn;
  readonly format: Format;
  readonly emitImports?: string;
}

export function registerAudit(cli: Command): void {
  cli
    .command('audit')
    .description(DESCRIPTIONS.audit)
    .requiredOption('--config <file>', 'keyshare.yaml (YAML or JSON): what the organization should have')
    .option(
      '--accounts <file>',
      'audit every active account of this inventory (aws organizations list-accounts output, or CSV), as generate reads it',
    )
    .option('--role-name <name>', 'role audit assumes in the owner and every consumer account (read access is enough)', ORGANIZATION_ACCESS_ROLE)
    .option('--profile <name>', 'AWS profile of the caller (default: the SDK default chain: AWS_PROFILE, environment, SSO, ...)')
    .option('--concurrency <n>', 'accounts read at once', String(COLLECT_DEFAULTS.concurrency))
    .option('--timeout <ms>', 'milliseconds one AWS request may take', String(COLLECT_DEFAULTS.timeoutMs))
    .option('--max-attempts <n>', 'attempts per call with adaptive retry on throttling', String(COLLECT_DEFAULTS.maxAttempts))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe')
        .choices(['high', 'medium', 'low', 'never'])
        .default('medium'),
    )
    .option('--emit-imports <dir>', 'write Terraform import blocks for the grants and launch permissions that exist as keyshare would create them')
    .addOption(formatOption())
    .addHelpText(
      'after',
      helpAfter(
        "Reads only (Get, List, Describe; sts:AssumeRole into --role-name). Organizations calls (DescribeOrganization, ListParents, ListPoliciesForTarget, DescribePolicy) go with the caller's own credentials: run it from the management account or a delegated administrator.",
        'Exit: 0 every account proven and nothing drifted, 1 a finding at or above --fail-on (broken: high; drift, unknown: medium), 2 bad input.',
      ),
    )
    .action((flags: AuditFlags) => runCommand(() => audit(flags)));
}

function positive(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new InputError(flag, value, `is not a whole number from 1 to ${max}`, `pass e.g. ${flag} ${Math.min(max, 32)}`);
  return n;
}

export async function audit(flags: AuditFlags): Promise<number> {
  if (!ROLE_NAME.test(flags.roleName))
    throw new InputError(
      '--role-name',
      flags.roleName,
      'is not an IAM role name',
      'give the role name without its path or ARN, e.g. OrganizationAccountAccessRole',
    );
  const concurrency = positive('--concurrency', flags.concurrency, 1024);
  const timeoutMs = positive('--timeout', flags.timeout, 600_000);
  const maxAttempts = positive('--max-attempts', flags.maxAttempts, 20);
  const importsDir = flags.emitImports && { dir: flags.emitImports, flag: '--emit-imports', kind: 'imports' };
  if (importsDir) checkOutputDir(importsDir);
  const config = loadRollout(flags.config);
  const rollout = flags.accounts ? inventoryRollout(config, flags.accounts) : config;
  const snapshot = await collect(rollout, {
    region: rollout.owner.region,
    concurrency,
    timeoutMs,
    maxAttempts,
    base: flags.profile ? { profile: flags.profile } : { chain: true },
    access: assumeRoleIn(rollout, flags.roleName),
    onProgress: ttyProgress(process.stderr, 'keyshare audit: accounts read'),
  });
  const report = auditReport(snapshot, rollout);
  if (importsDir) {
    const written = replaceOutput(importsDir, { files: importFiles(report.adoptable, rollout) });
    process.stderr.write(
      `keyshare audit: ${report.adoptable.launchPermissions.length} existing launch permissions to import, blocks in ${written.written.length} files under ${written.dir}; ` +
        `${report.adoptable.grants.length} existing grants are adopted by creating them (CreateGrant returns a named grant that exists)\n`,
    );
  }
  process.stdout.write(render(auditRenderers, report, flags.format));
  return exitCode(auditSeverities(report), flags.failOn);
}
