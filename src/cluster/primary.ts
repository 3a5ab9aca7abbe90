import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { serveClusterMetrics } from '../metrics/cluster-metrics';

const READY = 'claim-relay:ready';

/** In a service process: tells the primary it serves (database open, migrations applied). */
export function tellPrimaryReady(): void {
  process.send?.({ type: READY });
}

/** A process that exits on its own is started again after this pause, doubled for each exit in a row up to the cap. */
const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 30_000;
/** A process that ran this long before it exited counts as healthy: the next restart pause starts over. */
const HEALTHY_AFTER_MS = 60_000;

export interface PrimaryOptions {
  processes: number;
  logger: Logger;
  /** The script each process runs (the service's main module). */
  exec: string;
  /** After SIGTERM, how long the processes get to finish before they are killed (docs/operations.md: shutdown). */
  graceMs?: number;
}

/**
 * WEB_CONCURRENCY > 1 (src/cluster/cluster-size.ts): this process serves nothing itself. It starts
 * `processes` service processes that share the port (node:cluster hands connections out in turn), each
 * with its own dispatch worker, database pool and its share of the limits (src/cluster/process-share.ts);
 * the first one applies the migrations, the others wait for them. A process that dies (a crash, kill -9)
 * is started again with back-off; what it had acknowledged is stored, what it had not is pushed again by
 * its sender. SIGTERM or SIGINT is passed to every process, and this one exits when they all have.
 */
export function runPrimary(opts: PrimaryOptions): void {
  const { logger, processes } = opts;
  cluster.setupPrimary({ exec: opts.exec });
  serveClusterMetrics();
  let stopping = false;
  const slots = new Map<Worker, { slot: number; startedAt: number; ready: boolean }>();
  let allReadyOnce = false;
  const pauses = new Map<number, number>();

  const start = (slot: number) => {
    const worker = cluster.fork({
      CLAIM_RELAY_PROCESSES: String(processes),
      CLAIM_RELAY_PROCESS_SLOT: String(slot),
      // One process applies the migrations; the others wait for them (src/runtime.ts openDatabase).
      ...(slot === 0 ? {} : { MIGRATE_ON_START: '0' }),
    });
    slots.set(worker, { slot, startedAt: Date.now(), ready: false });
  };

  cluster.on('message', (worker, message: { type?: string }) => {
    const entry = slots.get(worker);
    if (message?.type !== READY || !entry) return;
    entry.ready = true;
    if (allReadyOnce) logger.info({ pid: worker.process.pid, slot: entry.slot }, 'service process ready again');
    else if ([...slots.values()].filter((e) => e.ready).length === processes) {
      allReadyOnce = true;
      logger.info({ processes }, 'every service process is ready');
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const entry = slots.get(worker);
    slots.delete(worker);
    if (!entry) return;
    if (stopping) {
      if (slots.size === 0) {
        logger.info('every service process has stopped');
        process.exit(0);
      }
      return;
    }
    const ranMs = Date.now() - entry.startedAt;
    const pause = ranMs >= HEALTHY_AFTER_MS ? RESTART_FIRST_MS : Math.min((pauses.get(entry.slot) ?? RESTART_FIRST_MS / 2) * 2, RESTART_MAX_MS);
    pauses.set(entry.slot, pause);
    logger.error({ pid: worker.process.pid, code, signal, slot: entry.slot, restartInMs: pause }, 'service process exited; starting another');
    setTimeout(() => !stopping && start(entry.slot), pause);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, processes: slots.size }, 'shutting down every service process');
    if (slots.size === 0) process.exit(0);
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error({ left: slots.size }, 'service processes still running after the grace period; killing them');
      for (const worker of slots.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, opts.graceMs ?? 22_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({ processes }, 'starting service processes (WEB_CONCURRENCY)');
  for (let slot = 0; slot < processes; slot++) start(slot);
}
