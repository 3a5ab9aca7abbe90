import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource, DEFAULT_DATABASE_URL } from '../ormconfig';
import { ConfigError, LoadedConfig, loadConfig } from './config/load';
import { describeDatabase, openWhenReachable } from './wait-for-database';

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

/**
 * Connects to DATABASE_URL; `migrate` applies pending migrations, otherwise waits until they are applied.
 * With a `signal` (the service and the worker), a database that cannot be reached is tried again with
 * back-off (src/wait-for-database.ts) until the signal aborts (the process is stopping: null is returned);
 * without one (the CLI), the first failure is thrown.
 */
export async function openDatabase(logger: Logger, opts: { migrate: boolean }): Promise<DataSource>;
export async function openDatabase(logger: Logger, opts: { migrate: boolean; signal: AbortSignal }): Promise<DataSource | null>;
export async function openDatabase(logger: Logger, opts: { migrate: boolean; signal?: AbortSignal }): Promise<DataSource | null> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (url.startsWith('sqlite:')) mkdirSync(dirname(url.slice('sqlite:'.length)), { recursive: true });
  const attempt = () => connect(url, logger, opts.migrate);
  const dataSource = opts.signal ? await openWhenReachable(attempt, { logger, database: describeDatabase(url), signal: opts.signal }) : await attempt();
  if (!dataSource || opts.migrate) return dataSource;
  for (let i = 0; i < 120 && (await dataSource.showMigrations()); i++) {
    if (i === 0) logger.info('waiting for the service to apply pending migrations');
    if (opts.signal?.aborted) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (opts.signal?.aborted) {
    await dataSource.destroy();
    return null;
  }
  if (await dataSource.showMigrations()) throw new Error('migrations still pending after 120 s; start the service first');
  return dataSource;
}

/** One attempt: connect and, with `migrate`, apply pending migrations; nothing is left open when it fails. */
async function connect(url: string, logger: Logger, migrate: boolean): Promise<DataSource> {
  const dataSource = await createDataSource(url);
  try {
    await dataSource.initialize();
    if (migrate) {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      logger.info({ applied: applied.map((m) => m.name), database: dataSource.options.type }, 'database ready');
    }
    return dataSource;
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    throw err;
  }
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0; exits 1 if `stop` fails or is still running after
 * `graceMs` (requests or a dispatch round that never finish, a database that stopped answering). 20 s
 * keeps the exit inside the 25 s an orchestrator is told to allow (docs/operations.md).
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
