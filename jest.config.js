/** Jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the type check). */
module.exports = {
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
