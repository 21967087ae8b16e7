import * as fs from 'fs';
import { CONSUMER_SID } from '../../src/policy/consumer-policy';
import { render } from '../../src/render/format';
import { reviewRenderers } from '../../src/render/review';
import { referencedResources } from '../../src/review/plan-set';
import { reviewReportSchema, type ReviewReport } from '../../src/review/report';
import { changeOf, editIamPolicy, planDocs, review, rules } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A } from '../support/rollouts';
import { terraformPlanOf, TerraformPlan } from '../support/terraform-plan';

/**
 * Role policy attachments in review: the role ⇄ policy pairs each side holds, the roles they give
 * the key to in the access diff, and the grant creator's IAM policy in the launch path. Fixtures
 * are keyshare's own synthesized stacks (consumer A attaches its IAM policy to `launcher`; its
 * deploy role, which creates the grant, holds no policy of the plans).
 */
const attach = (roles: string) => BASE_YAML.replace('attachPolicyToRoles: [launcher]', `attachPolicyToRoles: [${roles}]`);
const WITH_BUILDER = attach('launcher, builder');
const ROLE_ARN = (name: string) => `arn:aws:iam::${CONSUMER_A}:role/${name}`;
const POLICY = `keyshare-golden-ami (arn:aws:iam::${CONSUMER_A}:policy/keyshare-golden-ami)`;

const attachments = (r: ReviewReport) => r.permissions.filter((p) => p.kind === 'role policy attachment');
const accessOf = (r: ReviewReport, role: string) => r.keys[0].access.find((a) => a.who.id === ROLE_ARN(role));
const launchOf = (r: ReviewReport) => r.keys[0].launch.find((l) => l.account === CONSUMER_A)!;
const withoutCreateGrant = (p: any) => {
  p.Statement = p.Statement.filter((s: any) => s.Sid !== CONSUMER_SID.createGrant);
};

