import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource, DEFAULT_DATABASE_URL } from '../ormconfig';
import { ConfigError, LoadedConfig, loadConfig } from './config/load';

/** Start-up steps shared by the service (`npm start`) and the worker (`npm run worker`). */

/** The config, or exit 2 with its one-line error. */
export function loadConfigOrExit(logger: Logger): LoadedConfig {
  try {
    const loaded = loadConfig();
    if (loaded.source === 'development') {
      logger.warn('no config file: using the development config (test Qimen app 12345678; never in production)');
    }
    return loaded;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Connects to DATABASE_URL; `migrate` applies pending migrations, otherwise waits until they are applied. */
export async function openDatabase(logger: Logger, opts: { migrate: boolean }): Promise<DataSource> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (url.startsWith('sqlite:')) mkdirSync(dirname(url.slice('sqlite:'.length)), { recursive: true });
  const dataSource = await createDataSource(url);
  await dataSource.initialize();
  if (opts.migrate) {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.info({ applied: applied.map((m) => m.name), database: dataSource.options.type }, 'database ready');
    return dataSource;
  }
  for (let i = 0; i < 120 && (await dataSource.showMigrations()); i++) {
    if (i === 0) logger.info('waiting for the service to apply pending migrations');
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (await dataSource.showMigrations()) throw new Error('migrations still pending after 120 s; start the service first');
  return dataSource;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0; exits 1 if `stop` fails or is still running after
 * `graceMs` (requests or a dispatch round that never finish, a database that stopped answering). 20 s
 * keeps the exit inside the 25 s an orchestrator is told to allow (README: Running several instances).
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>, graceMs = 20_000): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error(`still stopping after ${graceMs} ms; exiting`);
      process.exit(1);
    }, graceMs);
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
