import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { WorkOrder } from '../../src/entities';
import { judgmentToStore } from '../../src/handlers/danniao-judge.handler';
import { DEFAULT_IN_FLIGHT, GroupCommit, GroupCommitOptions, groupCommitOptions } from '../../src/storage/group-commit';
import type { GroupedPush } from '../../src/storage/mysql-one-trip';
import { fastInsert } from '../../src/storage/fast-insert';
import { newWorkOrderRow } from '../../src/storage/judgment-rows';
import { encodeBody } from '../../src/storage/raw-push-store';
import { storeJudgment } from '../../src/storage/store-judgment';
import { TEST_DATABASES, openMigratedDatabase } from '../support/databases';
import { untilLockWaits } from '../support/innodb-locks';
import { specExample } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

/** Group commit is MySQL/MariaDB's hot path (SQLite has one writer and no round trips). */
const mysqlOnly = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

const ONE_AT_A_TIME: GroupCommitOptions = { maxPushes: 32, maxBytes: 2_000_000, maxInFlight: 1 };

/** The spec's example as the push of `externalOrderId`, ready for the group committer. */
async function pushOf(externalOrderId: string, change: Record<string, unknown> = {}): Promise<GroupedPush> {
  const input = judgmentToStore(receivedPush({ ...specExample(), externalOrderId, ...change }), []);
  return { input, encoded: await encodeBody(input.push.body) };
}

describe('group commit options', () => {
  it('default to 32 pushes per group and DEFAULT_IN_FLIGHT groups in flight', () => {
    expect(groupCommitOptions({})).toEqual({ maxPushes: 32, maxBytes: 2_000_000, maxInFlight: DEFAULT_IN_FLIGHT });
    expect(DEFAULT_IN_FLIGHT).toBe(2);
  });

  it('take GROUP_COMMIT_MAX_PUSHES and GROUP_COMMIT_IN_FLIGHT from the environment', () => {
    expect(groupCommitOptions({ GROUP_COMMIT_MAX_PUSHES: '1', GROUP_COMMIT_IN_FLIGHT: '6' })).toMatchObject({ maxPushes: 1, maxInFlight: 6 });
  });

  it('refuse a value that is not a positive integer, naming the variable', () => {
    expect(() => groupCommitOptions({ GROUP_COMMIT_IN_FLIGHT: '0' })).toThrow(/GROUP_COMMIT_IN_FLIGHT must be a positive integer/);
    expect(() => groupCommitOptions({ GROUP_COMMIT_MAX_PUSHES: '2.5' })).toThrow(/GROUP_COMMIT_MAX_PUSHES must be a positive integer/);
  });
});

