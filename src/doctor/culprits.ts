import { statementId, type PolicyDocument, type PolicyStatement, type StringOrList } from '../policy/document';

/**
 * What keeps an Allow statement from deciding the request: one condition, or its Resource. The
 * evaluator's NearMiss says why in words; a Culprit is what doctor changes.
 */
export type Culprit = {
  /** Sid, or `Statement[i]`, as the evaluator's trace names statements. */
  readonly id: string;
  readonly statement: PolicyStatement;
} & (
  | { readonly kind: 'condition'; readonly operator: string; readonly key: string; readonly expected: StringOrList | boolean }
  | { readonly kind: 'resource'; readonly resource: StringOrList }
);

function withoutCondition(statement: PolicyStatement, operator: string, key: string): PolicyStatement {
  const { Condition, ...rest } = statement;
  const condition = Object.fromEntries(
    Object.entries(Condition ?? {})
      .map(([op, block]) => [op, op === operator ? Object.fromEntries(Object.entries(block).filter(([k]) => k !== key)) : block] as const)
      .filter(([, block]) => Object.keys(block).length > 0),
  );
  return Object.keys(condition).length > 0 ? { ...rest, Condition: condition } : rest;
}

/**
 * Which single condition, or the Resource, keeps each Allow statement from deciding the request:
 * the statement is re-evaluated without it by the real evaluator (`decides`), so the answer is never a guess.
 */
export function culprits(doc: PolicyDocument, decides: (patched: PolicyDocument) => boolean): Culprit[] {
  const misses: Culprit[] = [];
  doc.Statement.forEach((statement, i) => {
    if (statement.Effect !== 'Allow') return;
    const id = statementId(statement, i);
    const decidesWith = (patched: PolicyStatement) => decides({ ...doc, Statement: doc.Statement.map((s, j) => (j === i ? patched : s)) });
    for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
      for (const [key, expected] of Object.entries(block)) {
        if (decidesWith(withoutCondition(statement, operator, key))) misses.push({ id, statement, kind: 'condition', operator, key, expected });
      }
    }
    // A wrong key ARN (another key, region or account) is the usual Resource mistake.
    if (statement.Resource !== undefined && statement.Resource !== '*' && decidesWith({ ...statement, Resource: '*' })) {
      misses.push({ id, statement, kind: 'resource', resource: statement.Resource });
    }
  });
  return misses;
}
