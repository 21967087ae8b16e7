import type { Command } from 'commander';
import { InputError } from '../../errors';
import { authorize } from '../../evaluator';
import type { AuthorizationResult, ContextValue, KmsRequest } from '../../evaluator/types';
import { isAllowed } from '../../evaluator/decision';
import { decisionMarkdown, reasonLines, reasonMarkdown } from '../../render/authorization';
import type { Format } from '../../render/format';
import { cell, code } from '../../render/markdown';
import { parseContextFlags } from '../../inputs/context';
import { keyAccessInputs, KeyAccessFlags, loadKeyAccess } from '../../inputs/key-access';
import { checkAction, checkPrincipal, readRequests, REQUESTS_FIX } from '../../inputs/requests';
import { EXIT, runCommand } from '../exit';
import { formatOption } from '../format-option';
import { contextOption, withKeyAccessOptions } from '../key-access-options';

export interface ExplainFlags extends KeyAccessFlags {
  readonly principal?: string;
  readonly action?: string;
  readonly context: readonly string[];
  readonly requests?: string;
  readonly format: Format;
}

export function registerExplain(cli: Command): void {
  withKeyAccessOptions(
    cli
      .command('explain')
      .description('decide KMS requests against a key policy, IAM policies, grants and SCPs, with the statements that decided each')
      .addHelpText('after', `\nExit: 0 every request allowed, 1 any denied, 2 bad input.\n--requests FILE: ${REQUESTS_FIX}.`),
  )
    .option('--principal <arn>', 'the caller: account root, IAM user or role, or assumed-role session ARN')
    .option('--action <kms:Operation>', 'the KMS action, e.g. kms:CreateGrant')
    .addOption(contextOption('request context'))
    .option('--requests <file>', 'JSON list of requests instead of --principal/--action (see below)')
    .addOption(formatOption())
    .action((flags: ExplainFlags) => runCommand(() => explain(flags)));
}

interface Explained {
  readonly request: KmsRequest;
  readonly result: AuthorizationResult;
}

export async function explain(flags: ExplainFlags): Promise<number> {
  const requests = await requestsOf(flags);
  const loaded = await loadKeyAccess(flags);
  const inputs = keyAccessInputs(loaded, { identity: true, grants: true, scps: true });
  const explained = requests.map((request) => ({ request, result: authorize(inputs, request) }));
  const output =
    flags.format === 'json' ? json(explained) : flags.format === 'markdown' ? markdown(explained, inputs.keyArn, loaded.notes) : text(explained, inputs.keyArn, loaded.notes);
  // Notes would break the JSON array machines parse, so they go to stderr there.
  if (flags.format === 'json') for (const note of loaded.notes) process.stderr.write(`keyshare: note: ${note}\n`);
  process.stdout.write(output);
  return explained.every((e) => isAllowed(e.result)) ? EXIT.ok : EXIT.findings;
}

async function requestsOf(flags: ExplainFlags): Promise<KmsRequest[]> {
  const single = flags.principal !== undefined || flags.action !== undefined || flags.context.length > 0;
  if (flags.requests !== undefined) {
    if (single) throw new InputError('--requests', flags.requests, 'given together with --principal/--action/--context', 'give either one request with --principal and --action, or a list with --requests');
    return readRequests({ flag: '--requests', file: flags.requests });
  }
  if (flags.principal === undefined || flags.action === undefined) {
    throw new InputError(flags.principal === undefined ? '--principal' : '--action', undefined, 'is required without --requests', 'give --principal ARN and --action kms:Operation, or --requests FILE');
  }
  const context = await parseContextFlags(flags.context);
  return [
    {
      principal: checkPrincipal('--principal', flags.principal),
      action: checkAction('--action', flags.action),
      ...(Object.keys(context).length > 0 && { context }),
    },
  ];
}

/** The stable machine shape: one object per request, in order. */
function json(explained: readonly Explained[]): string {
  const out = explained.map(({ request, result }) => ({
    principal: request.principal,
    action: request.action,
    decision: result.decision,
    trace: result.trace,
    missing: result.missing,
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}

function showContext(context: Readonly<Record<string, ContextValue>>): string {
  return Object.entries(context)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

function text(explained: readonly Explained[], keyArn: string, notes: readonly string[]): string {
  const lines = [`key: ${keyArn}`, ...notes.map((n) => `note: ${n}`)];
  explained.forEach(({ request, result }, i) => {
    lines.push('', `${i + 1}. ${request.action} by ${request.principal}: ${result.decision}`);
    if (request.resource) lines.push(`   resource: ${request.resource}`);
    if (request.context) lines.push(`   context: ${showContext(request.context)}`);
    lines.push(...reasonLines(result).map((l) => `   ${l}`));
  });
  const allowed = explained.filter((e) => isAllowed(e.result)).length;
  lines.push('', `${allowed} of ${explained.length} request${explained.length === 1 ? '' : 's'} allowed.`);
  return `${lines.join('\n')}\n`;
}

function markdown(explained: readonly Explained[], keyArn: string, notes: readonly string[]): string {
  const allowed = explained.filter((e) => isAllowed(e.result)).length;
  const lines = [
    '### keyshare explain',
    '',
    `Key ${code(keyArn)}: ${allowed} of ${explained.length} allowed.`,
    ...notes.map((n) => `> **Note**: ${cell(n)}`),
    '',
    '| # | principal | action | decision |',
    '|---|---|---|---|',
    ...explained.map(({ request, result }, i) => `| ${i + 1} | ${code(request.principal)} | ${code(request.action)} | ${decisionMarkdown(result.decision)} |`),
  ];
  explained.forEach(({ request, result }, i) => {
    lines.push('', `<details><summary>${i + 1}. ${request.action}: ${result.decision}</summary>`, '');
    if (request.context) lines.push(`Context: ${code(showContext(request.context))}`, '');
    lines.push(...reasonMarkdown(result), '', '</details>');
  });
  return `${lines.join('\n')}\n`;
}
