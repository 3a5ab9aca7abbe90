import 'reflect-metadata';
import { createConnection } from 'mysql2/promise';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './src/entities';
import { MIGRATIONS } from './migrations';
import { DEFAULT_DATABASE_URL } from './src/storage/database-url';

/**
 * The TypeORM DataSource, chosen by DATABASE_URL:
 *   sqlite:<path>                 → better-sqlite3 (default sqlite:./data/claim-relay.sqlite)
 *   mysql://user:pass@host:port/db → mysql2 (MySQL or MariaDB)
 * The schema comes only from the migrations (never `synchronize`); they are applied at start.
 */
export { DEFAULT_DATABASE_URL };

export type DatabaseKind = 'sqlite' | 'mysql';

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got scheme "${url.split(':')[0]}")`);
}

/**
 * TypeORM reads MariaDB's information_schema differently from MySQL's (column defaults), so a mysql://
 * URL is resolved to TypeORM's `mariadb` or `mysql` driver by asking the server its version.
 */
export async function detectMysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  const conn = await createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), connectTimeout: 5000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0].v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

export function dataSourceOptions(
  url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  mysqlFlavor: 'mysql' | 'mariadb' = url.startsWith('mariadb:') ? 'mariadb' : 'mysql',
): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
  if (databaseKind(url) === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: url.slice('sqlite:'.length),
      // WAL lets readers (readyz, finance) proceed while a push commits.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: mysqlFlavor,
    url: url.replace(/^mariadb:/, 'mysql:'),
    charset: 'utf8mb4',
    timezone: 'Z',
    // Multi-statement batches carry a new work order's whole first push in one round trip
    // (src/storage/mysql-one-trip.ts); every value in them is bound as a parameter.
    multipleStatements: true,
    // trace: false — mysql2's promise API otherwise captures a stack trace for every query (3.7% of the service's
    // busy time under the finance list's load, BENCHMARKS.md H). TypeORM's QueryFailedError still carries the
    // caller's async stack, so a failed query's log line keeps its path through our code.
    extra: { connectionLimit: Number(process.env.DATABASE_POOL_SIZE ?? 10), trace: false },
  };
}

/** Where a DataSource's database is, for a worker thread that opens its own connection to it. */
export interface DatabaseAddress {
  url: string;
  mysqlFlavor?: 'mysql' | 'mariadb';
}

export function databaseAddressOf(dataSource: DataSource): DatabaseAddress {
  const o = dataSource.options;
  if (o.type === 'better-sqlite3') return { url: `sqlite:${o.database}` };
  if ((o.type === 'mysql' || o.type === 'mariadb') && o.url) return { url: o.url, mysqlFlavor: o.type };
  throw new Error(`no database address for a ${o.type} DataSource`);
}

/** A DataSource for DATABASE_URL (or `url`), with the MySQL flavour detected from the server. */
export async function createDataSource(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<DataSource> {
  const flavor = databaseKind(url) === 'mysql' ? await detectMysqlFlavor(url) : undefined;
  return new DataSource(dataSourceOptions(url, flavor));
}
