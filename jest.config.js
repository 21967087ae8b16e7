/** Type checking is `tsc --noEmit` in `npm test`; ts-jest only transpiles, which keeps each test file fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/jest.setup.ts'],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/jest.summary-reporter.js'],
};
