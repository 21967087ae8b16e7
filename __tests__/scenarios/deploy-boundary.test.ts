/**
 * Documented scenarios, round three (issue #18, class 2): a deploy role with a permissions boundary
 * gains only what the boundary allows, on its deploy path as on its launch path, in `doctor
 * --deploy-role` and in `review`. Each was decided from the AWS page it cites, whose deciding sentence
 * it quotes, before keyshare was run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import type { PolicyDocument } from '../../src/policy/document';
import { issuedAutoScalingGrant } from '../../src/policy/grant';
import { keyPolicy } from '../../src/policy/key-policy';
import type { ReviewReport } from '../../src/review/report';
import { keyshareInProcess as run } from '../cli/in-process';
import { bound, planDocs, review } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A, OWNER, REGION, rollout } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { cite } from '../support/aws-pages';

const EVALUATION = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html';
const PB_INTERSECTION = cite(
  EVALUATION,
  'When you set a permissions boundary for an entity, the entity can perform only the actions that are allowed by both its identity-based policies and its permissions boundaries.',
);
const CROSS_ACCOUNT_IDENTITY = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
  'When AWS evaluates this account, it checks the identity-based policy and any policies that can limit an identity-based policy.',
);
const PB_DENY = cite(EVALUATION, 'An explicit deny in either of these policies overrides the allow.');

const KEY = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DEPLOY = `arn:aws:iam::${CONSUMER_A}:role/deploy`;
const boundary = (...statements: Record<string, unknown>[]): PolicyDocument =>
  ({ Version: '2012-10-17', Statement: statements.map((s) => ({ Resource: '*', ...s })) }) as PolicyDocument;
const allow = (...actions: string[]) => ({ Effect: 'Allow', Action: actions });

function inputs(bound: PolicyDocument): string[] {
  const dir = tempDir('keyshare-deploy-boundary-');
  const write = (name: string, doc: unknown) => {
    fs.writeFileSync(path.join(dir, name), JSON.stringify(doc));
    return path.join(dir, name);
  };
  const r = rollout(BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${KEY}",`));
  return [
    ...['--key-policy', write('key-policy.json', keyPolicy(r)), '--iam-policy', write('iam.json', consumerIamPolicy('aws', REGION, CONSUMER_A, KEY))],
    ...['--grants', write('grants.json', { Grants: [{ ...issuedAutoScalingGrant('aws', KEY, CONSUMER_A), GrantId: 'a'.repeat(64) }] })],
    ...['--key-arn', KEY, '--consumer', CONSUMER_A, '--deploy-role', DEPLOY, '--permissions-boundary', write('boundary.json', bound)],
    ...['--format', 'json'],
  ];
}

interface DoctorJson {
  readonly works: boolean;
  readonly deploy: { readonly works: boolean; readonly steps: readonly { readonly permission: string; readonly decision: string }[] };
}
async function doctor(bound: PolicyDocument): Promise<{ status: number | null; report: DoctorJson }> {
  const out = await run(['doctor', ...inputs(bound)]);
  expect(out.stderr).toBe('');
  return { status: out.status, report: JSON.parse(out.stdout) as DoctorJson };
}
const refused = (r: DoctorJson) => [...new Set(r.deploy.steps.filter((s) => s.decision !== 'Allowed').map((s) => s.permission))].sort();

describe(`doctor --deploy-role: the deploy role's permissions boundary bounds its calls on the key (${PB_INTERSECTION.url})`, () => {
  it('a boundary allowing only CreateGrant: the launch works, and Terraform cannot read or retire its grant nor describe the key', async () => {
    expect(PB_INTERSECTION.quote).toMatch(/allowed by both its identity-based policies and its permissions boundaries/);
    expect(CROSS_ACCOUNT_IDENTITY.quote).toMatch(/any policies that can limit an identity-based policy/);
    const { status, report } = await doctor(boundary(allow('kms:CreateGrant', 'ec2:*')));
    expect(report.works).toBe(true);
    expect(report.deploy.works).toBe(false);
    expect(refused(report)).toEqual(['kms:DescribeKey', 'kms:ListGrants', 'kms:RetireGrant']);
    expect(status).toBe(1);
  });

  it('a boundary allowing every KMS action leaves the deploy path whole', async () => {
    const { status, report } = await doctor(boundary(allow('kms:*')));
    expect(report.deploy.works).toBe(true);
    expect(status).toBe(0);
  });

  it(`an explicit Deny of kms:ListGrants in the boundary fails that call alone (${PB_DENY.url})`, async () => {
    expect(PB_DENY.quote).toMatch(/explicit deny in either of these policies overrides the allow/);
    const { report } = await doctor(boundary(allow('*'), { Effect: 'Deny', Action: 'kms:ListGrants' }));
    expect(report.works).toBe(true);
    expect(refused(report)).toEqual(['kms:ListGrants']);
    expect(report.deploy.steps.find((s) => s.permission === 'kms:ListGrants')?.decision).toBe('ExplicitlyDenied');
  });
});
const deployOf = (r: ReviewReport) => r.keys[0].launch.find((l) => l.account === CONSUMER_A)!;

describe('review: the grant creator’s permissions_boundary bounds its deploy path too (class 2)', () => {
  const attach = BASE_YAML.replace('attachPolicyToRoles: [launcher]', 'attachPolicyToRoles: [launcher, deploy]');

  it('bounded to CreateGrant and DescribeKey, the launch path holds and the deploy path breaks at ListGrants', () => {
    const docs = planDocs(attach);
    bound(docs, 'deploy', ['kms:CreateGrant', 'kms:DescribeKey']);
    const launch = deployOf(review(docs));
    expect(launch.status).toBe('holds');
    expect(launch.deploy).toMatchObject({ status: 'broken', failing: { id: expect.stringMatching(/:kms:ListGrants$/) } });
  });

  it('bounded to every KMS action, both hold', () => {
    const docs = planDocs(attach);
    bound(docs, 'deploy', ['kms:*']);
    const launch = deployOf(review(docs));
    expect(launch.status).toBe('holds');
    expect(launch.deploy?.status).toBe('holds');
  });
});
