/**
 * Documented scenarios, round three, as `review` decides them (issue #18, class 6): "anyone" is every
 * principal that can meet the conditions, including an account ID given as a pattern (`1111*`), in the
 * Principal element, in `aws:PrincipalArn` or in `aws:PrincipalAccount`; an account a condition names
 * is decided as itself. Each was decided from the AWS page it cites, whose deciding sentence it quotes,
 * before keyshare was run. Fixtures are keyshare's own synthesized stacks, edited as a pull request's
 * author would.
 */
import type { ReviewReport } from '../../src/review/report';
import { editKeyPolicy, planDocs, review, rules, type PlanDocs } from '../support/review-fixtures';
import { BASE_YAML } from '../support/rollouts';
import { cite } from '../support/aws-pages';

const OPERATORS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html';
const ARN_LIKE = cite(
  `${OPERATORS}#Conditions_ARN`,
  'Each of the six colon-delimited components of the ARN is checked separately and each can include multi-character match wildcards (*) or single-character match wildcards (?).',
);
const STRING_LIKE = cite(
  `${OPERATORS}#Conditions_String`,
  'Case-sensitive matching. The values can include multi-character match wildcards (*) and single-character match wildcards (?) anywhere in the string.',
);
const PRINCIPAL = cite(
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
  'You cannot use a wildcard to match part of a principal name or ARN.',
);

/** A change that lets the principals `statement` names decrypt with the key. */
function decrypt(statement: Record<string, unknown>): PlanDocs {
  const docs = planDocs(BASE_YAML);
  editKeyPolicy(docs, (p) => p.Statement.push({ Sid: 'Matching', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...statement }));
  return docs;
}
const gainers = (r: ReviewReport) => r.keys[0].access.filter((a) => a.gained.length > 0).map((a) => ({ who: a.who, gained: a.gained }));

describe('round three in review: an account ID given as a pattern admits every account it matches (class 6)', () => {
  it(`ArnLike aws:PrincipalArn arn:aws:iam::1111*:role/x: any account whose ID starts 1111 with a role x gains Decrypt (${ARN_LIKE.url})`, () => {
    expect(ARN_LIKE.quote).toMatch(/each can include multi-character match wildcards/);
    const r = review(decrypt({ Principal: { AWS: '*' }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1111*:role/x' } } }));
    expect(gainers(r)).toEqual([{ who: expect.objectContaining({ kind: 'anyone', id: '*' }), gained: ['kms:Decrypt'] }]);
    expect(rules(r)).toContain('wildcard-principal-without-org');
  });

  it('the same with single-character wildcards (arn:aws:iam::1111????????:role/x)', () => {
    const r = review(decrypt({ Principal: { AWS: '*' }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1111????????:role/x' } } }));
    expect(gainers(r)).toEqual([{ who: expect.objectContaining({ kind: 'anyone' }), gained: ['kms:Decrypt'] }]);
  });

  it(`StringLike aws:PrincipalAccount 1111*: anyone in such an account gains Decrypt, and the account pattern is no limit to the lint (${STRING_LIKE.url})`, () => {
    expect(STRING_LIKE.quote).toMatch(/wildcards \(\?\) anywhere in the string/);
    const r = review(decrypt({ Principal: { AWS: '*' }, Condition: { StringLike: { 'aws:PrincipalAccount': '1111*' } } }));
    expect(gainers(r)).toEqual([{ who: expect.objectContaining({ kind: 'anyone', id: '*' }), gained: ['kms:Decrypt'] }]);
    expect(rules(r)).toContain('wildcard-principal-without-org');
  });

  it(`a Principal element arn:aws:iam::1111*:root is Unknown, citing the page, shown at its widest reading (anyone in an account matching 1111*), never as nobody (${PRINCIPAL.url})`, () => {
    // The page says the wildcard matches no part of a Principal ARN, not whether KMS then refuses the policy or matches no one.
    expect(PRINCIPAL.quote).toMatch(/cannot use a wildcard to match part of a principal name or ARN/);
    const r = review(decrypt({ Principal: { AWS: 'arn:aws:iam::1111*:root' } }));
    expect(gainers(r)).toEqual([
      {
        who: {
          kind: 'anyone',
          id: 'arn:aws:iam::1111*:root',
          label: expect.stringMatching(
            /account matching 1111\*.*Unknown: "You cannot use a wildcard to match part of a principal name or ARN" \(IAM User Guide, reference_policies_elements_principal\)/,
          ),
        },
        gained: ['kms:Decrypt'],
      },
    ]);
    expect(rules(r)).toContain('wildcard-principal-without-org');
  });

  it('a Principal element arn:aws:iam::1111*:role/x beside a literal account: the pattern is anyone matching, the account is itself', () => {
    const r = review(decrypt({ Principal: { AWS: ['arn:aws:iam::1111*:role/x', 'arn:aws:iam::222233334444:root'] } }));
    expect(gainers(r)).toEqual(
      expect.arrayContaining([
        { who: expect.objectContaining({ kind: 'anyone', id: 'arn:aws:iam::1111*:role/x' }), gained: ['kms:Decrypt'] },
        { who: expect.objectContaining({ kind: 'account', id: '222233334444' }), gained: ['kms:Decrypt'] },
      ]),
    );
  });
});

describe('round three in review: an account a condition names is decided as itself (class 6)', () => {
  it('StringEquals aws:PrincipalAccount 111100000000: that account gains Decrypt, no stranger does, and the lint counts it as a limit', () => {
    const r = review(decrypt({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalAccount': '111100000000' } } }));
    expect(gainers(r)).toEqual([{ who: expect.objectContaining({ kind: 'account', id: '111100000000' }), gained: ['kms:Decrypt'] }]);
    expect(rules(r)).not.toContain('wildcard-principal-without-org');
  });

  it('StringNotEquals aws:PrincipalAccount 111100000000 admits every other account: the lint fires', () => {
    const r = review(decrypt({ Principal: { AWS: '*' }, Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111100000000' } } }));
    expect(gainers(r).some((g) => g.who.kind === 'anyone')).toBe(true);
    expect(rules(r)).toContain('wildcard-principal-without-org');
  });

  it('ArnEquals aws:PrincipalArn naming one role: that role gains Decrypt', () => {
    const role = 'arn:aws:iam::111100000000:role/deploy';
    const r = review(decrypt({ Principal: { AWS: '*' }, Condition: { ArnEquals: { 'aws:PrincipalArn': role } } }));
    expect(gainers(r)).toEqual([{ who: expect.objectContaining({ kind: 'principal', id: role }), gained: ['kms:Decrypt'] }]);
  });
});
