import { rmSync } from 'node:fs';
import { describeFinding, summaryLine, sweepRun } from '../support/secret-scan';
import { SWEEP_DIR_ENV } from '../support/sweep-run';
import { registeredSecrets } from '../support/test-secrets';

/**
 * Secret sweep (issue 7, item 5): after the whole run, no secret the tests configured may be in any
 * test database's tables (scanned before each drop), any service log line or spawned service's output,
 * or any error answer. Prints one summary line; fails the run naming where each secret was found and
 * under which config key (never the secret), keeping the run directory for a look (as
 * CLAIM_RELAY_SECRET_SWEEP_KEEP=1 does after a clean run).
 */
export default function globalTeardown(): void {
  const dir = process.env[SWEEP_DIR_ENV];
  if (!dir) return;
  const started = Date.now();
  const report = sweepRun(dir, registeredSecrets(dir));
  process.stdout.write(`\n${summaryLine(report)} (teardown ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  for (const problem of report.problems) process.stdout.write(`secret sweep: ${problem}\n`);
  if (report.findings.length) {
    const shown = report.findings.slice(0, 50).map((f) => `  ${describeFinding(f)}`);
    if (report.findings.length > shown.length) shown.push(`  … and ${report.findings.length - shown.length} more`);
    throw new Error(`secret sweep: configured secrets found after the run (run directory kept: ${dir}):\n${shown.join('\n')}`);
  }
  if (process.env.CLAIM_RELAY_SECRET_SWEEP_KEEP === '1') process.stdout.write(`secret sweep: run directory kept: ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}
