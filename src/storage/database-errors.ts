/**
 * What a database error means to us, read from its code whether the driver threw it or TypeORM wrapped it
 * (QueryFailedError.driverError).
 */

/** The driver's error code (`ER_…` for MySQL/MariaDB, `SQLITE_…`), or undefined. */
export function databaseErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when a database error is a unique-key violation (MySQL/MariaDB ER_DUP_ENTRY, SQLite UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  const code = databaseErrorCode(err);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

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
 * test/scale/many-instances.test.ts met it in CI (1 of 450 pushes through 3 instances).
 */
const LOST_DEADLOCK: readonly string[] = ['ER_LOCK_DEADLOCK', 'ER_AUTOINC_READ_FAILED'];

/** The codes after which a MySQL transaction is run again: it lost a deadlock, or waited longer than innodb_lock_wait_timeout. */
export const RUN_AGAIN_CODES: readonly string[] = [...LOST_DEADLOCK, 'ER_LOCK_WAIT_TIMEOUT'];

/** The transaction lost a deadlock and was rolled back (see LOST_DEADLOCK). */
export function lostDeadlock(err: unknown): boolean {
  return LOST_DEADLOCK.includes(databaseErrorCode(err) ?? '');
}

/** Worth running the transaction again (RUN_AGAIN_CODES). */
export function mayRunAgain(err: unknown): boolean {
  return RUN_AGAIN_CODES.includes(databaseErrorCode(err) ?? '');
}
