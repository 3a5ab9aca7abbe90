/** Jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the type check). */
const { availableParallelism } = require('node:os');

module.exports = {
  // At least two test files at once even on a 2-core machine (jest's default there is one): most files wait on
  // MariaDB, child processes and timers rather than compute, so two overlap well (the suite's wall time on
  // 2 cores: docs/testing.md).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  // dist/ built once (test/global-setup.ts), and the secret sweep (test/secrets/): no configured secret in any
  // table, log line or error answer of the run.
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/secrets/setup.ts'],
  globalTeardown: '<rootDir>/test/secrets/global-teardown.ts',
};
