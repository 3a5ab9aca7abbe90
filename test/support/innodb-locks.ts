import type { Connection, RowDataPacket } from 'mysql2/promise';

/**
 * Polls (bounded) until at least `count` InnoDB transactions on `conn`'s database wait for a lock (other
 * test files share the server, and their waits do not count). INNODB_TRX is a cache that InnoDB refreshes
 * only when it was not read for 100 ms, so the polls are 150 ms apart.
 */
export async function untilLockWaits(conn: Connection, count = 1): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const [rows] = await conn.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()",
    );
    if (Number(rows[0].n) >= count) return;
  }
  throw new Error(`fewer than ${count} transactions waited for a lock within 4.5 s`);
}
