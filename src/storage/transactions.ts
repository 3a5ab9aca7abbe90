import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { recordTransactionRetry } from '../metrics/registry';
import { databaseErrorCode, mayRunAgain } from './database-errors';

/**
 * Transactions. Every statement of a transaction is sent after the one before it answered, and COMMIT is
 * a statement of its own, sent only when all of them succeeded: a transaction whose statements did not
 * all answer is never committed (the server rolls it back when its connection goes).
 *
 * SQLite has one writer: transactions of this process are queued so two never interleave on TypeORM's
 * single better-sqlite3 connection. MySQL/MariaDB: a transaction that lost a deadlock or a lock wait is
 * run again a bounded number of times.
 */
const MAX_ATTEMPTS = 5;

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === 'better-sqlite3';
}

/**
 * COMMIT was sent but its answer did not come back (the connection broke, or the server failed it): the
 * transaction may or may not be committed. Only reading the database can tell; `result` is what the
 * transaction's work returned, had it committed.
 */
export class CommitOutcomeUnknown<T = unknown> extends Error {
  constructor(readonly result: T, override readonly cause: unknown) {
    super(`the answer to COMMIT was lost: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'CommitOutcomeUnknown';
  }
}

export interface TransactionOptions {
  /** MySQL/MariaDB: READ COMMITTED for this transaction (locking reads of absent keys take no gap locks). */
  readCommitted?: boolean;
}

/** Runs `work` in one transaction; throws CommitOutcomeUnknown when COMMIT was sent and not answered. */
export async function inTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  if (isSqlite(dataSource)) {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => runTransaction(dataSource, work, options));
    sqliteQueues.set(dataSource, run);
    return run;
  }
  return withDeadlockRetry(() => runTransaction(dataSource, work, options));
}

async function runTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>, options: TransactionOptions): Promise<T> {
  const runner = dataSource.createQueryRunner();
  let reusable = true;
  try {
    await runner.connect();
    let result: T;
    try {
      await runner.startTransaction(options.readCommitted && !isSqlite(dataSource) ? 'READ COMMITTED' : undefined);
      result = await work(runner.manager);
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => (reusable = false));
      else reusable = false;
      throw err;
    }
    try {
      await runner.commitTransaction();
    } catch (err) {
      reusable = false;
      throw new CommitOutcomeUnknown(result, err);
    }
    return result;
  } finally {
    if (!reusable) destroyConnection(runner);
    await runner.release();
  }
}

/** A connection whose state is unknown (a failed ROLLBACK or COMMIT) leaves the pool instead of serving the next transaction. */
function destroyConnection(runner: QueryRunner): void {
  (runner as unknown as { databaseConnection?: { destroy?: () => void } }).databaseConnection?.destroy?.();
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
