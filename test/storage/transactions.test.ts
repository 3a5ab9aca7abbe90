import { createConnection } from 'mysql2/promise';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { WorkOrder } from '../../src/entities';
import { judgmentToStore } from '../../src/handlers/danniao-judge.handler';
import { newWorkOrderRow } from '../../src/storage/judgments/judgment';
import { rowInsert } from '../../src/storage/row-insert';
import { databaseErrorCode } from '../../src/storage/database-errors';
import { CommitOutcomeUnknown, inTransaction, withDeadlockRetry } from '../../src/storage/transactions';
import { type CommitTrapProxy, openTrappedDatabase } from '../support/commit-trap-proxy';
import { TEST_DATABASES, openMigratedDatabase } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

/**
 * Transactions (src/storage/transactions.ts) on a real MariaDB: the ones that lose a deadlock or a lock
 * wait are run again; a COMMIT whose answer is lost is reported as such, never as a success or a failure.
 */
const mysqlOnly = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

const judgmentOf = (externalOrderId: string) => judgmentToStore(receivedPush({ ...specExample(), externalOrderId }), []);

mysqlOnly('transactions that lose a deadlock on mysql', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let url: string;
  beforeEach(async () => {
    ({ db: { url }, dataSource, close } = await openMigratedDatabase('mysql'));
  });
  afterEach(() => close());

  const insertWorkOrder = (em: EntityManager, externalOrderId: string) => rowInsert(dataSource, WorkOrder).insert(em, [newWorkOrderRow(judgmentOf(externalOrderId))]);

  it('runs a transaction again when it waited longer than innodb_lock_wait_timeout', async () => {
    // One pooled connection, its lock wait cut to 1 s (the server's default is 50 s).
    const options = dataSourceOptions(url) as Extract<ReturnType<typeof dataSourceOptions>, { type: 'mysql' | 'mariadb' }>;
    const impatient = await new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 1 } }).initialize();
    const holder = await createConnection({ uri: url });
    try {
      await impatient.query('SET SESSION innodb_lock_wait_timeout = 1');
      const id = await inTransaction(dataSource, (em) => insertWorkOrder(em, 'HELD'));
      await holder.query('START TRANSACTION');
      await holder.query('SELECT id FROM work_order WHERE id = ? FOR UPDATE', [id]);
      setTimeout(() => void holder.query('ROLLBACK'), 1500);
      const codes: Array<string | undefined> = [];
      await inTransaction(impatient, async (em) => {
        try {
          await em.query('UPDATE work_order SET latestRevision = latestRevision + 1 WHERE id = ?', [id]);
        } catch (err) {
          codes.push(databaseErrorCode(err));
          throw err;
        }
      });
      expect(codes).toEqual(['ER_LOCK_WAIT_TIMEOUT']);
      expect((await dataSource.getRepository(WorkOrder).findOneByOrFail({ id })).latestRevision).toBe(2);
    } finally {
      await holder.end();
      await impatient.destroy();
    }
  });

  it('runs a transaction again when it lost a row-lock deadlock (ER_LOCK_DEADLOCK)', async () => {
    const [a, b] = await inTransaction(dataSource, async (em) => [await insertWorkOrder(em, 'A'), await insertWorkOrder(em, 'B')]);
    // Two transactions lock the same two rows in opposite orders; the loser runs again and both commit.
    const lock = (em: EntityManager, id: number) => em.query('UPDATE work_order SET latestRevision = latestRevision + 1 WHERE id = ?', [id]);
    const codes: Array<string | undefined> = [];
    let bothHoldOne!: () => void;
    const holding = new Promise<void>((r) => (bothHoldOne = r));
    let held = 0;
    const crossing = (first: number, second: number) =>
      inTransaction(dataSource, async (em) => {
        try {
          await lock(em, first);
          if (++held === 2) bothHoldOne();
          await holding;
          await lock(em, second);
        } catch (err) {
          codes.push(databaseErrorCode(err));
          throw err;
        }
      });
    await Promise.all([crossing(a, b), crossing(b, a)]);

    expect(codes).toEqual(['ER_LOCK_DEADLOCK']);
    const revisions = await dataSource.getRepository(WorkOrder).find({ order: { id: 'ASC' } });
    expect(revisions.map((w) => w.latestRevision)).toEqual([3, 3]); // 1 + one update by each transaction, none lost or doubled
  });

  it('does not run a transaction again for any other error, and hands that error back', async () => {
    let attempts = 0;
    const duplicate = inTransaction(dataSource, async (em) => {
      attempts++;
      await insertWorkOrder(em, 'TWICE');
      await insertWorkOrder(em, 'TWICE');
    });
    await expect(duplicate).rejects.toMatchObject({ driverError: { code: 'ER_DUP_ENTRY' } });
    expect(attempts).toBe(1);
  });

  it('gives up after 5 tries and hands the last deadlock back', async () => {
    let attempts = 0;
    const deadlock = Object.assign(new Error('Deadlock found when trying to get lock'), { code: 'ER_LOCK_DEADLOCK' });
    await expect(withDeadlockRetry(async () => {
      attempts++;
      throw deadlock;
    })).rejects.toBe(deadlock);
    expect(attempts).toBe(5);
  });
});

mysqlOnly('a transaction whose connection breaks at COMMIT on mysql', () => {
  let dataSource: DataSource;
  let proxied: DataSource;
  let proxy: CommitTrapProxy;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource, proxied, proxy, close } = await openTrappedDatabase());
  });
  afterEach(() => close());

  const insertOne = async (em: EntityManager) => [await rowInsert(proxied, WorkOrder).insert(em, [newWorkOrderRow(judgmentOf('A'))])];

  it('reports a COMMIT whose answer was lost as CommitOutcomeUnknown, carrying what the work returned; the server committed it', async () => {
    proxy.arm('lose-answer');
    const failure = await inTransaction(proxied, insertOne).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CommitOutcomeUnknown);
    expect((failure as CommitOutcomeUnknown).result).toEqual([expect.any(Number)]);
    expect(await dataSource.getRepository(WorkOrder).count()).toBe(1);
  });

  it('reports a COMMIT that never reached the server as CommitOutcomeUnknown too; the server rolled it back', async () => {
    proxy.arm('drop-before');
    await expect(inTransaction(proxied, insertOne)).rejects.toBeInstanceOf(CommitOutcomeUnknown);
    expect(await dataSource.getRepository(WorkOrder).count()).toBe(0);
  });

  it('gives the pool a working connection after one broke at COMMIT', async () => {
    proxy.arm('lose-answer');
    await inTransaction(proxied, insertOne).catch(() => undefined);
    await inTransaction(proxied, (em) => rowInsert(proxied, WorkOrder).insert(em, [newWorkOrderRow(judgmentOf('B'))]));
    expect(await dataSource.getRepository(WorkOrder).count()).toBe(2);
  });
});
