import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The run directory of the secret sweep (issue 7, item 5; test/secrets/): created by jest's globalSetup,
 * passed to the workers in this environment variable, read by the globalTeardown. Layout:
 *   secrets/  the secrets the tests configured (JSON lines {key, value}, one file per test file)
 *   logs/     service log lines (pino JSON) and the output of spawned node processes (`*.child-<pid>.log`)
 *   answers/  the services' error answers (JSON lines)
 *   tables/   what the table scan before each test database's drop found (JSON lines)
 * Without the variable (a test run outside jest's global setup) nothing is recorded.
 */
export const SWEEP_DIR_ENV = 'CLAIM_RELAY_SECRET_SWEEP_DIR';

export type SweepPart = 'secrets' | 'logs' | 'answers' | 'tables';
export const SWEEP_PARTS: SweepPart[] = ['secrets', 'logs', 'answers', 'tables'];

const ROOT = join(__dirname, '../..');

export function sweepRunDir(): string | undefined {
  return process.env[SWEEP_DIR_ENV] || undefined;
}

/** The running test file (relative to the repository) and test name, when inside jest. */
export function currentTest(): { file: string; name: string } {
  const state = (globalThis as { expect?: { getState(): { testPath?: string; currentTestName?: string } } }).expect?.getState();
  return { file: state?.testPath ? relative(ROOT, state.testPath) : `pid-${process.pid}`, name: state?.currentTestName ?? '(outside a test)' };
}

/** A file of the run directory named after the running test file, e.g. logs/test__api__auth.test.ts.log. */
export function sweepFile(part: SweepPart, suffix: string): string | undefined {
  const dir = sweepRunDir();
  if (!dir) return undefined;
  mkdirSync(join(dir, part), { recursive: true });
  return join(dir, part, `${currentTest().file.replace(/[\\/]/g, '__')}${suffix}`);
}

/** Appends one JSON line to the running test file's record of `part` (synchronously: a worker may exit any time). */
export function appendRecord(part: SweepPart, record: unknown): void {
  const file = sweepFile(part, '.jsonl');
  if (file) appendFileSync(file, `${JSON.stringify(record)}\n`);
}
