import { createConnection } from 'mysql2/promise';
import { DataSource, type Logger } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { WorkOrder } from '../../src/entities';
import { judgmentToStore } from '../../src/handlers/danniao-judge.handler';
import { newWorkOrderRow } from '../../src/storage/judgments/judgment';
import { mysqlIdNumbering, readIdsBack, rowInsert } from '../../src/storage/row-insert';
import { inTransaction } from '../../src/storage/transactions';
import { TEST_DATABASES, openMigratedDatabase } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

/**
 * The ids insertWithIds gives the rows of a multi-row INSERT are those the database stored them under,
 * whether it computes them from the first id (a server that numbers a statement's rows consecutively) or
 * reads them back (one that may interleave them), with several INSERTs running at once.
 */
const rowOf = (externalOrderId: string) => newWorkOrderRow(judgmentToStore(receivedPush({ ...specExample(), externalOrderId }), []));

async function insertConcurrently(dataSource: DataSource, statements: number, rowsEach: number, prefix = 'ROWS'): Promise<Map<string, number>> {
  const given = new Map<string, number>();
  await Promise.all(Array.from({ length: statements }, (_s, s) => inTransaction(dataSource, async (em) => {
    const rows = Array.from({ length: rowsEach }, (_r, r) => rowOf(`${prefix}_${s}_${r}`));
    const ids = await rowInsert(dataSource, WorkOrder).insertWithIds(em, rows, ['identityKey']);
    rows.forEach((row, r) => given.set(row.identityKey!, ids[r]));
  })));
  return given;
}

async function storedIds(dataSource: DataSource): Promise<Map<string, number>> {
  const rows = await dataSource.getRepository(WorkOrder).find({ select: { id: true, identityKey: true } });
  return new Map(rows.map((row) => [row.identityKey, row.id]));
}

describe.each(TEST_DATABASES)('ids of multi-row INSERTs on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterEach(() => close());

  it('gives each row of concurrent INSERTs the id it was stored under, computed from the first id', async () => {
    const given = await insertConcurrently(dataSource, 8, 25);
    expect(given.size).toBe(200);
    expect(given).toEqual(await storedIds(dataSource));
  });

  it('gives each row of concurrent INSERTs the id it was stored under, read back by its key', async () => {
    readIdsBack(dataSource);
    const given = await insertConcurrently(dataSource, 8, 25);
    expect(given.size).toBe(200);
    expect(given).toEqual(await storedIds(dataSource));
  });
});

const mysqlOnly = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

mysqlOnly('asking MariaDB how it numbers ids', () => {
  it('asks once on each connection, and again on a new connection (a restarted server may run another mode)', async () => {
    const { db, close } = await openMigratedDatabase('mysql');
    const asked: string[] = [];
    const logger: Logger = {
      logQuery: (query) => void (query.includes('@@innodb_autoinc_lock_mode') && asked.push(query)),
      logQueryError: () => undefined, logQuerySlow: () => undefined, logSchemaBuild: () => undefined, logMigration: () => undefined, log: () => undefined,
    };
    const options = dataSourceOptions(db.url) as Extract<ReturnType<typeof dataSourceOptions>, { type: 'mysql' | 'mariadb' }>;
    const oneConnection = await new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 1 }, logging: ['query'], logger }).initialize();
    const killer = await createConnection({ uri: db.url });
    try {
      await insertConcurrently(oneConnection, 2, 3);
      expect(asked).toHaveLength(1);
      const [{ id }] = (await oneConnection.query('SELECT CONNECTION_ID() AS id')) as Array<{ id: number }>;
      await killer.query(`KILL ${Number(id)}`);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the pool drops the connection the server closed
      const given = await insertConcurrently(oneConnection, 1, 3, 'AFTER_KILL');
      expect(asked).toHaveLength(2);
      expect(given.size).toBe(3);
    } finally {
      await killer.end();
      await oneConnection.destroy();
      await close();
    }
  });
});

describe('how MySQL/MariaDB number the rows of one INSERT', () => {
  it.each([0, 1])('innodb_autoinc_lock_mode %i numbers them consecutively, auto_increment_increment apart', (lockMode) => {
    expect(mysqlIdNumbering({ lockMode, increment: 1 })).toEqual({ consecutive: true, step: 1 });
    expect(mysqlIdNumbering({ lockMode, increment: 3 })).toEqual({ consecutive: true, step: 3 });
  });

  it('innodb_autoinc_lock_mode 2 (interleaved) leaves the ids to be read back', () => {
    expect(mysqlIdNumbering({ lockMode: 2, increment: 1 })).toEqual({ consecutive: false });
  });
});
