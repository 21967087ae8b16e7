import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions';
import { InputError } from '../../errors';
import { authorizeKnowing, isAllowed } from '../../evaluator';
import { unknownUnlessGiven } from '../../policy/conditions';
import { explainRenderers } from '../../render/explain';
import { Format, render } from '../../render/format';
import { parseContextFlags } from '../../inputs/context';
import { assertSamePartition, keyAccessInputs, KeyAccessFlags, loadKeyAccess } from '../../inputs/key-access';
import { validAction, validPrincipal, readRequests, REQUESTS_FIX } from '../../inputs/requests';
import { EXIT, runCommand } from '../exit';
import { helpAfter } from '../help';
import { formatOption } from '../format-option';
import { contextOption, withKeyAccessOptions } from '../key-access-options';
import type { KmsRequest } from '../../policy/kms-api';

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
      .description(DESCRIPTIONS.explain)
      .addHelpText('after', helpAfter('Exit: 0 every request allowed, 1 any denied, 2 bad input.', `--requests FILE: ${REQUESTS_FIX}.`)),
  )
    .option('--principal <arn>', 'the caller: account root, IAM user or role, or assumed-role session ARN')
    .option('--action <kms:Operation>', 'the KMS action, e.g. kms:CreateGrant')
    .addOption(contextOption('request context'))
    .option('--requests <file>', 'JSON list of requests instead of --principal/--action (see below)')
    .addOption(formatOption())
    .action((flags: ExplainFlags) => runCommand(() => explain(flags)));
}

export async function explain(flags: ExplainFlags): Promise<number> {
  const requests = await requestsOf(flags);
  const loaded = await loadKeyAccess(flags);
  const inputs = keyAccessInputs(loaded, { identity: true, grants: true, scps: true });
  requests.forEach((r, i) =>
    assertSamePartition(
      flags.requests === undefined ? '--principal' : `--requests ${flags.requests}: [${i}].principal`,
      r.principal,
      r.resource ?? inputs.keyArn,
    ),
  );
  // A condition on a fact only the caller knows (aws:ResourceOrgID, ...) that was not given is unknown, not false.
  const explained = requests.map((request) => ({ request, ...authorizeKnowing(inputs, request, unknownUnlessGiven(request.action)) }));
  // Notes would break the JSON array machines parse, so they go to stderr there.
  if (flags.format === 'json') for (const note of loaded.notes) process.stderr.write(`keyshare: note: ${note}\n`);
  process.stdout.write(render(explainRenderers, { keyArn: inputs.keyArn, notes: loaded.notes, explained }, flags.format));
  return explained.every((e) => e.dependsOn.length === 0 && isAllowed(e.result)) ? EXIT.ok : EXIT.findings;
}

async function requestsOf(flags: ExplainFlags): Promise<KmsRequest[]> {
  const single = flags.principal !== undefined || flags.action !== undefined || flags.context.length > 0;
  if (flags.requests !== undefined) {
    if (single)
      throw new InputError(
        '--requests',
        flags.requests,
        'given together with --principal/--action/--context',
        'give either one request with --principal and --action, or a list with --requests',
      );
    return readRequests({ flag: '--requests', file: flags.requests });
  }
  if (flags.principal === undefined || flags.action === undefined) {
    throw new InputError(
      flags.principal === undefined ? '--principal' : '--action',
      undefined,
      'is required without --requests',
      'give --principal ARN and --action kms:Operation, or --requests FILE',
    );
  }
  const context = await parseContextFlags(flags.context);
  return [
    {
      principal: validPrincipal('--principal', flags.principal),
      action: validAction('--action', flags.action),
      ...(Object.keys(context).length > 0 && { context }),
    },
  ];
}
