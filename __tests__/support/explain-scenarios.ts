/**
 * The harness of the documented request scenarios (round three onwards): a setup of policies, grants,
 * SCPs, RCPs and a boundary, written to files and passed to `keyshare explain` as its flags, and one
 * request whose decision the AWS page gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import type { Grant } from '../../src/policy/kms-api';
import { keyshareInProcess as run } from '../cli/in-process';
import { tempDir } from './temp';

export const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

/** The default key policy's first statement: the key's account, whose IAM policies then decide. */
export const rootStatement = (account: string): PolicyStatement => ({
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${account}:root` },
  Action: 'kms:*',
  Resource: '*',
});

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | 'Unknown';

export interface PolicySetup {
  readonly keyPolicy: PolicyDocument;
  readonly keyArn: string;
  readonly iam?: readonly PolicyDocument[];
  readonly grants?: readonly Grant[];
  readonly scps?: readonly unknown[];
  readonly rcps?: readonly unknown[];
  readonly boundary?: PolicyDocument;
  readonly managementAccount?: boolean;
}

export interface ExplainRequest {
  readonly principal: string;
  readonly action: string;
  /** `key=value` as `--context` takes it. */
  readonly context?: readonly string[];
  readonly encryptionContext?: Record<string, string>;
  readonly grantConstraints?: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> };
}

export interface ExplainResult {
  readonly status: number | null;
  readonly stderr: string;
  readonly decision: Decision;
  readonly dependsOn?: readonly string[];
}

/** Writes each input of a setup to its own file, as a user passes them. */
export function scenarioFiles(prefix: string): { inputArgs: (s: PolicySetup) => string[]; file: (content: unknown) => string } {
  const tmp = tempDir(prefix);
  let files = 0;
  const file = (content: unknown): string => {
    const f = path.join(tmp, `${++files}.json`);
    fs.writeFileSync(f, JSON.stringify(content));
    return f;
  };
  const inputArgs = (s: PolicySetup): string[] => [
    '--key-policy',
    file(s.keyPolicy),
    '--key-arn',
    s.keyArn,
    ...(s.iam ?? []).flatMap((d) => ['--iam-policy', file(d)]),
    ...((s.grants ?? []).length > 0 ? ['--grants', file({ Grants: s.grants })] : []),
    ...(s.scps ?? []).flatMap((d) => ['--scp', file(d)]),
    ...(s.rcps ?? []).flatMap((d) => ['--rcp', file(d)]),
    ...(s.boundary ? ['--permissions-boundary', file(s.boundary)] : []),
    ...(s.managementAccount ? ['--key-in-management-account'] : []),
  ];
  return { inputArgs, file };
}

/** `keyshare explain --format json` on one request: flags, or `--requests` when it carries what flags cannot. */
export async function explainOne(files: ReturnType<typeof scenarioFiles>, setup: PolicySetup, r: ExplainRequest): Promise<ExplainResult> {
  const request =
    r.encryptionContext || r.grantConstraints
      ? [
          '--requests',
          files.file([
            {
              principal: r.principal,
              action: r.action,
              ...(r.encryptionContext && { encryptionContext: r.encryptionContext }),
              ...(r.grantConstraints && { grantConstraints: r.grantConstraints }),
              ...(r.context && { context: Object.fromEntries(r.context.map((c) => c.split('=') as [string, string])) }),
            },
          ]),
        ]
      : ['--principal', r.principal, '--action', r.action, ...(r.context ?? []).flatMap((c) => ['--context', c])];
  const out = await run(['explain', ...files.inputArgs(setup), ...request, '--format', 'json']);
  const parsed = out.stdout ? (JSON.parse(out.stdout) as { decision: Decision; dependsOn?: string[] }[]) : [];
  return { status: out.status, stderr: out.stderr, decision: parsed[0]?.decision, dependsOn: parsed[0]?.dependsOn };
}

export interface DoctorStep {
  readonly id: string;
  readonly decision: Decision;
  readonly dependsOn: readonly string[];
}

export interface DoctorResult {
  readonly status: number | null;
  readonly stderr: string;
  readonly works: boolean;
  readonly steps: readonly DoctorStep[];
  /** `works`, `unknown` (no step denied, one unknown) or `fails`. */
  readonly verdict: 'works' | 'fails' | 'unknown';
}

/** `keyshare doctor --format json` on the launch path of `consumer`, its grants created by `creator`. */
export async function doctorOne(
  files: ReturnType<typeof scenarioFiles>,
  setup: PolicySetup,
  launch: { consumer: string; creator: string; context?: readonly string[] },
): Promise<DoctorResult> {
  const out = await run([
    'doctor',
    ...files.inputArgs(setup),
    '--consumer',
    launch.consumer,
    '--grant-creator',
    launch.creator,
    ...(launch.context ?? []).flatMap((c) => ['--context', c]),
    '--format',
    'json',
  ]);
  const report = out.stdout ? (JSON.parse(out.stdout) as { works: boolean; steps: DoctorStep[] }) : { works: false, steps: [] };
  const unknown = report.steps.some((st) => st.decision === 'Unknown') && report.steps.every((st) => ['Allowed', 'Unknown'].includes(st.decision));
  return { status: out.status, stderr: out.stderr, ...report, verdict: report.works ? 'works' : unknown ? 'unknown' : 'fails' };
}
