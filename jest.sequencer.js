const Sequencer = require('@jest/test-sequencer').default;

/**
 * The real-provider suites (__tests__/e2e/) first, longest first: most of their time is the AWS
 * provider's own waits for propagation (five consecutive reads a second apart after each key policy
 * change, in internal/service/kms), not CPU, so they run beside the CPU-bound files; started last,
 * they would end last. The rest in jest's own order.
 */
const E2E_FIRST = ['lifecycle', 'adoption', 'existing-key'];

const rank = (test) => {
  const m = /[\\/]__tests__[\\/]e2e[\\/]([^\\/]+)\.test\.ts$/.exec(test.path);
  if (!m) return E2E_FIRST.length + 1;
  const i = E2E_FIRST.indexOf(m[1]);
  return i === -1 ? E2E_FIRST.length : i;
};

class E2eFirst extends Sequencer {
  sort(tests) {
    return super
      .sort(tests)
      .map((test, i) => ({ test, i }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.i - b.i)
      .map(({ test }) => test);
  }
}

module.exports = E2eFirst;
