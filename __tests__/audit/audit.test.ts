import { collect, COLLECT_DEFAULTS, CollectOptions, assumeRoleIn } from '../../src/audit/collect';
import { auditReport, AuditReport } from '../../src/audit/report';
import type { Rollout } from '../../src/model/rollout';
import { organizationalUnitArn } from '../../src/policy/arns';
import { CONSUMER_A, CONSUMER_B, ORG_ARN, ORG_ID, OWNER, REGION, rollout } from '../support/rollouts';
import { BASE_CREDENTIALS, deployedOrg, FakeOrg, OU_ID, ROOT_ID, serve } from './fake-org';

const options = (r: Rollout, extra: Partial<CollectOptions> = {}): CollectOptions => ({
  ...COLLECT_DEFAULTS,
  region: REGION,
  base: { credentials: BASE_CREDENTIALS },
  access: assumeRoleIn(r, 'audit'),
  ...extra,
});

async function audit(r: Rollout, org: FakeOrg, extra: Partial<CollectOptions> = {}): Promise<AuditReport> {
  const served = serve(org);
  try {
    return auditReport(await collect(r, options(r, extra)), r);
  } finally {
    served.restore();
  }
}

const statusOf = (report: AuditReport) => Object.fromEntries(report.accounts.map((a) => [a.account, a.status]));
const account = (report: AuditReport, id: string) => report.accounts.find((a) => a.account === id)!;