describe('the diff of role policy attachments', () => {
  it('shows an added pair, by role, policy name and ARN, in the stack and account that attach it', () => {
    const r = review(planDocs(BASE_YAML, WITH_BUILDER));
    expect(attachments(r).map((p) => [p.stack, p.account, p.change, p.before, p.after])).toEqual([
      [`consumer-${CONSUMER_A}`, CONSUMER_A, 'added', undefined, `role builder ⇄ ${POLICY}`],
    ]);
  });

  it('shows a removed pair, and a removal raises no risk', () => {
    const r = review(planDocs(WITH_BUILDER, BASE_YAML));
    expect(attachments(r).map((p) => [p.change, p.before, p.after])).toEqual([['removed', `role builder ⇄ ${POLICY}`, undefined]]);
    expect(rules(r)).toEqual([]);
  });

  it('shows a replaced pair, and an unchanged rollout shows none', () => {
    const docs = planDocs(BASE_YAML);
    expect(attachments(review(docs))).toEqual([]);
    Object.assign(changeOf(docs, `consumer-${CONSUMER_A}`, 'aws_iam_role_policy_attachment').change, { actions: ['delete', 'create'] });
    expect(attachments(review(docs)).map((p) => [p.change, p.before, p.after])).toEqual([
      ['replaced', `role launcher ⇄ ${POLICY}`, `role launcher ⇄ ${POLICY}`],
    ]);
  });

  it('names a policy created in the same plan by the reference the plan configuration records', () => {
    const next = BASE_YAML.replace(
      '  - { account: "111122223333" }',
      '  - { account: "121212121212", attachPolicyToRoles: [ops] }\n  - { account: "111122223333" }',
    );
    const r = review(planDocs(BASE_YAML, next));
    const added = attachments(r).find((p) => p.account === '121212121212')!;
    expect(added.after).toMatch(/^role ops ⇄ aws_iam_policy\.\S+ \(ARN known after apply\)$/);
    expect(r.findings.find((f) => f.rule === 'create-grant-policy-attached')?.message).toMatch(/to role ops of account 121212121212/);
  });

  it('an attached policy that does not allow CreateGrant raises no risk, and the pair is still shown', () => {
    const docs = planDocs(BASE_YAML, WITH_BUILDER);
    editIamPolicy(docs, `consumer-${CONSUMER_A}`, (p) => {
      p.Statement = p.Statement.filter((s: any) => !String(s.Action).includes('CreateGrant'));
    });
    const r = review(docs);
    expect(rules(r)).not.toContain('create-grant-policy-attached');
    expect(attachments(r)).toHaveLength(1);
  });

  it('renders in the comment and in JSON that follows the schema', () => {
    const r = review(planDocs(BASE_YAML, WITH_BUILDER));
    const markdown = render(reviewRenderers, { report: r, options: { failOn: 'high' } }, 'markdown');
    expect(markdown).toMatch(new RegExp(`- \\*\\*role policy attachment added\\*\\* \`[^\`]+\` in \`consumer-${CONSUMER_A}\``));
    expect(markdown).toContain(`role builder ⇄ ${POLICY}`);
    expect(markdown).toContain('[`create-grant-policy-attached`]');
    const parsed = reviewReportSchema.safeParse(JSON.parse(render(reviewRenderers, { report: r, options: { failOn: 'high' } }, 'json')));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});

describe('the access diff decides attached roles with their IAM policies', () => {
  it('a role the change attaches the consumer policy to gains CreateGrant for its own Auto Scaling role', () => {
    const r = review(planDocs(BASE_YAML, WITH_BUILDER));
    expect(accessOf(r, 'builder')).toMatchObject({ lost: [], gained: expect.arrayContaining(['kms:CreateGrant (for its own Auto Scaling role)']) });
    expect(accessOf(r, 'builder')!.gained).not.toContain('kms:CreateGrant (for any grantee)');
    expect(accessOf(r, 'launcher')).toMatchObject({ gained: [], lost: [], after: accessOf(r, 'builder')!.gained });
  });

  it('a role the change detaches loses it', () => {
    const r = review(planDocs(WITH_BUILDER, BASE_YAML));
    expect(accessOf(r, 'builder')?.lost).toContain('kms:CreateGrant (for its own Auto Scaling role)');
    expect(accessOf(r, 'builder')?.after).toEqual([]);
  });
});

describe("the launch path weighs the grant creator's attached IAM policy", () => {
  it('breaks when the policy attached to the deploy role loses its CreateGrant statement', () => {
    const docs = planDocs(attach('launcher, deploy'));
    editIamPolicy(docs, `consumer-${CONSUMER_A}`, withoutCreateGrant);
    const r = review(docs);
    expect(launchOf(r)).toMatchObject({ status: 'broken', failing: { id: 'create-grant' } });
    expect(rules(r)).toContain('launch-path-broken');
  });

  it('holds under the same edit when the policy is not attached to the deploy role (its own IAM policy is outside the plans)', () => {
    const docs = planDocs(BASE_YAML);
    editIamPolicy(docs, `consumer-${CONSUMER_A}`, withoutCreateGrant);
    expect(launchOf(review(docs)).status).toBe('holds');
  });
});

describe("a real plan's configuration, as review traces a value known only after apply", () => {
  let tf: TerraformPlan;
  beforeAll(() => {
    tf = terraformPlanOf({
      'main.tf': 'module "m" {\n  source = "./m"\n}\nresource "terraform_data" "top" { input = module.m.out }\n',
      'm/main.tf': [
        'resource "terraform_data" "policy" { input = "p" }',
        'resource "terraform_data" "attach" {',
        '  count = 2',
        '  input = terraform_data.policy.id',
        '}',
        'output "out" { value = terraform_data.policy.id }',
        '',
      ].join('\n'),
    });
  });
  afterAll(() => fs.rmSync(tf.dir, { recursive: true, force: true }));

  it('resolves a reference inside a module, whatever the instance key', () => {
    const unknown = tf.json.resource_changes.find((c: any) => c.address === 'module.m.terraform_data.attach[1]');
    expect(unknown.change.after_unknown.input).toBe(true);
    expect(referencedResources(tf.json.configuration, 'module.m.terraform_data.attach[1]', 'input')).toEqual(['module.m.terraform_data.policy']);
    expect(referencedResources(tf.json.configuration, 'terraform_data.top', 'input')).toEqual([]);
    expect(referencedResources(tf.json.configuration, 'module.m.terraform_data.policy', 'input')).toEqual([]);
  });
});
