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
  globalSetup: '<rootDir>/jest.global-setup.js',
  setupFiles: ['<rootDir>/__tests__/support/aws-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/jest.setup.ts'],
  // One worker more than the cores: the real-provider suites (run first, jest.sequencer.js) mostly wait
  // on the provider, and a core would idle under them; jest's default of one worker fewer than the
  // cores left a 2-core machine at 55 s instead of 36 s before they existed.
  maxWorkers: os.availableParallelism() + 1,
  testSequencer: '<rootDir>/jest.sequencer.js',
  // "A worker process has failed to exit gracefully" on a loaded machine was not a leak: jest gives a
  // worker 500 ms by default from its end message to its exit, and a worker with a 250-350 MB heap,
  // starved of CPU on a loaded 2-core machine, took 0.6-1.2 s to exit (its teardown is about 30 ms of
  // CPU; no handle or child is open then, issue #15). 3 s leaves room over the slowest measured exit,
  // and a worker really held open by a handle is still force-killed, with the same warning, later.
  // https://github.com/jestjs/jest/issues/11354, option added by https://github.com/jestjs/jest/pull/15984
  workerGracefulExitTimeout: 3000,
  // A hang guard, not a speed check (speed is measured in benches): generous, so that a loaded machine
  // running several suites at once (terraform with the real provider, cdktf synth) does not fail a test.
  testTimeout: 300000,
  reporters: ['default', '<rootDir>/jest.summary-reporter.js'],
};