describe('audit of a live organization served through the SDK mock', () => {
  test('what keyshare deploys is proven, with no drift, read page by page', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.key.aliases.push('alias/other', 'alias/third');
    const report = await audit(r, org);
    expect(statusOf(report)).toEqual({ [OWNER]: 'proven', [CONSUMER_A]: 'proven', [CONSUMER_B]: 'proven' });
    expect(report.drift).toEqual([]);
    expect(report.keyArn).toBe(org.key.arn);
    // Two grants and three aliases at two per page: every page was read.
    expect(org.log.filter((l) => l.endsWith('kms:ListAliases'))).toHaveLength(2);
    expect(org.log.filter((l) => l.endsWith('kms:ListGrants'))).toHaveLength(1);
    // The SCPs came from the path ListParents walked: account, OU, root.
    expect(org.log).toEqual(expect.arrayContaining([`base organizations:ListParents`, `base organizations:DescribePolicy`]));
    expect(report.adoptable.grants.map((g) => g.account)).toEqual([CONSUMER_A, CONSUMER_B]);
    expect(report.adoptable.launchPermissions.map((p) => p.permission.userId)).toEqual([CONSUMER_A, CONSUMER_B]);
  });

  test('grants on three pages are all read', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.pageSize = 1;
    org.key.grants.push({ ...org.key.grants[0], GrantId: 'extra0000', Name: '' });
    const report = await audit(r, org);
    expect(org.log.filter((l) => l.endsWith('kms:ListGrants'))).toHaveLength(3);
    expect(report.drift.map((d) => d.kind)).toEqual(['grant-duplicate']);
  });

  test('a grant retired by hand: the account is broken at its first grant step, and the grant is missing', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.key.grants = org.key.grants.filter((g) => !g.GranteePrincipal!.includes(CONSUMER_A));
    const report = await audit(r, org);
    const a = account(report, CONSUMER_A);
    expect(a.status).toBe('broken');
    expect(a.failingStep?.id).toMatch(/^use-through-grant:/);
    expect(a.fix?.command).toContain('aws kms create-grant');
    expect(statusOf(report)[CONSUMER_B]).toBe('proven');
    expect(report.drift).toEqual([expect.objectContaining({ kind: 'grant-missing', account: CONSUMER_A })]);
  });

  test('a key policy edited in the console is drift, and breaks the consumer it no longer names', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    const policy = JSON.parse(org.key.policy);
    policy.Statement = policy.Statement.filter((s: any) => !JSON.stringify(s).includes(CONSUMER_B));
    policy.Statement.push({
      Sid: 'ConsoleEdit',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWNER}:role/ops` },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    org.key.policy = JSON.stringify(policy);
    const report = await audit(r, org);
    expect(account(report, CONSUMER_B).status).toBe('broken');
    expect(account(report, CONSUMER_B).failingStep?.id).toBe('create-grant');
    const kinds = report.drift.map((d) => `${d.kind} ${d.target}`);
    expect(kinds).toContain('key-policy-statement-extra ConsoleEdit');
    expect(kinds.some((k) => k.startsWith('key-policy-statement-'))).toBe(true);
  });

  test('an SCP added to the OU, reached through ListParents, breaks create-grant in every account under it', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.policies['p-denygrants'] = {
      type: 'SERVICE_CONTROL_POLICY',
      content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoGrants', Effect: 'Deny', Action: 'kms:CreateGrant', Resource: '*' }] }),
    };
    org.attached[OU_ID].push('p-denygrants');
    const report = await audit(r, org);
    for (const id of [CONSUMER_A, CONSUMER_B]) {
      expect(account(report, id).status).toBe('broken');
      expect(account(report, id).failingStep?.id).toBe('create-grant');
    }
    // The owner sits under the root, outside the OU; SCPs do not bound its service-linked role anyway.
    expect(account(report, OWNER).status).toBe('proven');
  });

  /**
   * An RCP on the root that keeps the key to the organization's identities, as the Organizations
   * User Guide's "RCP examples" do (StringNotEqualsIfExists aws:PrincipalOrgID, BoolIfExists
   * aws:PrincipalIsAWSService): RCPs "don't affect resources in the management account"
   * (Organizations User Guide, "Resource control policies (RCPs)").
   */
  function withRootRcp(org: FakeOrg, orgId: string): void {
    org.policies['p-orgonly'] = {
      type: 'RESOURCE_CONTROL_POLICY',
      content: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EnforceOrgIdentities',
            Effect: 'Deny',
            Principal: '*',
            Action: 'kms:*',
            Resource: '*',
            Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
          },
        ],
      }),
    };
    org.attached[ROOT_ID].push('p-orgonly');
  }

  test("an RCP on the key owner's path is decided: one that admits another organization breaks create-grant, one that admits this one does not", async () => {
    const r = rollout();
    const elsewhere = deployedOrg(r);
    elsewhere.managementAccount = '999999999999';
    withRootRcp(elsewhere, 'o-elsewhere111');
    const broken = await audit(r, elsewhere);
    for (const id of [CONSUMER_A, CONSUMER_B]) {
      expect(account(broken, id)).toMatchObject({ status: 'broken', failingStep: expect.objectContaining({ id: 'create-grant' }) });
    }
    // The owner's launch goes through its service-linked role, which RCPs do not restrict.
    expect(account(broken, OWNER).status).toBe('proven');

    const home = deployedOrg(r);
    home.managementAccount = '999999999999';
    withRootRcp(home, home.orgId);
    expect(statusOf(await audit(r, home))).toEqual({ [OWNER]: 'proven', [CONSUMER_A]: 'proven', [CONSUMER_B]: 'proven' });
  });

  test('RCPs do not bound a key in the management account', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    withRootRcp(org, 'o-elsewhere111');
    expect(org.managementAccount).toBe(OWNER);
    expect(statusOf(await audit(r, org))).toEqual({ [OWNER]: 'proven', [CONSUMER_A]: 'proven', [CONSUMER_B]: 'proven' });
  });

  test('an RCP is read as a resource control policy, not with the key-policy grammar: a statement with no Action is refused, named as an RCP', async () => {
    // The key-policy reader lets a statement without Action pass as one with no effect; an RCP needs
    // an Action (Organizations User Guide, "RCP syntax"), so such an RCP is unreadable, never a pass.
    const r = rollout();
    const org = deployedOrg(r);
    org.managementAccount = '999999999999';
    withRootRcp(org, org.orgId);
    const content = JSON.parse(org.policies['p-orgonly'].content) as { Statement: Record<string, unknown>[] };
    delete content.Statement[0].Action;
    org.policies['p-orgonly'].content = JSON.stringify(content);
    await expect(audit(r, org)).rejects.toThrow(/p-orgonly.*(Action and NotAction|resource control policy)/s);
    await expect(audit(r, org)).rejects.not.toThrow(/key policy/);
  });

  test('a missing service-linked role is named with the command that creates it', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    delete org.roles[CONSUMER_B]['AWSServiceRoleForAutoScaling_web'];
    const report = await audit(r, org);
    const b = account(report, CONSUMER_B);
    expect(b.status).toBe('broken');
    expect(b.failingStep?.id).toBe('service-linked-role');
    expect(b.fix?.command).toBe('aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com --custom-suffix web');
    expect(report.drift).toEqual([expect.objectContaining({ kind: 'service-linked-role-missing', account: CONSUMER_B })]);
  });

  test('a denied AssumeRole makes that account unknown, names the permission, and the run goes on', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.denied.add(`${CONSUMER_A} sts:AssumeRole`);
    const report = await audit(r, org);
    const a = account(report, CONSUMER_A);
    expect(a.status).toBe('unknown');
    expect(a.unknowns[0]).toMatchObject({ action: 'sts:AssumeRole', error: 'AccessDenied', target: `arn:aws:iam::${CONSUMER_A}:role/audit` });
    expect(a.unknowns[0].needs).toContain('trust policy');
    expect(statusOf(report)[CONSUMER_B]).toBe('proven');
  });

  test('a denied ListGrants leaves the grant steps unknown, never broken', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.denied.add(`${OWNER} kms:ListGrants`);
    const report = await audit(r, org);
    expect(statusOf(report)).toEqual({ [OWNER]: 'proven', [CONSUMER_A]: 'unknown', [CONSUMER_B]: 'unknown' });
    expect(account(report, CONSUMER_A).unknowns.map((u) => u.action)).toEqual(['kms:ListGrants']);
    expect(report.unknowns.map((u) => u.action)).toEqual(['kms:ListGrants']);
    expect(report.drift.filter((d) => d.kind.startsWith('grant'))).toEqual([]);
  });

  test('a denied GetKeyPolicy leaves every account unknown', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.denied.add(`${OWNER} kms:GetKeyPolicy`);
    const report = await audit(r, org);
    expect(Object.values(statusOf(report))).toEqual(['unknown', 'unknown', 'unknown']);
    expect(account(report, CONSUMER_A).unknowns.map((u) => u.action)).toContain('kms:GetKeyPolicy');
  });

  test('throttling past every retry and a call that never answers are reported per account; the run finishes', async () => {
    const r = rollout();
    const org = deployedOrg(r);
    org.throttle.set('iam:ListAttachedRolePolicies', 1);
    org.hang.add('iam:GetRole');
    const report = await audit(r, org, { timeoutMs: 50, maxAttempts: 1 });
    expect(Object.values(statusOf(report))).toEqual(['unknown', 'unknown', 'unknown']);
    const unknowns = report.accounts.flatMap((a) => a.unknowns);
    expect(unknowns.map((u) => u.error)).toEqual(expect.arrayContaining(['ThrottlingException', 'TimeoutError']));
    expect(unknowns.find((u) => u.error === 'ThrottlingException')?.needs).toContain('--concurrency');
  });

  describe('organization mode', () => {
    const yaml = (ouPaths: string) => `
owner: { account: "${OWNER}", region: ${REGION} }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718 } ]
consumerDeployRoleArn: "arn:aws:iam::{{account}}:role/deploy"
consumers:
  - { account: "${CONSUMER_A}" }
  - { account: "${CONSUMER_B}", serviceLinkedRoleSuffix: web }
