/**
 * Type checking is `tsc --noEmit` in `npm test`, beside jest; jest only transpiles, with swc, which
 * took 15 % less CPU than ts-jest's transpiler on the same suites (npm test's cost is CPU on 2 cores).
 */
const os = require('os');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  setupFiles: ['<rootDir>/__tests__/support/aws-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/jest.setup.ts'],
  // One worker more than the cores: the real-provider suites (run first, jest.sequencer.js) mostly wait
  // on the provider, and a core would idle under them; jest's default of one worker fewer than the
  // cores left a 2-core machine at 55 s instead of 36 s before they existed.
  maxWorkers: os.availableParallelism() + 1,
  testSequencer: '<rootDir>/jest.sequencer.js',
  // A hang guard, not a speed check (speed is measured in benches): generous, so that a loaded machine
  // running several suites at once (terraform with the real provider, cdktf synth) does not fail a test.
  testTimeout: 300000,
  reporters: ['default', '<rootDir>/jest.summary-reporter.js'],
};
