import { DataSource, EntityManager } from 'typeorm';
import { recordTransactionRetry } from '../metrics';

/**
 * Runs `work` in one transaction. SQLite has one writer: transactions of this process are queued so two
 * never interleave on TypeORM's single better-sqlite3 connection. MySQL/MariaDB: a transaction that lost a
 * deadlock or a lock wait (the loser of two racing pushes) is run again a bounded number of times.
 */
const MAX_ATTEMPTS = 5;

/**
 * The error codes of a MySQL/MariaDB transaction that lost a deadlock: InnoDB rolled all of it back, and
 * running it again is safe.
 *
 * ER_AUTOINC_READ_FAILED ("Failed to read auto-increment value from storage engine") is how MariaDB 10.11
 * answers the victim of a deadlock on a table's AUTO-INC lock. With innodb_autoinc_lock_mode=1 (the
 * default), an INSERT ... SELECT holds the table's AUTO-INC lock to the end of its statement, and a push's
 * conditional work-order insert (src/storage/mysql-one-trip.ts) can wait there for the unique key of the same
 * identity that another transaction inserted but did not commit yet. When that other transaction then
 * inserts into the same table, each waits for the other. SHOW ENGINE INNODB STATUS lists the deadlock, and
 * the victim gets this code, not ER_LOCK_DEADLOCK (test/storage/transactions.test.ts provokes it).
 * Three service instances pushing the same identities met it about once in 2,000 pushes
 * (test/scale/many-instances.test.ts).
 */
const LOST_DEADLOCK = new Set(['ER_LOCK_DEADLOCK', 'ER_AUTOINC_READ_FAILED']);

/** A MySQL error's code (`ER_…`), whether mysql2 threw it or TypeORM wrapped it (driverError). */
export function mysqlErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The transaction lost a deadlock and was rolled back (see LOST_DEADLOCK). */
export function lostDeadlock(err: unknown): boolean {
  const code = mysqlErrorCode(err);
  return code !== undefined && LOST_DEADLOCK.has(code);
}

/** Worth running the transaction again: it lost a deadlock, or waited longer than innodb_lock_wait_timeout. */
function retryable(err: unknown): boolean {
  return lostDeadlock(err) || mysqlErrorCode(err) === 'ER_LOCK_WAIT_TIMEOUT';
}

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
      if (attempt >= MAX_ATTEMPTS || !retryable(err)) throw err;
      recordTransactionRetry(mysqlErrorCode(err)!);
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
