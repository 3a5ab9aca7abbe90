import { createDataSource } from '../../ormconfig';
import { createTestDatabase, TestDatabase } from './databases';
import { startTcpProxy, TcpProxy } from './tcp-proxy';

/**
 * A fresh MariaDB database of the test server, migrated (unless `migrate: false`), and a TcpProxy in front
 * of it: `url` reaches the database through the proxy (for the code under test), `db.url` directly (for
 * the test's own checks).
 */
export async function proxiedMysqlDatabase(opts: { migrate?: boolean } = {}): Promise<{ db: TestDatabase; proxy: TcpProxy; url: string }> {
  const db = await createTestDatabase('mysql');
  if (opts.migrate !== false) {
    const direct = await createDataSource(db.url);
    await direct.initialize();
    await direct.runMigrations();
    await direct.destroy();
  }
  const url = new URL(db.url);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 3306) });
  url.port = String(proxy.port);
  return { db, proxy, url: url.toString() };
}
