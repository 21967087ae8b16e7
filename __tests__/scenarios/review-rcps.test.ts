/**
 * Documented scenarios, round three, as `review` decides them (issue #18, class 1): resource control
 * policies created or changed in a plan (`aws_organizations_policy` of type RESOURCE_CONTROL_POLICY,
 * `aws_organizations_policy_attachment` to a root, OU or account) bound the key of the accounts they
 * are attached to. Each was decided from the AWS page it cites, whose deciding sentence it quotes,
 * before keyshare was run. Fixtures are keyshare's own synthesized stacks, with an organization
 * stack added as a pull request's author would.
 */
import type { ReviewReport } from '../../src/review/report';
import { review, rules, type PlanDocs, planDocs } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A, OWNER } from '../support/rollouts';
import { cite } from '../support/aws-pages';

const ORG_RCPS = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html';
const RCP_EVALUATION = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html';
const MEMBER_ONLY = cite(
  ORG_RCPS,
  "RCPs don't affect resources in the management account. They only affect resources in the member accounts within your organization.",
);
const ANY_LEVEL_DENIES = cite(
  RCP_EVALUATION,
  'For a permission to be denied for a resource in a specific account, any RCP from the root through each OU in the direct path to the account (including the target account itself) can deny that permission.',
);
const NOT_RESTRICTED = cite(ORG_RCPS, 'Resources and entities not restricted by RCPs');
const MGMT_IN_ARN = cite(
  'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/get-org-ou-ARN.html',
  'The organization and the organizational unit ARNs contain the 12-digit management account number.',
);

const MANAGEMENT = '123456789012';
const ORG = 'o-a1b2c3d4e5';
const ROOT = 'r-ab12';
const OU = 'ou-ab12-11111111';

/** Denies every KMS action on the organization's keys to principals outside the owner's account. */
const OWNER_ONLY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'RCPFullAWSAccess', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
    {
      Sid: 'OnlyOwnerAccount',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': OWNER } },
    },
  ],
};

interface RcpPlan {
  readonly target: string | null;
  /** The policy's ID and ARN, for an RCP that exists already (update); a create knows neither. */
  readonly existing?: { readonly id: string; readonly arn: string };
  readonly content?: unknown;
  /** The plan removes the RCP and its attachment. */
  readonly removed?: boolean;
}

/** An organization stack, in the management account, that creates (or changes) an RCP and attaches it to `target`. */
function withRcp(docs: PlanDocs, p: RcpPlan): PlanDocs {
  const owner = docs.get('owner');
  const content = JSON.stringify(p.content ?? OWNER_ONLY);
  const policy = { name: 'kms-perimeter', type: 'RESOURCE_CONTROL_POLICY', content, ...(p.existing && { id: p.existing.id, arn: p.existing.arn }) };
  const attachment = { policy_id: p.existing?.id ?? null, target_id: p.target };
  const change = (type: string, name: string, after: Record<string, unknown>, unknown: Record<string, boolean>) => ({
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    change: p.removed
      ? { actions: ['delete'], before: after, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false }
      : p.existing
        ? {
            actions: ['update'],
            before: { ...after, content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}' },
            after,
            after_unknown: {},
            before_sensitive: {},
            after_sensitive: {},
          }
        : { actions: ['create'], before: null, after, after_unknown: unknown, before_sensitive: false, after_sensitive: {} },
  });
  const configuration = JSON.parse(JSON.stringify(owner.configuration));
  configuration.provider_config.aws.expressions.allowed_account_ids.constant_value = [MANAGEMENT];
  configuration.provider_config.aws.expressions.assume_role[0].role_arn.constant_value = `arn:aws:iam::${MANAGEMENT}:role/deploy`;
  configuration.root_module = {
    resources: [
      { address: 'aws_organizations_policy.perimeter', mode: 'managed', type: 'aws_organizations_policy', name: 'perimeter', expressions: {} },
      {
        address: 'aws_organizations_policy_attachment.perimeter',
        mode: 'managed',
        type: 'aws_organizations_policy_attachment',
        name: 'perimeter',
        expressions: { policy_id: { references: ['aws_organizations_policy.perimeter.id', 'aws_organizations_policy.perimeter'] } },
      },
    ],
  };
  docs.set('organization', {
    format_version: owner.format_version,
    resource_changes: [
      change('aws_organizations_policy', 'perimeter', policy, p.existing ? {} : { id: true, arn: true }),
      change('aws_organizations_policy_attachment', 'perimeter', attachment, p.existing ? {} : { policy_id: true, id: true }),
    ],
    configuration,
  });
  return docs;
}

