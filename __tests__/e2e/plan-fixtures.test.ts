import * as fs from 'fs';
import * as path from 'path';
import { loadPlanSet } from '../../src/review/plan-set';
import { reviewPlans } from '../../src/review/review';
import { configPlanDocuments, stacksOf } from '../../src/review/config-plans';
import { tempDir } from '../support/temp';
import { lifecycleConfig, PLAN_FIXTURE_STEPS, STACK_A, STACK_B } from '../support/lifecycle-steps';
import { CONSUMER_A, CONSUMER_B, rollout } from '../support/rollouts';

/**
 * review on real plans: `terraform show -json` of the real AWS provider 5.100.0 against the tests'
 * AWS endpoint, kept in __tests__/fixtures/lifecycle/<step>/<stack>.plan.json by
 * scripts/lifecycle-fixtures.ts (`npx tsx scripts/lifecycle-fixtures.ts` regenerates them). Each
 * step's plans are held to keyshare's current output (the resources synth writes for that config),
 * so a change to what keyshare emits fails here until the fixtures are regenerated.
 */
const DIR = path.join(__dirname, '../fixtures/lifecycle');
const work = tempDir('keyshare-plan-fixtures-');
const files = (step: string, ...stacks: string[]) => stacks.map((s) => path.join(DIR, step, `${s}.plan.json`));
const review = (step: string, ...stacks: string[]) => reviewPlans(loadPlanSet(files(step, ...stacks)));
const rules = (r: ReturnType<typeof review>) => r.findings.map((f) => [f.rule, f.severity]);
const launchOf = (r: ReturnType<typeof review>, account: string) => r.keys[0].launch.find((l) => l.account === account);

describe.each(PLAN_FIXTURE_STEPS.map((s) => [s.name, s] as const))('%s: real plans of what keyshare emits today', (name, step) => {
  it.each(step.stacks.map((s) => [s.stack, s.destroy ?? false] as const))('%s', (stack, destroy) => {
    const plan = JSON.parse(fs.readFileSync(files(name, stack)[0], 'utf8'));
    expect([plan.format_version, plan.terraform_version.split('.').slice(0, 2).join('.')]).toEqual(['1.2', '1.11']);
    const planned = (plan.planned_values?.root_module?.resources ?? []).map((r: { address: string }) => r.address).sort();
    // A destroy plan keeps nothing; any other, exactly the resources synth writes for the step's config.
    const synthesized = stacksOf(rollout(lifecycleConfig(step.after))).get(stack)?.resource ?? {};
    const expected = destroy ? [] : Object.entries(synthesized).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
    expect(planned).toEqual(expected.sort());
  });
});

it('first deploy: everything is created, and the launch and deploy paths hold', () => {
  const r = review('first-deploy', 'owner', STACK_A);
  expect(r.totals.create).toBe(7);
  expect(launchOf(r, CONSUMER_A)).toMatchObject({ status: 'holds', deploy: { status: 'holds' } });
  expect(rules(r)).toEqual([['create-grant-policy-attached', 'medium']]);
});

it("an added consumer: its launch and deploy paths hold with the owner's new key policy", () => {
  const r = review('added-consumer', 'owner', STACK_B);
  expect(launchOf(r, CONSUMER_B)).toMatchObject({ before: 'absent', after: 'holds', deploy: { after: 'holds' } });
  expect(r.findings.map((f) => f.rule)).not.toContain('deploy-path-broken');
});

describe('a removed consumer', () => {
  const step = PLAN_FIXTURE_STEPS.find((s) => s.name === 'removed-consumer')!;
  const accessOf = (r: ReturnType<typeof review>, account: string) => r.keys[0].access.find((a) => a.who.id === account);

  it("with its tombstone's plan: the grant's removal is the finding, the account kept for its teardown only", () => {
    const r = review('removed-consumer', STACK_B, 'owner');
    expect(rules(r)).toContainEqual(['autoscaling-grant-removed', 'high']);
    expect(r.findings.map((f) => f.rule)).not.toContain('consumer-dropped-with-live-grant');
    expect(launchOf(r, CONSUMER_B)?.status).toBe('removed');
    expect(accessOf(r, CONSUMER_B)?.after).toEqual(['kms:ListGrants']);
  });

  it('config review of the same change (review --base-config) reports it identically', () => {
    const real = review('removed-consumer', STACK_B, 'owner');
    const docs = configPlanDocuments(rollout(lifecycleConfig(step.before)), rollout(lifecycleConfig(step.after)));
    const fromConfigs = reviewPlans(
      loadPlanSet(
        // The same stacks as the real plans: B's (its tombstone) and the owner's.
        step.stacks.map(({ stack }) => {
          const doc = docs.get(stack);
          const file = path.join(work, `${stack}.plan.json`);
          fs.writeFileSync(file, JSON.stringify(doc));
          return file;
        }),
      ),
    );
    const summary = (r: ReturnType<typeof review>) => ({
      rules: rules(r).sort(),
      launch: launchOf(r, CONSUMER_B)?.status,
      access: accessOf(r, CONSUMER_B)?.after,
      lost: accessOf(r, CONSUMER_B)?.lost,
    });
    expect(summary(fromConfigs)).toEqual(summary(real));
  });
});

it("an alias rename: the alias and the consumer's IAM policy are replaced, the key is not", () => {
  const r = review('alias-rename', 'owner', STACK_A);
  expect(r.destructive.map((c) => [c.address.split('.')[0], c.kind]).sort()).toEqual([
    ['aws_iam_policy', 'replace'],
    ['aws_iam_role_policy_attachment', 'replace'],
    ['aws_kms_alias', 'replace'],
  ]);
  expect(r.findings).toEqual([]);
  expect(launchOf(r, CONSUMER_A)).toMatchObject({ status: 'holds', deploy: { status: 'holds' } });
});

it('a key policy change (another administrator): an update in place, no key replacement', () => {
  const r = review('key-policy-change', 'owner');
  expect(r.totals).toMatchObject({ update: 1, replace: 0, delete: 0 });
  expect(r.findings.map((f) => f.rule)).not.toContain('key-replacement');
});