organization: { id: ${ORG_ID}, arn: "${ORG_ARN}"${ouPaths} }
`;

    test('an organization launch permission covers every member', async () => {
      const r = rollout(yaml(''));
      const org = deployedOrg(r, ORG_ID);
      expect(org.images['ami-0a1b2c3d4e5f60718']).toEqual([{ OrganizationArn: ORG_ARN }]);
      const report = await audit(r, org);
      expect(statusOf(report)).toEqual({ [CONSUMER_A]: 'proven', [CONSUMER_B]: 'proven' });
      expect(report.drift).toEqual([]);
      expect(report.adoptable.launchPermissions).toEqual([{ imageId: 'ami-0a1b2c3d4e5f60718', permission: { organizationArn: ORG_ARN } }]);
    });

    test('an OU launch permission covers the accounts under that OU only', async () => {
      const path = `${ORG_ID}/r-examplerootid111/${OU_ID}/`;
      const r = rollout(yaml(`, ouPaths: ["${path}"]`));
      const org = deployedOrg(r, ORG_ID);
      const ouArn = organizationalUnitArn(ORG_ARN, ORG_ID, path)!;
      expect(org.images['ami-0a1b2c3d4e5f60718']).toEqual([{ OrganizationalUnitArn: ouArn }]);
      org.parents[CONSUMER_B] = 'r-examplerootid111';
      const report = await audit(r, org);
      expect(account(report, CONSUMER_A).status).toBe('proven');
      const b = account(report, CONSUMER_B);
      expect(b.status).toBe('broken');
      expect(b.failingStep?.id).toBe('launch-permission:ami-0a1b2c3d4e5f60718');
      expect(b.fix?.command).toContain(`UserId=${CONSUMER_B}`);
    });
  });
});
