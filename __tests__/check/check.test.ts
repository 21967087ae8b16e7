import { checkRollout, passed } from '../../src/check/check';
import { checkRenderers, MARKDOWN_STEP_ROWS } from '../../src/render/check';
import { ADMINISTRATION_PROBES, STRANGER_PROBES } from '../../src/policy/actions';
import { AUTOSCALING_LAUNCH_OPERATIONS } from '../../src/policy/actions';
import { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import { keyPolicy, SID } from '../../src/policy/key-policy';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, manyConsumersYaml, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { GUIDE_GRANT_OPERATIONS } from '../support/aws-pages';

const r = rollout(BASE_YAML);

/** The rollout's own key policy with one statement changed, to show check notices. */
function mutate(change: (statements: PolicyStatement[]) => PolicyStatement[]): PolicyDocument {
  const policy = keyPolicy(r);
  return { ...policy, Statement: change(structuredClone(policy.Statement)) };
}

function failedSteps(report: ReturnType<typeof checkRollout>): string[] {
  return report.consumers.flatMap((c) => c.steps.filter((s) => s.result.decision !== 'Allowed').map((s) => `${c.account}:${s.step.id}`));
}

function failedProbes(report: ReturnType<typeof checkRollout>): string[] {
  return report.probes.filter((p) => !p.ok).map((p) => p.probe.id);
}

describe('check on what keyshare emits', () => {
  test.each([
    ['listed consumers', BASE_YAML],
    ['organization mode', ORG_YAML],
  ])('%s: every launch step is allowed, every probe as intended, no finding', (_, yaml) => {
    const report = checkRollout(rollout(yaml));
    expect(failedSteps(report)).toEqual([]);
    expect(failedProbes(report)).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(passed(report)).toBe(true);
  });

  test('each cross-account consumer proves CreateGrant, every use through the grant and the child grant; the owner its direct use', () => {
    const report = checkRollout(r);
    const ids = Object.fromEntries(report.consumers.map((c) => [c.account, c.steps.map((s) => s.step.id)]));
    const viaGrant = AUTOSCALING_LAUNCH_OPERATIONS.filter((op) => op !== 'CreateGrant').map((op) => `use-through-grant:${op}`);
    expect(ids[CONSUMER_A]).toEqual(['create-grant', ...viaGrant, 'child-grant']);
    expect(ids[CONSUMER_B]).toEqual(['create-grant', ...viaGrant, 'child-grant']);
    expect(ids[OWNER]).toEqual(AUTOSCALING_LAUNCH_OPERATIONS.map((op) => `same-account:${op}`));
  });

  test('least privilege covers strangers, each consumer and the owner', () => {
    const ids = checkRollout(r).probes.map((p) => p.probe.id);
    for (const op of STRANGER_PROBES) expect(ids).toContain(`stranger:${op}`);
    for (const account of [CONSUMER_A, CONSUMER_B]) {
      for (const op of ADMINISTRATION_PROBES) expect(ids).toContain(`${account}:administer:${op}`);
      expect(ids).toEqual(expect.arrayContaining([`${account}:grant-other-role`, `${account}:grant-other-account`, `${account}:grant-beyond-path`]));
    }
    expect(ids).toContain('owner-administers');
    expect(ids).toContain(`administrator:arn:aws:iam::${OWNER}:role/key-admin`);
  });
});

describe('check notices a broken key policy', () => {
  test('the classic bug: GrantIsForAWSResource on a consumer CreateGrant breaks that consumer at its first step', () => {
    const policy = mutate((ss) =>
      ss.map((s) =>
        s.Sid === SID.consumerGrant(CONSUMER_A) ? { ...s, Condition: { ...s.Condition, Bool: { 'kms:GrantIsForAWSResource': true } } } : s,
      ),
    );
    const report = checkRollout(r, policy);
    expect(failedSteps(report)).toEqual([`${CONSUMER_A}:create-grant`]);
    expect(report.findings.map((f) => [f.rule, f.statement])).toEqual([['cross-account-grant-for-aws-resource', SID.consumerGrant(CONSUMER_A)]]);
    expect(passed(report)).toBe(false);
  });

  test('a CreateGrant without the grantee condition lets a consumer grant any role', () => {
    const policy = mutate((ss) =>
      ss.map((s) =>
        s.Sid === SID.consumerGrant(CONSUMER_B) ? { ...s, Condition: { 'ForAllValues:StringEquals': s.Condition!['ForAllValues:StringEquals'] } } : s,
      ),
    );
    const report = checkRollout(r, policy);
    expect(failedSteps(report)).toEqual([]);
    expect(failedProbes(report)).toEqual([`${CONSUMER_B}:grant-other-role`, `${CONSUMER_B}:grant-other-account`]);
  });

  test('without root delegation the owner cannot administer and the lint warns of lock-out', () => {
    const report = checkRollout(
      r,
      mutate((ss) => ss.filter((s) => s.Sid !== SID.rootDelegation)),
    );
    expect(failedProbes(report)).toEqual(['owner-administers']);
    expect(report.findings.map((f) => f.rule)).toEqual(['root-delegation-missing']);
  });

  test('kms:* to consumer accounts lets them grant anything and revoke grants, and is linted', () => {
    const policy = mutate((ss) => ss.map((s) => (s.Sid === SID.consumerUse ? { ...s, Action: 'kms:*' } : s)));
    const report = checkRollout(r, policy);
    // PutKeyPolicy, ScheduleKeyDeletion and the like stay denied: KMS never allows them across
    // accounts ("Allowing users in other accounts to use a KMS key"); RevokeGrant is allowed across accounts.
    const opened = (account: string) => [
      `${account}:grant-other-role`,
      `${account}:grant-other-account`,
      `${account}:grant-beyond-path`,
      `${account}:administer:RevokeGrant`,
    ];
    expect(failedProbes(report)).toEqual([...opened(CONSUMER_A), ...opened(CONSUMER_B)]);
    expect(report.findings.map((f) => f.rule)).toEqual(['kms-star-to-another-account']);
  });

  test('a wildcard principal without an organization condition lets strangers in, and is linted', () => {
    const policy = mutate((ss) => ss.map((s) => (s.Sid === SID.consumerUse ? { ...s, Principal: { AWS: '*' } } : s)));
    const report = checkRollout(r, policy);
    expect(failedProbes(report)).toEqual(expect.arrayContaining(['stranger:Decrypt', 'stranger:DescribeKey']));
    expect(report.findings.map((f) => f.rule)).toEqual(['wildcard-principal-without-org']);
  });

  // Without organization.ouPaths check supplies aws:PrincipalOrgID but no aws:PrincipalOrgPaths, so
  // a key policy that tests the paths leaves the step resting on a fact check was not given.
  test('a step resting on a fact check was not given is Unknown, marked ❔ in markdown, and not proven', () => {
    const org = rollout(ORG_YAML);
    const own = keyPolicy(org);
    const policy = {
      ...own,
      Statement: own.Statement.map((s) =>
        s.Sid === SID.organizationGrant
          ? { ...s, Condition: { ...s.Condition, 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-*/r-*/ou-ab12-cdefgh34/*'] } } }
          : s,
      ),
    };
    const report = checkRollout(org, policy);
    expect(passed(report)).toBe(false);
    const unknown = `Unknown: depends on aws:PrincipalOrgPaths`;
    expect(checkRenderers.text(report)).toContain(`FAIL ${CONSUMER_A} create-grant: arn:aws:iam::${CONSUMER_A}:role/deploy creates the grant`);
    expect(checkRenderers.text(report)).toContain(`: ${unknown}\n`);
    const md = checkRenderers.markdown(checkRollout(org, policy));
    expect(md).toMatch(new RegExp(`\\| \`${CONSUMER_A}\` \\| arn:aws:iam::${CONSUMER_A}:role/deploy creates the grant [^|]+ \\| ❔ ${unknown} \\|`));
    expect(md).toContain(`: ❔ ${unknown}</summary>`);
    expect(JSON.parse(checkRenderers.json(report)).consumers[0].steps[0]).toMatchObject({
      decision: 'Unknown',
      dependsOn: ['aws:PrincipalOrgPaths'],
    });
  });

  // GitHub refuses a comment over 65,536 characters; 300 consumers have 1,800 launch steps.
  describe('the markdown of a large rollout stays a comment GitHub accepts', () => {
    const big = rollout(manyConsumersYaml(300, true));
    const stepRows = (md: string) => md.split('\n').filter((l) => /^\| `\d{12}` \|/.test(l));

    test('proven: no step rows, one line that says every step is allowed and where they are listed', () => {
      const md = checkRenderers.markdown(checkRollout(big));
      expect(md).toMatch(/^### keyshare check: ✅ proven for 300 consumers\n/);
      expect(stepRows(md)).toEqual([]);
      expect(md).toContain('All 1,800 launch steps of 300 consumers are allowed; `keyshare check --format json` lists every step.');
      expect(md).not.toContain('not listed');
      expect(md.length).toBeLessThan(65536);
    });

    test('every consumer failing: the first rows and failures, each capped, with what was left out', () => {
      const own = keyPolicy(big);
      const broken = {
        ...own,
        Statement: own.Statement.map((st) =>
          st.Sid === SID.organizationGrant ? { ...st, Condition: { ...st.Condition, Bool: { 'kms:GrantIsForAWSResource': true } } } : st,
        ),
      };
      const md = checkRenderers.markdown(checkRollout(big, broken));
      // The heading says why; the failures come before the step table and the count of what is proven.
      // Each consumer fails its launch path's CreateGrant and its deploy path's (the grant resource's create).
      expect(md).toMatch(
        /^### keyshare check: ❌ not proven: 300 launch steps not allowed in 300 of 300 consumers; 300 deploy-path calls not allowed in 300 of 301 stacks\n/,
      );
      expect(stepRows(md)).toHaveLength(MARKDOWN_STEP_ROWS);
      // Each kind of failure once, alike for the 300 accounts (launch path, deploy path), its first shown.
      expect(md.match(/<details>/g)).toHaveLength(2);
      expect(md.match(/ · 300 alike, one per account: 200000000000, 200000000001, 200000000002, …; the first shown<\/summary>/g)).toHaveLength(2);
      expect(md.indexOf('<details>')).toBeLessThan(md.indexOf('| consumer | step | decision |'));
      expect(md).toContain(`The table lists the steps of the 300 consumers not proven (the first ${MARKDOWN_STEP_ROWS}; 1,700 more are not listed).`);
      expect(md).not.toContain('more failures are not shown here');
      expect(md).toContain('Launch path proven for 0 of 300 consumers (1,500 of 1,800 steps allowed)');
      expect(md.length).toBeLessThan(65536);
    });
  });

  test('the markdown report opens the failing step and lists the finding with its fix', () => {
    const policy = mutate((ss) =>
      ss.map((s) =>
        s.Sid === SID.consumerGrant(CONSUMER_A) ? { ...s, Condition: { ...s.Condition, Bool: { 'kms:GrantIsForAWSResource': true } } } : s,
      ),
    );
    const md = checkRenderers.markdown(checkRollout(r, policy));
    expect(md).toMatch(/^### keyshare check: ❌ not proven/);
    expect(md).toMatch(new RegExp(`<details><summary>arn:aws:iam::${CONSUMER_A}:role/deploy creates the grant .*: ❌ ImplicitlyDenied</summary>`));
    // Stacked as review's risks are: severity and rule, the finding, then its fix.
    expect(md).toMatch(
      /\n🔴 \*\*high\*\* \[`cross-account-grant-for-aws-resource`\]\(https:[^)]+\)<br>\n.+<br>\n\*\*Fix:\*\* remove the kms:GrantIsForAWSResource condition/,
    );
  });

  test('a missing consumer statement breaks only that consumer', () => {
    const report = checkRollout(
      r,
      mutate((ss) => ss.filter((s) => s.Sid !== SID.consumerGrant(CONSUMER_B))),
    );
    expect(failedSteps(report)).toEqual([`${CONSUMER_B}:create-grant`]);
  });
});

describe('organization mode: the grantee assumption and the documented form', () => {
  const ANY = ORG_YAML.replace(/organization: \{ id: ([^,]+), arn: ("[^"]+") \}/, 'organization: { id: $1, arn: $2, grantee: any-account }');

  test('own-account (default): check proves it, and lists ${aws:PrincipalAccount} in kms:GranteePrincipal as an assumption, not a proof', () => {
    const report = checkRollout(rollout(ORG_YAML));
    expect(passed(report)).toBe(true);
    const assumption = report.assumptions.find((a) => a.includes('${aws:PrincipalAccount}'));
    expect(assumption).toMatch(/no AWS KMS page shows one in a key policy outside kms:EncryptionContext:/);
    expect(checkRenderers.text(report)).toContain(assumption);
    expect(JSON.stringify(keyPolicy(rollout(ORG_YAML)))).toContain('${aws:PrincipalAccount}');
  });

  test('any-account: StringLike on any Auto Scaling role plus membership; another account may be granted, and check says so', () => {
    const r2 = rollout(ANY);
    expect(r2.organization?.grantee).toBe('any-account');
    const statement = keyPolicy(r2).Statement.find((s) => s.Sid === SID.organizationGrant)!;
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
      StringLike: { 'kms:GranteePrincipal': 'arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*' },
      'ForAllValues:StringEquals': {
        'kms:GrantOperations': GUIDE_GRANT_OPERATIONS,
      },
    });
    expect(JSON.stringify(statement)).not.toContain('${aws:PrincipalAccount}');
    const report = checkRollout(r2);
    expect(passed(report)).toBe(true);
    const other = report.probes.find((p) => p.probe.id === `${CONSUMER_A}:grant-other-account`)!;
    expect(other).toMatchObject({ ok: true, decision: 'Allowed' });
    expect(other.probe.title).toContain('organization.grantee: any-account');
    // Still: no role that is not an Auto Scaling role, no operation beyond the path.
    expect(report.probes.find((p) => p.probe.id === `${CONSUMER_A}:grant-other-role`)?.decision).toBe('ImplicitlyDenied');
    expect(report.probes.find((p) => p.probe.id === `${CONSUMER_A}:grant-beyond-path`)?.decision).toBe('ImplicitlyDenied');
    expect(report.assumptions.some((a) => a.includes('any-account'))).toBe(true);
  });
});
