/**
 * Secret sweep (issue 7, item 5), in every test file (jest setupFilesAfterEnv). Each module is wrapped
 * lazily, when a test or the code under test first loads it (and the recording code is loaded on first
 * use), so tests that never load it pay nothing:
 * - src/config/schema: every config parsed registers its secrets (test/support/test-secrets.ts);
 * - src/logging: every logger also writes to the run's log directory, from `debug` up;
 * - src/app: every app's callback records its error answers;
 * - node:child_process: spawned node processes have their output copied to the log directory.
 * See test/support/sweep-capture.ts; the run's checks are in global-teardown.ts.
 */
type Capture = typeof import('../support/sweep-capture');
const mockCapture = (): Capture => jest.requireActual('../support/sweep-capture');

jest.mock('../../src/config/schema', () => {
  const schema = jest.requireActual('../../src/config/schema');
  const safeParse = schema.configSchema.safeParse;
  schema.configSchema.safeParse = function (...args: unknown[]) {
    const result = safeParse.apply(this, args);
    if (result.success) (jest.requireActual('../support/test-secrets') as typeof import('../support/test-secrets')).registerConfigSecrets(result.data);
    return result;
  };
  return schema;
});

jest.mock('../../src/logging', () => {
  const logging = jest.requireActual('../../src/logging');
  return { ...logging, createLogger: (...args: unknown[]) => mockCapture().capturingCreateLogger(logging.createLogger)(...(args as [])) };
});

jest.mock('../../src/app', () => {
  const app = jest.requireActual('../../src/app');
  return {
    ...app,
    createApp: (...args: unknown[]) => {
      const koa = app.createApp(...args);
      const callback = koa.callback.bind(koa);
      koa.callback = () => mockCapture().recordingErrorAnswers(callback());
      return koa;
    },
  };
});

jest.mock('node:child_process', () => {
  const childProcess = jest.requireActual('node:child_process');
  return { ...childProcess, spawn: (...args: unknown[]) => mockCapture().capturingSpawn(childProcess.spawn)(...args) };
});
