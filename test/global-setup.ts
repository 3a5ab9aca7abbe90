import { ensureBuilt } from './support/built-service';
import secretSweepSetup from './secrets/global-setup';

/**
 * Once per jest run, before any test file: dist/ built from the sources (services spawned as processes,
 * and the CSV export's worker thread, which runs compiled JavaScript: src/api/csv-export-thread.ts), and
 * the secret sweep's run directory.
 */
export default function globalSetup(): void {
  ensureBuilt();
  secretSweepSetup();
}