const launchOf = (r: ReviewReport) => r.keys[0].launch.find((l) => l.account === CONSUMER_A)!;
const accessOf = (r: ReviewReport, id: string) => r.keys[0].access.find((a) => a.who.id === id);
const SLR = `arn:aws:iam::${CONSUMER_A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

describe('round three in review: RCPs created or changed in a plan (class 1)', () => {
  it(`an RCP attached to the root that denies KMS to other accounts breaks the consumers' launch path, with a risk (${ANY_LEVEL_DENIES.url})`, () => {
    expect(ANY_LEVEL_DENIES.quote).toMatch(/any RCP from the root through each OU/);
    const r = review(withRcp(planDocs(BASE_YAML), { target: ROOT }));
    expect(launchOf(r)).toMatchObject({ status: 'broken', failing: { id: 'create-grant', decision: 'ExplicitlyDenied' } });
    expect(launchOf(r).failing!.reasons.join('\n')).toMatch(/Deny rcp OnlyOwnerAccount/);
    expect(rules(r)).toContain('launch-path-broken');
    expect(accessOf(r, CONSUMER_A)?.lost).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:DescribeKey']));
    expect(r.policies.find((p) => p.subject === 'resource control policy')).toMatchObject({
      change: 'created',
      address: 'aws_organizations_policy.perimeter',
    });
  });

  it(`the consumer's Auto Scaling role, a service-linked role, keeps what the grant gives it (${NOT_RESTRICTED.url})`, () => {
    const r = review(withRcp(planDocs(BASE_YAML), { target: ROOT }));
    const slr = accessOf(r, SLR);
    expect(slr?.after).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext']));
    expect(slr?.lost).toEqual([]);
  });

  it("attached to the key's own account it bounds the key as the root's does", () => {
    const r = review(withRcp(planDocs(BASE_YAML), { target: OWNER }));
    expect(launchOf(r).status).toBe('broken');
  });

  it("attached to a consumer's account it does not bound the owner's key: RCPs bound the resources of the accounts they are attached to", () => {
    const r = review(withRcp(planDocs(BASE_YAML), { target: CONSUMER_A }));
    expect(launchOf(r).status).toBe('holds');
    expect(rules(r)).not.toContain('launch-path-broken');
  });

  it('attached to an OU it is taken to bound the key, and the note says so', () => {
    const r = review(withRcp(planDocs(BASE_YAML), { target: OU }));
    expect(launchOf(r).status).toBe('broken');
    expect(r.keys[0].notes.join('\n')).toMatch(new RegExp(`OU ${OU}: the plans do not say whether account ${OWNER} is in it`));
  });

  it(`the key in the management account, named by the RCP's ARN, is not bounded (${MEMBER_ONLY.url}; ${MGMT_IN_ARN.url})`, () => {
    expect(MEMBER_ONLY.quote).toMatch(/don't affect resources in the management account/);
    expect(MGMT_IN_ARN.quote).toMatch(/contain the 12-digit management account number/);
    const existing = { id: 'p-rcp0000001', arn: `arn:aws:organizations::${OWNER}:policy/${ORG}/resource_control_policy/p-rcp0000001` };
    const r = review(withRcp(planDocs(BASE_YAML), { target: ROOT, existing }));
    expect(launchOf(r).status).toBe('holds');
    expect(r.keys[0].notes.join('\n')).toMatch(/management account/);
  });

  it('the same change to an existing RCP, with the management account elsewhere, breaks the launch path', () => {
    const existing = { id: 'p-rcp0000001', arn: `arn:aws:organizations::${MANAGEMENT}:policy/${ORG}/resource_control_policy/p-rcp0000001` };
    const r = review(withRcp(planDocs(BASE_YAML), { target: ROOT, existing }));
    expect(launchOf(r)).toMatchObject({ before: 'holds', status: 'broken' });
    expect(r.policies.find((p) => p.subject === 'resource control policy')).toMatchObject({ change: 'changed' });
  });

  it('an RCP the plan removes gives back what it denied: the launch path is fixed', () => {
    const existing = { id: 'p-rcp0000001', arn: `arn:aws:organizations::${MANAGEMENT}:policy/${ORG}/resource_control_policy/p-rcp0000001` };
    const r = review(withRcp(planDocs(BASE_YAML), { target: ROOT, existing, removed: true }));
    expect(launchOf(r).status).toBe('fixed');
  });

  it('a perimeter RCP on the principal organization: consumers are taken to be members, and the note says so', () => {
    const perimeter = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Perimeter',
          Effect: 'Deny',
          Principal: '*',
          Action: 'kms:*',
          Resource: '*',
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
        },
      ],
    };
    const r = review(withRcp(planDocs(BASE_YAML), { target: ROOT, content: perimeter }));
    expect(launchOf(r).status).toBe('holds');
    expect(r.assumptions.join('\n')).toMatch(/or else an RCP the plans attach\) names an organization, every consumer is taken to be a member/);
  });

  it('a service control policy in the plan is not read as an RCP', () => {
    const docs = withRcp(planDocs(BASE_YAML), { target: ROOT });
    docs.get('organization').resource_changes[0].change.after.type = 'SERVICE_CONTROL_POLICY';
    const r = review(docs);
    expect(launchOf(r).status).toBe('holds');
    expect(r.policies.find((p) => p.subject === 'resource control policy')).toBeUndefined();
  });

  /** Adds to the organization stack the tree the plans manage: `nodes` as [type, id, parent_id]. */
  function withTree(docs: PlanDocs, nodes: readonly (readonly [string, string, string | null])[], management?: string): PlanDocs {
    const stack = docs.get('organization');
    const node = (type: string, name: string, after: Record<string, unknown>) => ({
      address: `${type}.${name}`,
      mode: 'managed',
      type,
      name,
      change: { actions: ['no-op'], before: after, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
    });
    nodes.forEach(([type, id, parent], i) => stack.resource_changes.push(node(type, `n${i}`, { id, parent_id: parent })));
    if (management) stack.resource_changes.push(node('aws_organizations_organization', 'org', { id: ORG, master_account_id: management }));
    return docs;
  }

  it("attached to the OU the plans place the key's account in (aws_organizations_account parent_id): it bounds the key, with no assumption", () => {
    const docs = withTree(withRcp(planDocs(BASE_YAML), { target: OU }), [
      ['aws_organizations_organizational_unit', OU, ROOT],
      ['aws_organizations_account', OWNER, OU],
    ]);
    const r = review(docs);
    expect(launchOf(r).status).toBe('broken');
    expect(r.keys[0].notes.join('\n')).not.toMatch(/the plans do not say whether account/);
  });

  it("attached to another OU than the one the plans place the key's account in: it does not bound the key", () => {
    const docs = withTree(withRcp(planDocs(BASE_YAML), { target: OU }), [
      ['aws_organizations_organizational_unit', OU, ROOT],
      ['aws_organizations_organizational_unit', 'ou-ab12-22222222', ROOT],
      ['aws_organizations_account', OWNER, 'ou-ab12-22222222'],
    ]);
    expect(launchOf(review(docs)).status).toBe('holds');
  });

  it(`the key in the management account the plans' aws_organizations_organization names is not bounded (${MEMBER_ONLY.url})`, () => {
    const docs = withTree(withRcp(planDocs(BASE_YAML), { target: ROOT }), [], OWNER);
    const r = review(docs);
    expect(launchOf(r).status).toBe('holds');
    expect(r.keys[0].notes.join('\n')).toMatch(new RegExp(`account ${OWNER} is the organization's management account`));
  });
});
