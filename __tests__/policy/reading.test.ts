import { lintKeyPolicy } from '../../src/check/lints';
import type { PolicyDocument } from '../../src/policy/document';
import { conditionValueList, conditionValues } from '../../src/policy/reading';

/**
 * Condition values as the policy grammar allows them: a string, a number or a Boolean, or a list
 * of them (IAM User Guide, "Grammar of the IAM JSON policy language"). A hostile plan's key policy
 * with `"Bool": {"aws:SecureTransport": true}` once crashed review's wildcard lint.
 */
const policy = (condition: Record<string, Record<string, unknown>>): PolicyDocument =>
  ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: condition }],
  }) as unknown as PolicyDocument;

test('a Boolean, a number, a string or a list of them are read as strings', () => {
  expect(conditionValueList(true)).toEqual(['true']);
  expect(conditionValueList(12)).toEqual(['12']);
  expect(conditionValueList('a')).toEqual(['a']);
  expect(conditionValueList(['a', false])).toEqual(['a', 'false']);
  expect(conditionValueList(undefined)).toEqual([]);
  expect(conditionValues(policy({ Bool: { 'aws:SecureTransport': true } }), 'aws:securetransport')).toEqual(['true']);
});

test('the wildcard lint reads scalar condition values: a Boolean limits nobody, a numeric account ID does', () => {
  const rules = (doc: PolicyDocument) => lintKeyPolicy(doc, '111122223333').map((f) => f.rule);
  expect(rules(policy({ Bool: { 'aws:SecureTransport': true } }))).toContain('wildcard-principal-without-org');
  expect(rules(policy({ StringEquals: { 'aws:PrincipalAccount': 444455556666 } }))).not.toContain('wildcard-principal-without-org');
});