mysqlOnly('group commit of concurrent pushes on mysql', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let url: string;
  beforeEach(async () => {
    let db;
    ({ db, dataSource, close } = await openMigratedDatabase('mysql'));
    url = db.url;
  });
  afterEach(() => close());

  const workOrders = () => dataSource.getRepository(WorkOrder).count();

  it('commits the pushes that wait while a group is in flight as one group', async () => {
    const committer = new GroupCommit(dataSource, ONE_AT_A_TIME);
    const pushes = await Promise.all(Array.from({ length: 20 }, (_, i) => pushOf(`GROUP-${i}`)));
    const results = await Promise.all(pushes.map((p) => committer.store(p)));
    expect(results.map((r) => r?.kind)).toEqual(Array(20).fill('created'));
    expect(new Set(results.map((r) => r!.workOrderId)).size).toBe(20);
    expect(await workOrders()).toBe(20);
    expect(committer.groups).toBe(2); // the first push alone, at once; the 19 that waited for it together
  });

  it('sends a push at once and alone when no group is in flight', async () => {
    const committer = new GroupCommit(dataSource, ONE_AT_A_TIME);
    for (let i = 0; i < 3; i++) expect((await committer.store(await pushOf(`ALONE-${i}`)))?.kind).toBe('created');
    expect(committer.groups).toBe(3);
  });

  it('caps a group at maxPushes', async () => {
    const committer = new GroupCommit(dataSource, { ...ONE_AT_A_TIME, maxPushes: 5 });
    const pushes = await Promise.all(Array.from({ length: 13 }, (_, i) => pushOf(`CAP-${i}`)));
    await Promise.all(pushes.map((p) => committer.store(p)));
    expect(committer.groups).toBe(1 + 3); // 1, then 5 + 5 + 2
    expect(await workOrders()).toBe(13);
  });

  it('gives two pushes of one identity in one group one work order: the second finds the first', async () => {
    const committer = new GroupCommit(dataSource, ONE_AT_A_TIME);
    const [first, a, changedA] = await Promise.all([pushOf('OTHER'), pushOf('SAME'), pushOf('SAME', { bizType: 'CHANGED' })]);
    const [, stored, again] = await Promise.all([committer.store(first), committer.store(a), committer.store(changedA)]);
    expect(stored).toEqual({ kind: 'created', workOrderId: expect.any(Number) });
    expect(again).toEqual({ kind: 'exists', workOrderId: stored!.workOrderId, latestRevision: 1, latestContentHash: a.input.contentHash });
    expect(await workOrders()).toBe(2);
  });

  it('fails only the push that cannot be stored; the others of its group are stored', async () => {
    const committer = new GroupCommit(dataSource, ONE_AT_A_TIME);
    const pushes = await Promise.all(Array.from({ length: 6 }, (_, i) => pushOf(`MIXED-${i}`)));
    const bad = pushes[3];
    bad.input = { ...bad.input, columns: { ...bad.input.columns, currency: 'NOT-A-CURRENCY' } }; // longer than its column
    const settled = await Promise.allSettled(pushes.map((p) => committer.store(p)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await workOrders()).toBe(5);
  });

  it('stores each identity once when two instances group the same pushes at the same time', async () => {
    const instances = [new GroupCommit(dataSource, { ...ONE_AT_A_TIME, maxInFlight: 2 }), new GroupCommit(dataSource, { ...ONE_AT_A_TIME, maxInFlight: 2 })];
    const ids = Array.from({ length: 30 }, (_, i) => `RACE-${i}`);
    const results = await Promise.all(instances.map(async (committer) => Promise.all((await Promise.all(ids.map((id) => pushOf(id)))).map((p) => committer.store(p)))));
    expect(await workOrders()).toBe(30);
    for (const [i] of ids.entries()) {
      const kinds = results.map((r) => r[i]?.kind ?? 'lost-race').sort();
      // One instance created it; the other found it, or lost the race (storeJudgment then takes the locking path).
      expect([['created', 'exists'], ['created', 'lost-race']]).toContainEqual(kinds);
    }
  });

  it('answers a push that lost the race to a parallel push of the same judgment from a plain read, not waiting for the work order\'s lock', async () => {
    const { input } = await pushOf('RACED');
    const [winner, locker, watcher] = await Promise.all([0, 1, 2].map(() => createConnection({ uri: url })));
    try {
      // A parallel first push of the same judgment, not committed yet: this push's conditional insert waits for its unique key.
      const row = (await pushOf('RACED')).input;
      const firstInsert = fastInsert(dataSource, WorkOrder).statement(newWorkOrderRow(row));
      await winner.query('START TRANSACTION');
      await winner.query(firstInsert.sql, firstInsert.params);
      const answer = storeJudgment(dataSource, input);
      await untilLockWaits(watcher, 1);
      // A revision of that work order, queued behind both for the row's lock, which it holds until this test lets go.
      await locker.query('START TRANSACTION');
      const locked = locker.query('SELECT id FROM work_order WHERE identityKey = ? FOR UPDATE', [row.identityKey]);
      await untilLockWaits(watcher, 2);
      await winner.query('COMMIT'); // this push now loses the race: ER_DUP_ENTRY
      await locked;

      const settled = await Promise.race([answer, new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000))]);
      const [[stored]] = await watcher.query<RowDataPacket[]>('SELECT id FROM work_order WHERE identityKey = ?', [row.identityKey]);
      expect(settled).toEqual({ workOrderId: Number(stored.id), revision: 1, outcome: 'duplicate' });
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([winner, locker, watcher].map((c) => c.end()));
    }
  });
});
