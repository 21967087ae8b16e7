import { IAM_MANAGED_POLICY_MAX_CHARS, iamPolicyChars } from '../../src/policy/document';
import { SID } from '../../src/policy/key-policy';
import { RULES } from '../../src/policy/rules';
import { changeOf, editIamPolicy, editKeyPolicy, planDocs, PlanDocs, review, rules, statement } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_A, CONSUMER_B, ORG_ID, ORG_YAML, OWNER, REGION, rollout, STRANGER } from '../support/rollouts';
import { configPlanDocuments } from '../../src/review/config-plans';

/**
 * Every risk rule has a change that triggers it and a near change that does not. Fixtures are
 * keyshare's own synthesized stacks as plans (before: one config, after: another, or an edit).
 */
const base = () => planDocs(BASE_YAML);
const WITH_BUILDER = BASE_YAML.replace('attachPolicyToRoles: [launcher]', 'attachPolicyToRoles: [launcher, builder]');
const edited = (edit: (docs: PlanDocs) => void) => {
  const docs = base();
  edit(docs);
  return docs;
};

/** Marks attributes of a change's after side "known after apply", as a plan does for values computed at apply. */
function unknownAfter(change: any, ...names: string[]): void {
  for (const n of names) delete change.change.after[n];
  change.change.after_unknown = { ...(change.change.after_unknown ?? {}), ...Object.fromEntries(names.map((n) => [n, true])) };
  if (change.change.actions[0] === 'no-op') change.change.actions = ['update'];
}
const EXISTING_KEY_YAML = BASE_YAML.replace(
  'key: { alias: golden-ami,',
  `key: { alias: golden-ami, arn: "arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab",`,
);
const WITHOUT_B = BASE_YAML.split('\n')
  .filter((l) => !l.includes(`account: "${CONSUMER_B}"`))
  .join('\n');
const grantA = (d: PlanDocs) => changeOf(d, `consumer-${CONSUMER_A}`, 'aws_kms_grant');
/**
 * `synth --forget B` after B's removal: its tombstone stack goes, and the owner's key policy drops
 * the teardown statement that kept B. Nothing in these plans shows that the tombstone's apply ran.
 */
const forgetB = (): PlanDocs =>
  new Map(configPlanDocuments({ ...rollout(WITHOUT_B), leaving: [{ account: CONSUMER_B, region: REGION }] }, rollout(WITHOUT_B)));

describe('the unchanged rollout', () => {
  it('has no finding, and every launch path holds', () => {
    const report = review(base());
    expect(report.findings).toEqual([]);
    expect(report.keys).toHaveLength(1);
    expect(report.keys[0].launch.map((l) => [l.account, l.status])).toEqual([
      [OWNER, 'holds'],
      [CONSUMER_A, 'holds'],
      [CONSUMER_B, 'holds'],
    ]);
    expect(report.keys[0].access.every((a) => a.gained.length === 0 && a.lost.length === 0)).toBe(true);
  });
});

