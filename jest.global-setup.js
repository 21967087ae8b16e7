/**
 * Once, before any test file of a whole-suite run (`npm test`): dist/ is built when a source changed
 * since the last build, as npm ci's prepare builds it. The tests start the CLI about a hundred times,
 * and bin/keyshare.js runs stale sources through tsx: about 0.26 s of CPU more per start, 10 of 27
 * CPU-s over cli/synth, check and doctor, while the build costs about 9. cli/package.test.ts built
 * it anyway, part way through the run. A run of chosen test files builds nothing.
 */
const { execFileSync } = require('child_process');

module.exports = (globalConfig) => {
  // The paths named on the command line: jest 30's testPathPatterns (it replaced the testPathPattern string).
  if (globalConfig.testPathPatterns.isSet()) return;
  // --if-stale: nothing when dist/ is current; a failed build leaves the CLI on tsx, and npm test's typecheck says why.
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: __dirname, stdio: 'inherit' });
};
