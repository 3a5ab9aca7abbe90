import type { DataSource } from 'typeorm';

/** A raw mysql2 pool connection, as TypeORM's MySQL driver hands them out. */
interface PoolConnection {
  query(sql: string, values: unknown[], cb: (err: Error | null, results?: unknown) => void): void;
  release(): void;
  destroy(): void;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

const run = (conn: PoolConnection, sql: string, values: unknown[] = []) =>
  new Promise<unknown>((resolve, reject) => conn.query(sql, values, (err, results) => (err ? reject(err) : resolve(results))));

/**
 * MySQL/MariaDB: runs statements as ONE multi-statement round trip on one pooled connection and returns
 * each statement's result. Each round trip to the database costs more CPU than the statements it carries
 * on this machine (BENCHMARKS.md). The batch should open and commit its own transaction; when a statement
 * fails, the server stops there and the connection is rolled back (or dropped, which rolls back) before
 * it returns to the pool. Values are bound parameters, escaped by mysql2.
 */
export async function runMysqlBatch(dataSource: DataSource, statements: readonly Statement[]): Promise<unknown[]> {
  const conn = await (dataSource.driver as unknown as { obtainMasterConnection(): Promise<PoolConnection> }).obtainMasterConnection();
  let reusable = true;
  try {
    const sql = statements.map((s) => s.sql).join(';\n');
    const results = await run(conn, sql, statements.flatMap((s) => s.params));
    return statements.length === 1 ? [results] : (results as unknown[]);
  } catch (err) {
    await run(conn, 'ROLLBACK').catch(() => (reusable = false));
    // mysql2 (trace: false, ormconfig.ts) raised it from its socket handler: give it the async path through our code instead.
    if (err instanceof Error) Error.captureStackTrace(err);
    throw err;
  } finally {
    if (reusable) conn.release();
    else conn.destroy();
  }
}

/** `UPDATE table SET a = ?, b = ? WHERE x = ? AND y = ?` for plain column values (mysql2 converts dates). */
export function updateStatement(table: string, set: Record<string, unknown>, where: Record<string, unknown>): Statement {
  const q = (name: string) => `\`${name}\``;
  const setKeys = Object.keys(set).filter((k) => set[k] !== undefined);
  const whereKeys = Object.keys(where);
  return {
    sql: `UPDATE ${q(table)} SET ${setKeys.map((k) => `${q(k)} = ?`).join(', ')} WHERE ${whereKeys.map((k) => `${q(k)} = ?`).join(' AND ')}`,
    params: [...setKeys.map((k) => set[k]), ...whereKeys.map((k) => where[k])],
  };
}