const CASES: { rule: keyof typeof RULES; triggers: () => PlanDocs; near: () => PlanDocs }[] = [
  {
    rule: 'key-deletion',
    triggers: () => edited((d) => Object.assign(changeOf(d, 'owner', 'aws_kms_key').change, { actions: ['delete'], after: null, after_unknown: {} })),
    near: () => edited((d) => Object.assign(changeOf(d, 'owner', 'aws_kms_alias').change, { actions: ['delete'], after: null })),
  },
  {
    rule: 'key-replacement',
    triggers: () =>
      edited((d) => {
        const key = changeOf(d, 'owner', 'aws_kms_key');
        key.change.actions = ['delete', 'create'];
        key.change.replace_paths = [['customer_master_key_spec']];
        key.action_reason = 'replace_because_cannot_update';
      }),
    near: () => edited((d) => Object.assign(changeOf(d, 'owner', 'aws_kms_key').change, { actions: ['update'] })),
  },
  {
    rule: 'deletion-window-shortened',
    triggers: () => planDocs(BASE_YAML, BASE_YAML.replace('alias: golden-ami,', 'alias: golden-ami, deletionWindowDays: 7,')),
    near: () => planDocs(BASE_YAML.replace('alias: golden-ami,', 'alias: golden-ami, deletionWindowDays: 7,'), BASE_YAML),
  },
  {
    rule: 'key-disabled',
    triggers: () => edited((d) => Object.assign(changeOf(d, 'owner', 'aws_kms_key').change.after, { is_enabled: false })),
    near: () => edited((d) => Object.assign(changeOf(d, 'owner', 'aws_kms_key').change.after, { is_enabled: true })),
  },
  {
    rule: 'rotation-disabled',
    triggers: () => planDocs(BASE_YAML, BASE_YAML.replace('alias: golden-ami,', 'alias: golden-ami, rotation: false,')),
    near: () => planDocs(BASE_YAML.replace('alias: golden-ami,', 'alias: golden-ami, rotation: false,'), BASE_YAML),
  },
  {
    rule: 'root-delegation-removed',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => p.Statement.splice(p.Statement.indexOf(statement(p, SID.rootDelegation)), 1))),
    near: () => edited((d) => editKeyPolicy(d, (p) => (statement(p, SID.rootDelegation).Sid = 'Renamed'))),
  },
  {
    rule: 'root-delegation-missing',
    triggers: () =>
      edited((d) => {
        const key = changeOf(d, 'owner', 'aws_kms_key');
        const before = JSON.parse(key.change.before.policy);
        before.Statement.shift();
        key.change.before.policy = JSON.stringify(before);
        editKeyPolicy(d, (p) => p.Statement.shift());
      }),
    near: () => edited((d) => editKeyPolicy(d, (p) => p.Statement.shift())),
  },
  {
    rule: 'wildcard-principal-without-org',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => (statement(p, SID.consumerUse).Principal = { AWS: '*' }))),
    near: () =>
      planDocs(ORG_YAML, ORG_YAML.replace('{ id: o-a1b2c3d4e5,', '{ id: o-a1b2c3d4e5, ouPaths: ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"],')),
  },
  {
    rule: 'kms-star-to-another-account',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => (statement(p, SID.consumerUse).Action = 'kms:*'))),
    near: () => edited((d) => editKeyPolicy(d, (p) => (statement(p, SID.rootDelegation).Action = ['kms:*']))),
  },
  {
    rule: 'administration-to-another-account',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => statement(p, SID.consumerUse).Action.push('kms:ScheduleKeyDeletion'))),
    near: () => edited((d) => editKeyPolicy(d, (p) => statement(p, SID.consumerUse).Action.push('kms:GetKeyRotationStatus'))),
  },
  {
    rule: 'create-grant-unscoped',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => delete statement(p, SID.consumerGrant(CONSUMER_A)).Condition)),
    near: () => edited((d) => editKeyPolicy(d, (p) => delete statement(p, SID.consumerGrant(CONSUMER_A)).Condition['ForAllValues:StringEquals'])),
  },
  {
    rule: 'cross-account-grant-for-aws-resource',
    triggers: () =>
      edited((d) => editKeyPolicy(d, (p) => (statement(p, SID.consumerGrant(CONSUMER_A)).Condition.Bool = { 'kms:GrantIsForAWSResource': 'true' }))),
    near: () =>
      edited((d) => editKeyPolicy(d, (p) => (statement(p, SID.ownerAutoScalingAttachment).Condition.Bool = { 'kms:GrantIsForAWSResource': 'true' }))),
  },
  {
    rule: 'policy-size',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => p.Statement.push(...filler(34000)))),
    near: () => edited((d) => editKeyPolicy(d, (p) => p.Statement.push(...filler(20000)))),
  },
  {
    rule: 'policy-size-near-limit',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => p.Statement.push(...filler(25000)))),
    near: () => edited((d) => editKeyPolicy(d, (p) => p.Statement.push(...filler(20000)))),
  },
  {
    rule: 'iam-policy-size',
    triggers: () => edited((d) => editIamPolicy(d, `consumer-${CONSUMER_A}`, (p) => p.Statement.push(...iamFiller(6200 - iamPolicyChars(p))))),
    // Over the limit only with the white space IAM does not count.
    near: () =>
      edited((d) =>
        editIamPolicy(d, `consumer-${CONSUMER_A}`, (p) => {
          p.Statement.push(...iamFiller(IAM_MANAGED_POLICY_MAX_CHARS - 200 - iamPolicyChars(p)));
          p.Statement[p.Statement.length - 1].Condition = { StringEquals: { 'aws:PrincipalTag/note': ' '.repeat(400) } };
          expect(JSON.stringify(p).length).toBeGreaterThan(IAM_MANAGED_POLICY_MAX_CHARS);
        }),
      ),
  },
  {
    rule: 'create-grant-policy-attached',
    triggers: () => planDocs(BASE_YAML, WITH_BUILDER),
    // The same role and policy, attached anew (a forced replacement): nobody new holds the policy.
    near: () =>
      edited((d) => Object.assign(changeOf(d, `consumer-${CONSUMER_A}`, 'aws_iam_role_policy_attachment').change, { actions: ['delete', 'create'] })),
  },
  {
    rule: 'ami-public',
    triggers: () =>
      edited((d) =>
        Object.assign(changeOf(d, 'owner', 'aws_ami_launch_permission').change, {
          actions: ['delete', 'create'],
          after: { image_id: 'ami-0a1b2c3d4e5f60718', group: 'all' },
        }),
      ),
    near: () => edited((d) => Object.assign(changeOf(d, 'owner', 'aws_ami_launch_permission').change, { actions: ['delete'], after: null })),
  },
  {
    rule: 'ami-shared-outside-organization',
    triggers: () => withOrgLaunchPermission('arn:aws:organizations::123456789012:organization/o-otherorg99'),
    near: () => withOrgLaunchPermission(`arn:aws:organizations::${OWNER}:organization/${ORG_ID}`),
  },
  {
    rule: 'shared-with-non-consumer',
    triggers: () =>
      edited((d) =>
        Object.assign(changeOf(d, 'owner', 'aws_ami_launch_permission').change, {
          actions: ['delete', 'create'],
          after: { image_id: 'ami-0a1b2c3d4e5f60718', account_id: '123456789012' },
        }),
      ),
    near: () =>
      edited((d) =>
        Object.assign(changeOf(d, 'owner', 'aws_ami_launch_permission').change, {
          actions: ['delete', 'create'],
          after: { image_id: 'ami-0a1b2c3d4e5f60718', account_id: CONSUMER_B },
        }),
      ),
  },
  {
    rule: 'key-policy-undecided',
    triggers: () => edited((d) => unknownAfter(changeOf(d, 'owner', 'aws_kms_key'), 'policy')),
    // A policy marked sensitive is read as the plan carries it: unchanged here, so nothing to report.
    near: () =>
      edited((d) => {
        const key = changeOf(d, 'owner', 'aws_kms_key');
        key.change.after_sensitive = { policy: true };
        key.change.actions = ['update'];
      }),
  },
  {
    rule: 'key-setting-undecided',
    triggers: () => edited((d) => unknownAfter(changeOf(d, 'owner', 'aws_kms_key'), 'is_enabled')),
    near: () => edited((d) => unknownAfter(changeOf(d, 'owner', 'aws_kms_key'), 'tags_all')),
  },
  {
    rule: 'grant-undecided',
    triggers: () => edited((d) => unknownAfter(grantA(d), 'grantee_principal')),
    near: () => edited((d) => unknownAfter(grantA(d), 'grant_token')),
  },
  {
    rule: 'iam-policy-undecided',
    triggers: () => edited((d) => unknownAfter(changeOf(d, `consumer-${CONSUMER_A}`, 'aws_iam_policy'), 'policy')),
    near: () => edited((d) => unknownAfter(changeOf(d, `consumer-${CONSUMER_A}`, 'aws_iam_policy'), 'policy_id')),
  },
  {
    rule: 'launch-permission-undecided',
    triggers: () => edited((d) => unknownAfter(changeOf(d, 'owner', 'aws_ami_launch_permission'), 'account_id')),
    near: () => edited((d) => unknownAfter(changeOf(d, 'owner', 'aws_ami_launch_permission'), 'id')),
  },
  {
    rule: 'grant-not-for-launch',
    triggers: () =>
      edited((d) => {
        Object.assign(grantA(d).change.after, { grantee_principal: `arn:aws:iam::${STRANGER}:root`, operations: ['CreateGrant', 'Decrypt'] });
        grantA(d).change.actions = ['update'];
      }),
    near: () => edited((d) => Object.assign(grantA(d).change, { actions: ['delete', 'create'] })),
  },
  {
    rule: 'autoscaling-grant-removed',
    triggers: () => planDocs(BASE_YAML, BASE_YAML.replace(/ {2}- \{ account: "777788889999".*\n/, '')),
    near: () =>
      edited((d) => {
        Object.assign(changeOf(d, `consumer-${CONSUMER_B}`, 'aws_kms_grant').change, { actions: ['delete', 'create'] });
        Object.assign(changeOf(d, `consumer-${CONSUMER_A}`, 'aws_kms_grant').change, { actions: ['forget'], after: null });
      }),
  },
  {
    rule: 'launch-path-broken',
    triggers: () =>
      edited((d) =>
        editKeyPolicy(
          d,
          (p) =>
            (statement(p, SID.consumerGrant(CONSUMER_A)).Condition.StringEquals['kms:GranteePrincipal'] = `arn:aws:iam::${CONSUMER_A}:role/other`),
        ),
      ),
    near: () => edited((d) => editKeyPolicy(d, (p) => statement(p, SID.consumerUse).Action.push('kms:ListGrants'))),
  },
  {
    // Existing-key mode: destroying aws_kms_key_policy writes KMS's default policy back (kms/key_policy.go).
    rule: 'key-policy-destroyed',
    triggers: () => {
      const docs = planDocs(EXISTING_KEY_YAML);
      Object.assign(changeOf(docs, 'owner', 'aws_kms_key_policy').change, { actions: ['delete'], after: null, after_unknown: {} });
      return docs;
    },
    near: () => {
      const docs = planDocs(EXISTING_KEY_YAML);
      Object.assign(changeOf(docs, 'owner', 'aws_kms_key_policy').change, { actions: ['update'] });
      return docs;
    },
  },
  {
    // The owner drops consumer B's teardown statement with no plan of its grant's destroy; the near
    // change is B's removal, whose tombstone destroys the grant while the key policy keeps B for it.
    rule: 'consumer-dropped-with-live-grant',
    triggers: forgetB,
    near: () => planDocs(BASE_YAML, WITHOUT_B),
  },
  {
    // Terraform reads a grant back with ListGrants after creating it, and on every refresh: without it
    // every consumer stack's next plan fails, while the launch itself still holds.
    rule: 'deploy-path-broken',
    triggers: () => edited((d) => editKeyPolicy(d, (p) => withoutAction(statement(p, SID.consumerUse), 'kms:ListGrants'))),
    near: () => edited((d) => editKeyPolicy(d, (p) => withoutAction(statement(p, SID.consumerUse), 'kms:ReEncrypt*'))),
  },
];

