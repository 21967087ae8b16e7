import { mergeFixes, unexplainedFix, type Fix } from '../../src/doctor/fixes';

/** How doctor folds the fixes of several failing steps into the list it prints. */

const grant = (steps: string[], command = 'aws kms create-grant --key-id k'): Fix => ({
  steps,
  kind: 'create-grant',
  problem: `no grant for ${steps[0]}`,
  action: 'create the grant',
  command,
});

test('the same change for several steps is one fix, worded as the first step has it, naming every step once', () => {
  const merged = mergeFixes([grant(['use-through-grant:Decrypt']), grant(['child-grant', 'use-through-grant:Decrypt'])]);
  expect(merged).toEqual([{ ...grant(['use-through-grant:Decrypt']), steps: ['use-through-grant:Decrypt', 'child-grant'] }]);
});

test('different changes stay apart, in the order of the steps', () => {
  const merged = mergeFixes([grant(['a']), grant(['b'], 'aws kms create-grant --key-id other'), grant(['c'])]);
  expect(merged.map((f) => f.steps)).toEqual([['a', 'c'], ['b']]);
});

test('unexplained fixes and context to pass merge only when they say the same', () => {
  const unexplained = (id: string, missing: string) =>
    unexplainedFix({
      step: { id, title: id, through: 'grant', request: { principal: 'p', action: 'kms:Decrypt' } },
      result: { decision: 'ImplicitlyDenied', trace: [], missing: [missing] },
    });
  expect(mergeFixes([unexplained('a', 'x'), unexplained('b', 'y')])).toHaveLength(2);
  expect(mergeFixes([unexplained('a', 'x'), unexplained('b', 'x')]).map((f) => f.steps)).toEqual([['a', 'b']]);
});

test('an unexplained step says what is missing, or the decision when nothing is', () => {
  const step = { id: 'create-grant', title: 't', through: 'policies' as const, request: { principal: 'p', action: 'kms:CreateGrant' } };
  expect(unexplainedFix({ step, result: { decision: 'ImplicitlyDenied', trace: [], missing: ['an Allow in IAM', 'a grant'] } }).problem).toBe(
    'an Allow in IAM; a grant',
  );
  expect(unexplainedFix({ step, result: { decision: 'ExplicitlyDenied', trace: [], missing: [] } }, 'see the trace').problem).toBe(
    'kms:CreateGrant is denied',
  );
});
