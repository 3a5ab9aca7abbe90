import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { DEFAULT_DATABASE_URL } from '../ormconfig';
import { closeIdleCsvExportThreads } from './api/csv-export-thread';
import { createApp } from './app';
import { developmentDataDir, developmentFinanceToken, devTokenLine, withDevelopmentToken } from './config/dev-token';
import { DispatchWorker } from './dispatch/dispatch-worker';
import { createPlatformClients } from './dispatch/platform-clients';
import { createHttpServer, httpServerOptionsFromEnv } from './http/server';
import { createLogger } from './logging';
import { loadConfigOrExit, onShutdown, openDatabase } from './runtime';
import { PackageIndexer } from './storage/package-index';

/**
 * `npm start`: config → database (migrations applied) → HTTP, and the dispatch worker in the same
 * process unless DISPATCH_IN_PROCESS=0 (then run `npm run worker` beside it).
 */
async function main(): Promise<void> {
  const logger = createLogger();
  const loaded = loadConfigOrExit(logger);
  const { source } = loaded;
  // The development config only: an operator token for the finance page, kept in the data directory (src/config/dev-token.ts).
  const devToken = source === 'development' ? developmentToken() : null;
  const config = devToken ? withDevelopmentToken(loaded.config, devToken) : loaded.config;
  // MIGRATE_ON_START=0: wait (up to 120 s) for another instance or a deploy step to apply the migrations (docs/operations.md: Migrations).
  const dataSource = await openDatabase(logger, { migrate: process.env.MIGRATE_ON_START !== '0' });

  const clients = createPlatformClients(config);
  const packageIndexer = new PackageIndexer(dataSource, logger);
  const app = createApp({ config, dataSource, logger, clients, packageIndexer });
  // A 20 MB push on a slow link still finishes; a stalled one does not hold a socket for ever (src/http/server.ts).
  const server = createHttpServer(app.callback(), httpServerOptionsFromEnv());
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, () => {
    logger.info({ port, configSource: source }, 'claim-relay listening');
    if (devToken) process.stderr.write(`${devTokenLine(port, devToken)}\n`);
  });

  const worker = process.env.DISPATCH_IN_PROCESS === '0' ? null : new DispatchWorker({ dataSource, config, clients, logger });
  worker?.start();

  onShutdown(logger, async () => {
    // Stop accepting, finish requests in flight, finish the dispatch round in flight, close the database.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([closed, worker?.stop()]);
    await packageIndexer.drain(); // a big push's package rows; were the process killed instead, a worker takes them over

    await Promise.all([...clients.values()].map((c) => c.close()));
    closeIdleCsvExportThreads(); // an export in flight ended with its request, above
    await dataSource.destroy();
  });
}

function developmentToken(): string {
  const dir = developmentDataDir(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  mkdirSync(dir, { recursive: true });
  return developmentFinanceToken(dir);
}

main().catch((err) => {
  process.stderr.write(`claim-relay failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
