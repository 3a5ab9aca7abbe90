import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createDataSource, DatabaseKind } from '../../ormconfig';

/**
 * Real databases for storage tests: a fresh SQLite file, and a fresh database on the MariaDB server of
 * TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test; the database part names the server only).
 * TEST_DATABASES=sqlite,mysql chooses which (both by default; CI runs both).
 */
export const TEST_DATABASES: DatabaseKind[] = (process.env.TEST_DATABASES ?? 'sqlite,mysql')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DatabaseKind => s === 'sqlite' || s === 'mysql');

const MYSQL_SERVER_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  /** Drops the database (MariaDB) or deletes the file (SQLite), after the secret sweep has searched its tables. */
  drop(): Promise<void>;
}

/** Creates an empty database of the given kind; nothing is migrated yet. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const db = await createEmptyDatabase(kind);
  const drop = db.drop;
  db.drop = async () => {
    await (await import('./sweep-capture')).sweepTablesBeforeDrop(db);
    await drop();
  };
  return db;
}

async function createEmptyDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'claim-relay-test-'));
    return { kind, url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = new URL(MYSQL_SERVER_URL);
  const name = `cr_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = () => createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
  const conn = await admin();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await conn.end();
  const url = new URL(MYSQL_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** A migrated, initialized DataSource on a fresh database, and its clean-up. */
export async function openMigratedDatabase(kind: DatabaseKind): Promise<{ db: TestDatabase; dataSource: DataSource; close(): Promise<void> }> {
  const db = await createTestDatabase(kind);
  const dataSource = await createDataSource(db.url);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    db,
    dataSource,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}

/** Undoes migrations, newest first, until the one named `name` (its class name) is undone. */
export async function undoMigrationsThrough(dataSource: DataSource, name: string): Promise<void> {
  for (let i = dataSource.migrations.length; i > 0; i--) {
    const [last] = await dataSource.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
    await dataSource.undoLastMigration();
    if (last.name === name) return;
  }
  throw new Error(`migration ${name} was not applied`);
}
