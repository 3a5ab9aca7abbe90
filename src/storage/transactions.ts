import { DataSource, EntityManager } from 'typeorm';
import { recordTransactionRetry } from '../metrics';
import { databaseErrorCode, mayRunAgain } from './database-errors';

/**
 * Runs `work` in one transaction. SQLite has one writer: transactions of this process are queued so two
 * never interleave on TypeORM's single better-sqlite3 connection. MySQL/MariaDB: a transaction that lost a
 * deadlock or a lock wait (the loser of two racing pushes; src/storage/database-errors.ts) is run again a
 * bounded number of times.
 */
const MAX_ATTEMPTS = 5;

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === 'better-sqlite3';
}

export async function inTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (isSqlite(dataSource)) {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => dataSource.transaction(work));
    sqliteQueues.set(dataSource, run);
    return run;
  }
  return withDeadlockRetry(() => dataSource.transaction(work));
}

/** Runs a MySQL transaction again (bounded, with a short random pause) when it lost a deadlock or lock wait. */
export async function withDeadlockRetry<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !mayRunAgain(err)) throw err;
      recordTransactionRetry(databaseErrorCode(err)!);
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
