import { createConnection, type Connection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { WorkOrder } from '../../src/entities';
import { judgmentToStore } from '../../src/handlers/danniao-judge.handler';
import { fastInsert } from '../../src/storage/fast-insert';
import { newWorkOrderRow } from '../../src/storage/judgment-rows';
import { GroupCommit } from '../../src/storage/group-commit';
import { type GroupedPush, isLostRace, storeGroupInOneTrip } from '../../src/storage/mysql-one-trip';
import { encodeBody } from '../../src/storage/raw-push-store';
import { databaseErrorCode, lostDeadlock } from '../../src/storage/database-errors';
import { inTransaction, withDeadlockRetry } from '../../src/storage/transactions';
import { TEST_DATABASES, openMigratedDatabase } from '../support/databases';
import { untilLockWaits } from '../support/innodb-locks';
import { specExample } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

/**
 * Transactions that lose a deadlock are run again (src/storage/transactions.ts), on a real MariaDB and with
 * real deadlocks. The AUTO-INC deadlock below is the one test/scale/many-instances.test.ts met in CI: a
 * push's conditional work-order insert (INSERT … SELECT, holding the table's AUTO-INC lock) waits for the
 * unique key of an identity another transaction inserted but did not commit; that transaction then inserts
 * another work order and waits for the AUTO-INC lock. MariaDB answers its victim ER_AUTOINC_READ_FAILED.
 */
const mysqlOnly = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

const judgmentOf = (externalOrderId: string) => judgmentToStore(receivedPush({ ...specExample(), externalOrderId }), []);

async function pushOf(externalOrderId: string): Promise<GroupedPush> {
  const input = judgmentOf(externalOrderId);
  return { input, encoded: await encodeBody(input.push.body) };
}

mysqlOnly('transactions that lose a deadlock on mysql', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let watcher: Connection;
  let url: string;
  beforeEach(async () => {
    let db;
    ({ db, dataSource, close } = await openMigratedDatabase('mysql'));
    url = db.url;
    watcher = await createConnection({ uri: url });
  });
  afterEach(async () => {
    await watcher.end();
    await close();
  });

  const insertWorkOrder = (em: Parameters<Parameters<typeof inTransaction>[1]>[0], externalOrderId: string) =>
    fastInsert(dataSource, WorkOrder).insert(em, newWorkOrderRow(judgmentOf(externalOrderId)));

  it('runs a transaction again when MariaDB made it the victim of an AUTO-INC deadlock (ER_AUTOINC_READ_FAILED)', async () => {
    // The batch: a first push that writes a work order and its rows (the heavier transaction, so not the victim),
    // then the conditional insert of identity RACED, which will wait for this transaction's uncommitted RACED.
    const batch = [await pushOf('HEAVY'), await pushOf('RACED')];
    const errors: unknown[] = [];
    let attempts = 0;
    let batchDone: Promise<unknown> | undefined;

    await inTransaction(dataSource, async (em) => {
      attempts++;
      try {
        if (attempts === 1) {
          await insertWorkOrder(em, 'RACED');
          batchDone = storeGroupInOneTrip(dataSource, batch);
          await untilLockWaits(watcher); // the batch holds work_order's AUTO-INC lock and waits for RACED
        }
        await insertWorkOrder(em, 'MINE'); // waits for that AUTO-INC lock: a deadlock
      } catch (err) {
        errors.push(err);
        throw err;
      }
    });

    expect(errors.map(databaseErrorCode)).toEqual(['ER_AUTOINC_READ_FAILED']);
    expect(attempts).toBe(2);
    expect(lostDeadlock(errors[0])).toBe(true);
    expect(isLostRace(errors[0])).toBe(true); // the group committer's push that met it takes the locking path
    expect(await batchDone).toEqual([{ kind: 'created', workOrderId: expect.any(Number) }, { kind: 'created', workOrderId: expect.any(Number) }]);
    const stored = await dataSource.getRepository(WorkOrder).find({ order: { externalOrderId: 'ASC' } });
    expect(stored.map((w) => w.externalOrderId)).toEqual(['HEAVY', 'MINE', 'RACED']); // RACED once: the victim's copy was rolled back
  });

  it('hands a grouped push that waited longer than innodb_lock_wait_timeout to the locking path instead of failing it', async () => {
    // One pooled connection, its lock wait cut to 1 s (the server's default is 50 s).
    const options = dataSourceOptions(url) as Extract<ReturnType<typeof dataSourceOptions>, { type: 'mysql' | 'mariadb' }>;
    const impatient = await new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 1 } }).initialize();
    const holder = await createConnection({ uri: url });
    try {
      await impatient.query('SET SESSION innodb_lock_wait_timeout = 1');
      const push = await pushOf('HELD');
      await holder.query('START TRANSACTION');
      const held = fastInsert(dataSource, WorkOrder).statement(newWorkOrderRow(push.input)); // the same identity, not committed
      await holder.query(held.sql, held.params);

      let failure: unknown;
      const result = await new GroupCommit(impatient, { maxPushes: 32, maxBytes: 2_000_000, maxInFlight: 1 }).store(push);
      await storeGroupInOneTrip(impatient, [push]).catch((err) => (failure = err)); // the same wait, seen directly

      expect(databaseErrorCode(failure)).toBe('ER_LOCK_WAIT_TIMEOUT');
      expect(result).toBeNull(); // a lost race: storeJudgment takes the locking path (which retries)
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await impatient.destroy();
    }
  });

  it('runs a transaction again when it lost a row-lock deadlock (ER_LOCK_DEADLOCK)', async () => {
    const [a, b] = await inTransaction(dataSource, async (em) => [await insertWorkOrder(em, 'A'), await insertWorkOrder(em, 'B')]);
    // Two transactions lock the same two rows in opposite orders; the loser runs again and both commit.
    const lock = (em: Parameters<Parameters<typeof inTransaction>[1]>[0], id: number) => em.query('UPDATE work_order SET latestRevision = latestRevision + 1 WHERE id = ?', [id]);
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
