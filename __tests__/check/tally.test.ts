import { checkRollout, passed, tallyRollout } from '../../src/check/check';
import { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import { keyPolicy, SID } from '../../src/policy/key-policy';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, ORG_YAML, rollout } from '../support/rollouts';

const r = rollout(BASE_YAML);

function mutate(change: (statements: PolicyStatement[]) => PolicyStatement[]): PolicyDocument {
  const policy = keyPolicy(r);
  return { ...policy, Statement: change(structuredClone(policy.Statement)) };
}

// synth keeps only the tally; it must be the verdict and the counts of the full report.
describe("tallyRollout gives check's verdict and counts", () => {
  test.each([
    ['listed consumers, proven', true, () => [r, keyPolicy(r)] as const],
    ['organization mode, proven', true, () => [rollout(ORG_YAML), keyPolicy(rollout(ORG_YAML))] as const],
    [
      'a launch step fails (GrantIsForAWSResource on a consumer CreateGrant)',
      false,
      () =>
        [
          r,
          mutate((ss) =>
            ss.map((s) =>
              s.Sid === SID.consumerGrant(CONSUMER_A) ? { ...s, Condition: { ...s.Condition, Bool: { 'kms:GrantIsForAWSResource': true } } } : s,
            ),
          ),
        ] as const,
    ],
    [
      'only probes fail (CreateGrant without the grantee condition)',
      false,
      () =>
        [
          r,
          mutate((ss) =>
            ss.map((s) =>
              s.Sid === SID.consumerGrant(CONSUMER_B)
                ? { ...s, Condition: { 'ForAllValues:StringEquals': s.Condition!['ForAllValues:StringEquals'] } }
                : s,
            ),
          ),
        ] as const,
    ],
  ])('%s', (_, proven, make) => {
    const [rollout_, policy] = make();
    const report = checkRollout(rollout_, policy);
    expect(passed(report)).toBe(proven);
    expect(tallyRollout(rollout_, policy)).toEqual({
      passed: proven,
      steps: report.consumers.reduce((n, c) => n + c.steps.length, 0),
      deploySteps: report.deploy.reduce((n, d) => n + d.steps.length, 0),
      probes: report.probes.length,
      assumptions: report.assumptions,
    });
  });
});
