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
 * The codes after which a MySQL/MariaDB transaction is run again: InnoDB chose it as a deadlock's victim
 * and rolled all of it back, or one of its statements waited longer than innodb_lock_wait_timeout.
 */
export const RUN_AGAIN_CODES: readonly string[] = ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'];

/** Worth running the transaction again (RUN_AGAIN_CODES). */
export function mayRunAgain(err: unknown): boolean {
  return RUN_AGAIN_CODES.includes(databaseErrorCode(err) ?? '');
}
