import { authorizeDecision } from '../../src/evaluator';
import { culprits } from '../../src/doctor/culprits';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/document';

/** What keeps each Allow statement from deciding a request, found by the real evaluator. */

const OWNER = '111122223333';
const CONSUMER = '444455556666';
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SLR = `arn:aws:iam::${CONSUMER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const CREATOR = `arn:aws:iam::${CONSUMER}:role/deploy`;
const ROOT: PolicyStatement = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'kms:*', Resource: '*' };
/** The consumer's CreateGrant for its Auto Scaling role, as Terraform sends it (no GrantIsForAWSResource). */
const REQUEST = {
  principal: CREATOR,
  action: 'kms:CreateGrant',
  context: { 'kms:GranteePrincipal': SLR, 'kms:GrantOperations': ['Decrypt'], 'kms:GrantIsForAWSResource': false },
};
const ALLOW_IAM: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY }] };
const keyPolicyDecides = (keyPolicy: PolicyDocument) =>
  authorizeDecision({ keyArn: KEY, keyPolicy, identityPolicies: [ALLOW_IAM] }, REQUEST) === 'Allowed';
const policy = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: [ROOT, ...statements] });

const grantStatement = (extra: Partial<PolicyStatement>): PolicyStatement => ({
  Sid: 'ConsumerGrant',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` },
  Action: 'kms:CreateGrant',
  Resource: '*',
  ...extra,
});

test('the one condition whose removal lets the statement decide is named, with its operator and expected value', () => {
  const statement = grantStatement({
    Condition: { Bool: { 'kms:GrantIsForAWSResource': true }, StringEquals: { 'kms:GranteePrincipal': SLR } },
  });
  const doc = policy(statement);
  expect(keyPolicyDecides(doc)).toBe(false);
  expect(culprits(doc, keyPolicyDecides)).toEqual([
    { id: 'ConsumerGrant', statement, kind: 'condition', operator: 'Bool', key: 'kms:GrantIsForAWSResource', expected: true },
  ]);
});

test('a Resource naming another key is the culprit, not a condition that holds', () => {
  const statement = grantStatement({ Resource: KEY.replace('us-west-2', 'us-east-1'), Condition: { StringEquals: { 'kms:GranteePrincipal': SLR } } });
  expect(culprits(policy(statement), keyPolicyDecides)).toEqual([{ id: 'ConsumerGrant', statement, kind: 'resource', resource: statement.Resource }]);
});

test('a statement for another principal, two failing conditions at once, or a Deny: no single culprit', () => {
  const other = grantStatement({ Principal: { AWS: 'arn:aws:iam::999900001111:root' } });
  const twoConditions = grantStatement({
    Sid: '',
    Condition: { Bool: { 'kms:GrantIsForAWSResource': true }, StringEquals: { 'kms:GranteePrincipal': `${SLR}_web` } },
  });
  const deny = grantStatement({ Sid: 'Deny', Effect: 'Deny', Condition: { Bool: { 'kms:GrantIsForAWSResource': false } } });
  expect(culprits(policy(other, twoConditions, deny), keyPolicyDecides)).toEqual([]);
});

test('a statement without a Sid is named as the evaluator names it, Statement[i]', () => {
  const statement = grantStatement({ Sid: undefined, Condition: { StringEquals: { 'kms:GranteePrincipal': `${SLR}_web` } } });
  expect(culprits(policy(statement), keyPolicyDecides).map((c) => c.id)).toEqual(['Statement[1]']);
});
