import 'reflect-metadata';
import cluster from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { DEFAULT_DATABASE_URL } from '../ormconfig';
import { closeIdleCsvExportThreads } from './api/csv-export-thread';
import { createApp } from './app';
import { clusterSize } from './cluster/cluster-size';
import { runPrimary, tellPrimaryReady } from './cluster/primary';
import { processShare } from './cluster/process-share';
import { developmentDataDir, developmentFinanceToken, devTokenLine, withDevelopmentToken } from './config/dev-token';
import { DispatchWorker } from './dispatch/dispatch-worker';
import { createPlatformClients } from './dispatch/platform-clients';
import { createHttpServer, httpServerOptionsFromEnv } from './http/server';
import { startingHandler } from './http/starting-handler';
import { createLogger } from './logging';
import { IN_CLUSTER, shareMetricsWithPrimary } from './metrics/cluster-metrics';
import { loadConfigOrExit, onShutdown, openDatabase } from './runtime';
import { PackageIndexer } from './storage/package-index';
import type { Logger } from 'pino';

/**
 * `npm start`: config → HTTP (listening at once) → database (waited for while unreachable; migrations
 * applied) → the app, and the dispatch worker in the same process unless DISPATCH_IN_PROCESS=0 (then run
 * `npm run worker` beside it). Until the database is up, src/http/starting-handler.ts answers.
 */
async function main(logger: Logger): Promise<void> {
  const loaded = loadConfigOrExit(logger);
  const { source } = loaded;
  // The development config only: an operator token for the finance page, kept in the data directory (src/config/dev-token.ts).
  const devToken = source === 'development' ? developmentToken() : null;
  const processes = IN_CLUSTER ? Number(process.env.CLAIM_RELAY_PROCESSES) : 1;
  if (IN_CLUSTER) shareMetricsWithPrimary();
  const config = processShare(devToken ? withDevelopmentToken(loaded.config, devToken) : loaded.config, processes);
  const firstProcess = !IN_CLUSTER || process.env.CLAIM_RELAY_PROCESS_SLOT === '0';
  let handle = startingHandler();
  // A 20 MB push on a slow link still finishes; a stalled one does not hold a socket for ever (src/http/server.ts).
  const server = createHttpServer((req, res) => handle(req, res), httpServerOptionsFromEnv());
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, () => {
    logger.info({ port, configSource: source }, 'claim-relay listening');
    if (devToken && firstProcess) process.stderr.write(`${devTokenLine(port, devToken)}\n`);
  });

  const starting = new AbortController();
  let running: { worker: DispatchWorker | null; close(): Promise<void> } | null = null;
  onShutdown(logger, async () => {
    // Stop waiting for the database; stop accepting, finish requests in flight and the dispatch round in flight; then close.
    starting.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([closed, running?.worker?.stop()]);
    await running?.close();
  });

  // MIGRATE_ON_START=0: wait (up to 120 s) for another instance or a deploy step to apply the migrations (docs/operations.md: Migrations).
  const dataSource = await openDatabase(logger, { migrate: process.env.MIGRATE_ON_START !== '0', signal: starting.signal });
  if (!dataSource || starting.signal.aborted) return; // stopping: onShutdown exits

  const clients = createPlatformClients(config);
  const packageIndexer = new PackageIndexer(dataSource, logger);
  handle = createApp({ config, dataSource, logger, clients, packageIndexer }).callback();
  if (IN_CLUSTER) tellPrimaryReady();
  const worker = process.env.DISPATCH_IN_PROCESS === '0' ? null : new DispatchWorker({ dataSource, config, clients, logger });
  worker?.start();
  running = {
    worker,
    async close() {
      await packageIndexer.drain(); // a big push's package rows; were the process killed instead, a worker takes them over
      await Promise.all([...clients.values()].map((c) => c.close()));
      closeIdleCsvExportThreads(); // an export in flight ended with its request, above
      await dataSource.destroy();
    },
  };
}

function developmentToken(): string {
  const dir = developmentDataDir(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  mkdirSync(dir, { recursive: true });
  return developmentFinanceToken(dir);
}

/** WEB_CONCURRENCY > 1: this process starts the service processes (src/cluster/primary.ts); otherwise it is the service. */
function run(): Promise<void> {
  const logger = createLogger();
  if (cluster.isPrimary) {
    const size = clusterSize(process.env, process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
    if (size.note) logger.warn(size.note);
    if (size.processes > 1) return Promise.resolve(runPrimary({ processes: size.processes, logger, exec: __filename }));
  }
  return main(logger);
}

run().catch((err) => {
  process.stderr.write(`claim-relay failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
