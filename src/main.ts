import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer } from 'node:http';
import { createDataSource, DEFAULT_DATABASE_URL } from '../ormconfig';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/load';
import { createLogger } from './logging';

/** Starts the service: config → database (migrations applied) → HTTP. SIGTERM/SIGINT stop it gracefully. */
async function main(): Promise<void> {
  const logger = createLogger();
  let loaded;
  try {
    loaded = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (loaded.source === 'development') {
    logger.warn('no config file: using the development config (test Qimen app 12345678; never in production)');
  }

  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (url.startsWith('sqlite:')) mkdirSync(dirname(url.slice('sqlite:'.length)), { recursive: true });
  const dataSource = await createDataSource(url);
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  logger.info({ applied: applied.map((m) => m.name), database: dataSource.options.type }, 'database ready');

  const app = createApp({ config: loaded.config, dataSource, logger });
  const server = createServer(app.callback());
  // A 20 MB push on a slow link still finishes; a stalled one does not hold a socket for ever.
  server.requestTimeout = Number(process.env.REQUEST_TIMEOUT_MS ?? 120_000);
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, () => logger.info({ port, configSource: loaded.source }, 'claim-relay listening'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    server.close(async () => {
      await dataSource.destroy();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.error('requests still in flight after 25s; exiting');
      process.exit(1);
    }, 25_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`claim-relay failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