function withoutAction(s: any, action: string): void {
  s.Action = s.Action.filter((a: string) => a !== action);
}

/** Deny statements of about `chars` characters in all, each naming an S3 object. */
function iamFiller(chars: number): any[] {
  const one = { Sid: 'Filler000', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/object' };
  const count = Math.max(1, Math.ceil(chars / (JSON.stringify(one).length + 1)));
  return Array.from({ length: count }, (_, i) => ({ ...one, Sid: `Filler${String(i).padStart(3, '0')}` }));
}

function filler(bytes: number): any[] {
  const one = { Sid: 'Filler000', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OWNER}:role/nobody` }, Action: 'kms:Sign', Resource: '*' };
  const count = Math.ceil(bytes / JSON.stringify(one).length);
  return Array.from({ length: count }, (_, i) => ({ ...one, Sid: `Filler${String(i).padStart(3, '0')}` }));
}

function withOrgLaunchPermission(arn: string): PlanDocs {
  const docs = planDocs(ORG_YAML);
  Object.assign(changeOf(docs, 'owner', 'aws_ami_launch_permission').change, {
    actions: ['delete', 'create'],
    after: { image_id: 'ami-0a1b2c3d4e5f60718', organization_arn: arn },
  });
  return docs;
}

describe.each(CASES)('$rule', ({ rule, triggers, near }) => {
  it('fires on the risky change, with the registry severity, fix and citation', () => {
    const found = review(triggers()).findings.filter((f) => f.rule === rule);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.severity).toBe(RULES[rule].severity);
      expect(f.fix).toBe(RULES[rule].fix);
      expect(f.cite).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  it('does not fire on the near change', () => {
    expect(rules(review(near()))).not.toContain(rule);
  });
});

describe('what review cannot read is a finding, never a pass', () => {
  it('a sensitive key policy that lets anyone do anything is read and reported', () => {
    const docs = edited((d) => {
      const key = changeOf(d, 'owner', 'aws_kms_key');
      key.change.after.policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }],
      });
      key.change.after_sensitive = { policy: true };
      key.change.actions = ['update'];
    });
    const report = review(docs);
    expect(report.findings.filter((f) => f.severity === 'high').length).toBeGreaterThan(0);
    expect(report.keys[0].access.some((a) => a.who.kind === 'anyone' && a.gained.length > 0)).toBe(true);
  });

  it("a grant to another organization's account for Decrypt and CreateGrant is high, with its fix", () => {
    const report = review(CASES.find((c) => c.rule === 'grant-not-for-launch')!.triggers());
    const f = report.findings.find((x) => x.rule === 'grant-not-for-launch')!;
    expect(f.severity).toBe('high');
    expect(f.message).toContain(`arn:aws:iam::${STRANGER}:root is not an Auto Scaling service-linked role`);
    expect(f.fix).toMatch(/grant only the Auto Scaling service-linked role/);
  });

  it('a grant with operations beyond a launch is high', () => {
    const docs = edited((d) => {
      grantA(d).change.after.operations = [...grantA(d).change.after.operations, 'ScheduleKeyDeletion'];
      grantA(d).change.actions = ['update'];
    });
    expect(review(docs).findings.find((x) => x.rule === 'grant-not-for-launch')?.message).toMatch(
      /allows ScheduleKeyDeletion, beyond what a launch needs/,
    );
  });
});

it('every rule review evaluates is tested here', () => {
  // Not risks in a plan: a plan that is not there (__tests__/review/coverage.test.ts) and an expired suppression (suppressions.test.ts).
  const tested = new Set([...CASES.map((c) => c.rule), 'plan-not-reviewed', 'suppression-expired']);
  const reviewed = Object.entries(RULES).filter(([, r]) => (r.evaluatedBy as readonly string[]).includes('review'));
  expect(reviewed.map(([id]) => id).filter((r) => !tested.has(r as keyof typeof RULES))).toEqual([]);
});

describe('a removed consumer', () => {
  const dropped = (docs: PlanDocs) => review(docs).findings.filter((f) => f.rule === 'consumer-dropped-with-live-grant');

  it("is high when the owner's change comes without the consumer's destroy, and names the account", () => {
    const found = dropped(CASES.find((c) => c.rule === 'consumer-dropped-with-live-grant')!.triggers());
    expect(found.map((f) => [f.severity, f.stack])).toEqual([['high', 'owner']]);
    expect(found[0].message).toMatch(new RegExp(`stops naming account ${CONSUMER_B}, but no plan here destroys its grant`));
    // The owner's plan of `synth --forget`: the message says what must be true before it is applied.
    expect(found[0].message).toContain(
      `it drops ${SID.consumerTeardown}, so apply it only once the tombstone of ${CONSUMER_B} has destroyed its stack`,
    );
  });

  it('is high when its stack keeps the grant', () => {
    const docs = forgetB();
    docs.set(`consumer-${CONSUMER_B}`, planDocs(BASE_YAML).get(`consumer-${CONSUMER_B}`)!);
    expect(dropped(docs)[0]?.message).toMatch(/its grant stays/);
  });

  it('is not flagged on the removal itself: the tombstone destroys the grant while the key policy keeps the account for it', () => {
    const report = review(planDocs(BASE_YAML, WITHOUT_B));
    expect(dropped(planDocs(BASE_YAML, WITHOUT_B))).toEqual([]);
    expect(rules(report)).toContain('autoscaling-grant-removed');
    const b = report.keys[0].access.find((x) => x.who.id === CONSUMER_B)!;
    expect(b.after).toEqual(['kms:ListGrants']);
  });
});

describe('a broken deploy path', () => {
  it('names each cross-account consumer and the call that fails, while their launch paths hold', () => {
    const report = review(CASES.find((c) => c.rule === 'deploy-path-broken')!.triggers());
    const launch = report.keys[0].launch;
    expect(launch.map((l) => [l.account, l.status, l.deploy?.status])).toEqual([
      [OWNER, 'holds', undefined],
      [CONSUMER_A, 'holds', 'broken'],
      [CONSUMER_B, 'holds', 'broken'],
    ]);
    expect(launch[1].deploy?.failing).toMatchObject({ id: 'deploy:aws_kms_grant:read:kms:ListGrants', decision: 'ImplicitlyDenied' });
    const found = report.findings.filter((f) => f.rule === 'deploy-path-broken');
    expect(found.map((f) => f.severity)).toEqual(['high', 'high']);
    expect(found[0].message).toMatch(new RegExp(`account ${CONSUMER_A}: .*held before and fails after this change.*kms:ListGrants`));
  });
});

describe('a broken launch path', () => {
  it('names the consumer and its failing step, computed by the evaluator', () => {
    const report = review(CASES.find((c) => c.rule === 'launch-path-broken')!.triggers());
    const broken = report.keys[0].launch.filter((l) => l.status === 'broken');
    expect(broken.map((l) => l.account)).toEqual([CONSUMER_A]);
    expect(broken[0]).toMatchObject({ before: 'holds', after: 'fails', failing: { id: 'create-grant', decision: 'ImplicitlyDenied' } });
    expect(report.findings.find((f) => f.rule === 'launch-path-broken')?.message).toMatch(new RegExp(`account ${CONSUMER_A}: .*step create-grant`));
  });

  it('the access diff says who lost CreateGrant for its own Auto Scaling role', () => {
    const report = review(CASES.find((c) => c.rule === 'launch-path-broken')!.triggers());
    const a = report.keys[0].access.find((x) => x.who.id === CONSUMER_A)!;
    expect(a.lost).toEqual(['kms:CreateGrant (by an AWS service, for a resource)', 'kms:CreateGrant (for its own Auto Scaling role)']);
    expect(a.gained).toEqual([]);
  });
});
