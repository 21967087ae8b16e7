/**
 * Type checking is `tsc --noEmit` in `npm test`, beside jest; jest only transpiles, with swc, which
 * took 15 % less CPU than ts-jest's transpiler on the same suites (npm test's cost is CPU on 2 cores).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  setupFiles: ['<rootDir>/__tests__/support/aws-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/jest.setup.ts'],
  // Every core: many tests wait on child processes (terraform, the CLI), and jest's default of one
  // worker fewer than the cores left a 2-core machine at 55 s instead of 36 s.
  maxWorkers: '100%',
  // A hang guard, not a speed check (speed is measured in benches): generous, so that a loaded machine
  // running several suites at once (terraform with the real provider, cdktf synth) does not fail a test.
  testTimeout: 300000,
  reporters: ['default', '<rootDir>/jest.summary-reporter.js'],
};
