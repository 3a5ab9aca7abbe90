import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SWEEP_DIR_ENV } from '../support/sweep-run';

/** Secret sweep: a fresh run directory for this jest run, passed to the workers through the environment. */
export default function globalSetup(): void {
  process.env[SWEEP_DIR_ENV] = mkdtempSync(join(tmpdir(), 'claim-relay-secret-sweep-'));
}
