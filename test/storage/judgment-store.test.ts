import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { claimPlannerFor } from '../../src/claims/sync-claims';
import { recordJudgment } from '../../src/commands/record-judgment';
import { parseConfig } from '../../src/config/load';
import { Claim, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../../src/entities';
import { judgmentToStore } from '../../src/handlers/danniao-judge.handler';
import { newWorkOrderRow } from '../../src/storage/judgments/judgment';
import { DEFAULT_IN_FLIGHT, type GroupCommitOptions, groupCommitOptions, JudgmentStore } from '../../src/storage/judgments/judgment-store';
import type { JudgmentWrite } from '../../src/storage/judgments/write-judgments';
import { encodeBody } from '../../src/storage/raw-push-store';
import { rowInsert } from '../../src/storage/row-insert';
import { type CommitTrapProxy, openTrappedDatabase } from '../support/commit-trap-proxy';
import { openMigratedDatabase, TEST_DATABASES } from '../support/databases';
import { untilLockWaits } from '../support/innodb-locks';
import { specExample, TEST_APP } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

const ONE_AT_A_TIME: GroupCommitOptions = { maxPushes: 32, maxBytes: 2_000_000, maxInFlight: 1 };

/** One route: every established judgment calls for a claim on Glitzcloud. */
const ROUTES = parseConfig({
  qimen: { apps: [TEST_APP] },
  platforms: { glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' } },
  routes: [{ name: 'loss', platform: 'glitzcloud', when: { established: true }, fields: { connect_order_sn: '{logisticsOrderNo}' } }],
}).routes;

/** The spec's example as the push of `externalOrderId`, with its claim rules, ready for the store. */
async function pushOf(externalOrderId: string, change: Record<string, unknown> = {}): Promise<JudgmentWrite> {
  const input = judgmentToStore(receivedPush({ ...specExample(), externalOrderId, ...change }), ROUTES);
  const planClaims = claimPlannerFor(ROUTES, { currency: input.columns.currency, judgment: input.judgment, at: input.push.receivedAt });
  return { input, encoded: await encodeBody(input.push.body), planClaims };
}

const T0 = Date.UTC(2026, 2, 1, 2, 0, 0);

/** The push of `externalOrderId` judging `claimAmount`, stamped by Qimen `second` seconds after T0. */
async function stamped(externalOrderId: string, claimAmount: number, second: number): Promise<JudgmentWrite> {
  const write = await pushOf(externalOrderId, { judgeResult: { ...specExample().judgeResult, claimAmount } });
  return { ...write, input: { ...write.input, pushedAt: new Date(T0 + second * 1000) } };
}

/** Every work order has its revisions, raw pushes and claims (one per revision's route), each claim its event. */
async function expectComplete(dataSource: DataSource, workOrders: number): Promise<void> {
  const count = (entity: Parameters<DataSource['getRepository']>[0]) => dataSource.getRepository(entity).count();
  expect(await count(WorkOrder)).toBe(workOrders);
  expect(await count(JudgmentRevision)).toBe(workOrders);
  expect(await count(RawPush)).toBe(workOrders);
  expect(await count(Claim)).toBe(workOrders);
  expect(await count(ClaimEvent)).toBe(workOrders);
  const revisions = await dataSource.getRepository(JudgmentRevision).find();
  const rawPushes = new Set((await dataSource.getRepository(RawPush).find({ select: { id: true } })).map((r) => r.id));
  expect(revisions.every((r) => rawPushes.has(r.rawPushId))).toBe(true);
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

describe.each(TEST_DATABASES)('group commit of concurrent pushes on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterEach(() => close());

  it('commits the pushes that wait while a group is in flight as one group, each with all its rows', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const pushes = await Promise.all(Array.from({ length: 20 }, (_, i) => pushOf(`GROUP-${i}`)));
    const results = await Promise.all(pushes.map((p) => store.store(p)));
    expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('created'));
    expect(new Set(results.map((r) => r.workOrderId)).size).toBe(20);
    expect(store.groups).toBe(2); // the first push alone, at once; the 19 that waited for it together
    await expectComplete(dataSource, 20);
  });

  it('answers each push of a group with the work order its own identity got', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const pushes = await Promise.all(Array.from({ length: 8 }, (_, i) => pushOf(`OWN-${i}`)));
    const results = await Promise.all(pushes.map((p) => store.store(p)));
    const stored = new Map((await dataSource.getRepository(WorkOrder).find()).map((w) => [w.externalOrderId, w.id]));
    results.forEach((r, i) => expect(r.workOrderId).toBe(stored.get(`OWN-${i}`)));
    const claims = await dataSource.getRepository(Claim).find();
    const revisions = await dataSource.getRepository(JudgmentRevision).find();
    for (const r of results) {
      expect(claims.filter((c) => c.workOrderId === r.workOrderId)).toHaveLength(1);
      expect(revisions.filter((v) => v.workOrderId === r.workOrderId)).toHaveLength(1);
    }
  });

  it('sends a push at once and alone when no group is in flight', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    for (let i = 0; i < 3; i++) expect((await store.store(await pushOf(`ALONE-${i}`))).outcome).toBe('created');
    expect(store.groups).toBe(3);
  });

  it('caps a group at maxPushes', async () => {
    const store = new JudgmentStore(dataSource, { ...ONE_AT_A_TIME, maxPushes: 5 });
    const pushes = await Promise.all(Array.from({ length: 13 }, (_, i) => pushOf(`CAP-${i}`)));
    await Promise.all(pushes.map((p) => store.store(p)));
    expect(store.groups).toBe(1 + 3); // 1, then 5 + 5 + 2
    await expectComplete(dataSource, 13);
  });

  it('stores two waiting pushes of one identity one after the other: one work order, the second its revision', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const [first, a, changedA] = await Promise.all([pushOf('OTHER'), pushOf('SAME'), pushOf('SAME', { bizType: 'CHANGED' })]);
    const [, stored, again] = await Promise.all([store.store(first), store.store(a), store.store(changedA)]);
    expect(stored).toEqual({ workOrderId: expect.any(Number), revision: 1, outcome: 'created' });
    expect(again).toEqual({ workOrderId: stored.workOrderId, revision: 2, outcome: 'revised' });
    expect(await dataSource.getRepository(WorkOrder).count()).toBe(2);
    expect(await dataSource.getRepository(JudgmentRevision).countBy({ workOrderId: stored.workOrderId })).toBe(2);
  });

  it('answers a push equal to the latest revision as a duplicate in a group, writing nothing', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const first = await store.store(await pushOf('DUP'));
    const results = await Promise.all([store.store(await pushOf('NEW-1')), store.store(await pushOf('DUP')), store.store(await pushOf('NEW-2'))]);
    expect(results[1]).toEqual({ workOrderId: first.workOrderId, revision: 1, outcome: 'duplicate' });
    await expectComplete(dataSource, 3);
  });

  it('fails only the push that cannot be stored; the others of its group are stored', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const pushes = await Promise.all(Array.from({ length: 6 }, (_, i) => pushOf(`MIXED-${i}`)));
    const bad = pushes[3];
    bad.input = { ...bad.input, columns: { ...bad.input.columns, currency: null as unknown as string } }; // a NOT NULL column
    const settled = await Promise.allSettled(pushes.map((p) => store.store(p)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    await expectComplete(dataSource, 5);
  });

  it('answers look-ups of one identity waiting together in one group', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const known = await store.store(await pushOf('LOOKED-UP'));
    const identity = (await pushOf('LOOKED-UP')).input.identityKey;
    const groupsBefore = store.groups;
    const found = await Promise.all(Array.from({ length: 10 }, () => store.lookUp(identity)));
    expect(found.map((f) => f?.id)).toEqual(Array(10).fill(known.workOrderId));
    expect(store.groups - groupsBefore).toBe(2); // the first alone, at once; the nine that waited for it together
  });

  it('answers look-ups grouped with pushes: the committed work order, or null', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const known = await store.store(await pushOf('KNOWN'));
    const [, found, none] = await Promise.all([store.store(await pushOf('W')), store.lookUp((await pushOf('KNOWN')).input.identityKey), store.lookUp('no-such-identity')]);
    expect(found).toMatchObject({ id: known.workOrderId, latestRevision: 1 });
    expect(none).toBeNull();
  });
});

describe.each(TEST_DATABASES)('revisions ordered by the push\'s Qimen timestamp on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterEach(() => close());

  const workOrderOf = (id: number) => dataSource.getRepository(WorkOrder).findOneByOrFail({ id });

  it('stores a push stamped earlier than the latest revision as an out-of-order revision: the work order and its claims stay at the latest', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    await store.store(await stamped('ORDER', 100, 0));
    const b = await store.store(await stamped('ORDER', 500, 60));
    const claimsBefore = await dataSource.getRepository(Claim).find();

    const late = await store.store(await stamped('ORDER', 300, 30));

    expect(late).toEqual({ workOrderId: b.workOrderId, revision: 3, outcome: 'out-of-order' });
    expect(await workOrderOf(b.workOrderId)).toMatchObject({ latestRevision: 2, revisionCount: 3, outOfOrderCount: 1, latestPushedAt: new Date(T0 + 60_000) });
    const revisions = await dataSource.getRepository(JudgmentRevision).find({ order: { revision: 'ASC' } });
    expect(revisions.map((r) => [r.revision, r.claimAmountMinor, r.outOfOrder, r.pushedAt.getTime() - T0])).toEqual([
      [1, 10000, false, 0], [2, 50000, false, 60_000], [3, 30000, true, 30_000],
    ]);
    expect(await dataSource.getRepository(Claim).find()).toEqual(claimsBefore);
    expect(await dataSource.getRepository(RawPush).count()).toBe(3);
  });

  it('numbers the next revision after the out-of-order one and makes it the latest', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    await store.store(await stamped('NEXT', 500, 60));
    await store.store(await stamped('NEXT', 300, 30));
    const next = await store.store(await stamped('NEXT', 700, 90));
    expect(next).toMatchObject({ revision: 3, outcome: 'revised' });
    expect(await workOrderOf(next.workOrderId)).toMatchObject({ latestRevision: 3, revisionCount: 3, outOfOrderCount: 1 });
    expect((await dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: next.workOrderId })).revision).toBe(3);
  });

  it('answers a push equal to an earlier revision and stamped no later than the latest as a replay, writing nothing', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    await store.store(await stamped('REPLAY', 300, 0));
    const b = await store.store(await stamped('REPLAY', 500, 60));
    await store.store(await stamped('REPLAY', 200, 30)); // out of order, then replayed too
    const counts = async () => [await dataSource.getRepository(JudgmentRevision).count(), await dataSource.getRepository(RawPush).count(), await dataSource.getRepository(ClaimEvent).count()];
    const before = await counts();

    for (const [amount, second] of [[300, 0], [300, 60], [200, 30], [200, 45]]) {
      expect(await store.store(await stamped('REPLAY', amount, second))).toEqual({ workOrderId: b.workOrderId, revision: 2, outcome: 'replay' });
    }
    expect(await counts()).toEqual(before);
  });

  it('answers a push equal to the latest revision as a duplicate whenever it was stamped', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    const a = await store.store(await stamped('SAME', 300, 60));
    for (const second of [0, 60, 120]) expect(await store.store(await stamped('SAME', 300, second))).toEqual({ workOrderId: a.workOrderId, revision: 1, outcome: 'duplicate' });
    expect(await workOrderOf(a.workOrderId)).toMatchObject({ latestPushedAt: new Date(T0 + 60_000) });
  });

  it('places each push of one group on its own: a new work order, a new latest, an out-of-order revision and a replay', async () => {
    const store = new JudgmentStore(dataSource, ONE_AT_A_TIME);
    await Promise.all([store.store(await stamped('G-LATEST', 100, 30)), store.store(await stamped('G-LATE', 100, 30)), store.store(await stamped('G-REPLAY', 100, 0))]);
    await store.store(await stamped('G-REPLAY', 500, 30));
    const groupsBefore = store.groups;

    const results = await Promise.all([
      store.store(await stamped('OTHER', 100, 0)), // the first of the group goes alone
      store.store(await stamped('G-NEW', 100, 0)),
      store.store(await stamped('G-LATEST', 200, 60)),
      store.store(await stamped('G-LATE', 200, 10)),
      store.store(await stamped('G-REPLAY', 100, 20)),
    ]);

    expect(store.groups - groupsBefore).toBe(2);
    expect(results.map((r) => [r.outcome, r.revision])).toEqual([['created', 1], ['created', 1], ['revised', 2], ['out-of-order', 2], ['replay', 2]]);
    const late = await workOrderOf(results[3].workOrderId);
    expect([late.latestRevision, late.revisionCount, late.outOfOrderCount]).toEqual([1, 2, 1]);
  });
});

const mysqlOnly = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

mysqlOnly('group commit against parallel writers on mysql', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let url: string;
  beforeEach(async () => {
    ({ db: { url }, dataSource, close } = await openMigratedDatabase('mysql'));
  });
  afterEach(() => close());

  it('stores each identity once when two instances group the same pushes at the same time', async () => {
    const instances = [new JudgmentStore(dataSource, { ...ONE_AT_A_TIME, maxInFlight: 2 }), new JudgmentStore(dataSource, { ...ONE_AT_A_TIME, maxInFlight: 2 })];
    const ids = Array.from({ length: 30 }, (_, i) => `RACE-${i}`);
    const results = await Promise.all(instances.map(async (store) => Promise.all((await Promise.all(ids.map((id) => pushOf(id)))).map((p) => store.store(p)))));
    await expectComplete(dataSource, 30);
    for (const [i] of ids.entries()) {
      expect(results.map((r) => r[i].outcome).sort()).toEqual(['created', 'duplicate']);
      expect(results[0][i].workOrderId).toBe(results[1][i].workOrderId);
    }
  });

  it('answers a push that lost the race to a parallel push of the same judgment from a plain read, not waiting for the work order\'s lock', async () => {
    const push = await pushOf('RACED');
    const [winner, locker, watcher] = await Promise.all([0, 1, 2].map(() => createConnection({ uri: url })));
    try {
      // A parallel first push of the same judgment, not committed yet: this push's insert waits for its unique key.
      const firstInsert = rowInsert(dataSource, WorkOrder).statement([newWorkOrderRow(push.input)]);
      await winner.query('START TRANSACTION');
      await winner.query(firstInsert.sql, firstInsert.params);
      const answer = recordJudgment(dataSource, push.input as Parameters<typeof recordJudgment>[1]);
      await untilLockWaits(watcher, 1);
      // A revision of that work order, queued behind both for the row's lock, which it holds until this test lets go.
      await locker.query('START TRANSACTION');
      const locked = locker.query('SELECT id FROM work_order WHERE identityKey = ? FOR UPDATE', [push.input.identityKey]);
      await untilLockWaits(watcher, 2);
      await winner.query('COMMIT'); // this push now loses the race: ER_DUP_ENTRY
      await locked;

      const settled = await Promise.race([answer, new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000))]);
      const [[stored]] = await watcher.query<RowDataPacket[]>('SELECT id FROM work_order WHERE identityKey = ?', [push.input.identityKey]);
      expect(settled).toEqual({ workOrderId: Number(stored.id), revision: 1, outcome: 'duplicate' });
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([winner, locker, watcher].map((c) => c.end()));
    }
  });
});

mysqlOnly('a group whose connection breaks at COMMIT on mysql', () => {
  let direct: DataSource;
  let proxied: DataSource;
  let proxy: CommitTrapProxy;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource: direct, proxied, proxy, close } = await openTrappedDatabase());
  });
  afterEach(() => close());

  /** Twelve pushes: one alone, then the eleven that waited for it in one group, whose COMMIT (the second) meets the trap. */
  async function pushThroughTrap(trap: 'lose-answer' | 'drop-before') {
    const store = new JudgmentStore(proxied, ONE_AT_A_TIME);
    const pushes = await Promise.all(Array.from({ length: 12 }, (_, i) => pushOf(`TRAP-${i}`)));
    proxy.arm(trap, 1);
    const settled = await Promise.allSettled(pushes.map((p) => store.store(p)));
    expect(proxy.sprung).toBe(1);
    return settled;
  }

  it('answers every push of a group whose COMMIT answer was lost as stored, each found committed with all its rows', async () => {
    const settled = await pushThroughTrap('lose-answer');
    expect(settled.map((s) => s.status)).toEqual(Array(12).fill('fulfilled'));
    const stored = new Map((await direct.getRepository(WorkOrder).find()).map((w) => [w.externalOrderId, w.id]));
    settled.forEach((s, i) => expect((s as PromiseFulfilledResult<{ workOrderId: number }>).value.workOrderId).toBe(stored.get(`TRAP-${i}`)));
    await expectComplete(direct, 12);
  });

  it('answers an out-of-order push and a replay of a group whose COMMIT answer was lost as stored once, found committed', async () => {
    const store = new JudgmentStore(proxied, ONE_AT_A_TIME);
    await store.store(await stamped('LOST', 500, 60));
    await store.store(await stamped('LOST-REPLAY', 100, 0));
    await store.store(await stamped('LOST-REPLAY', 500, 60));
    proxy.arm('lose-answer', 1);
    const settled = await Promise.all([
      store.store(await stamped('TRAP-ALONE', 100, 0)),
      store.store(await stamped('LOST', 300, 30)),
      store.store(await stamped('LOST-REPLAY', 100, 30)),
    ]);
    expect(proxy.sprung).toBe(1);
    expect(settled.map((r) => [r.outcome, r.revision])).toEqual([['created', 1], ['out-of-order', 2], ['replay', 2]]);
    const lost = await direct.getRepository(WorkOrder).findOneByOrFail({ id: settled[1].workOrderId });
    expect([lost.latestRevision, lost.revisionCount, lost.outOfOrderCount]).toEqual([1, 2, 1]);
    expect(await direct.getRepository(JudgmentRevision).countBy({ workOrderId: settled[2].workOrderId })).toBe(2);
  });

  it('stores again a push alone whose connection broke before its COMMIT arrived, and answers it stored', async () => {
    const store = new JudgmentStore(proxied, ONE_AT_A_TIME);
    proxy.arm('drop-before', 0);
    const stored = await store.store(await pushOf('TRAP-LONE'));
    expect(proxy.sprung).toBe(1);
    expect(stored.outcome).toBe('created');
    expect((await direct.getRepository(WorkOrder).findOneByOrFail({ externalOrderId: 'TRAP-LONE' })).id).toBe(stored.workOrderId);
    await expectComplete(direct, 1);
  });

  it('stores again, one by one, the pushes of a group whose connection broke before its COMMIT arrived', async () => {
    const settled = await pushThroughTrap('drop-before');
    expect(settled.map((s) => s.status)).toEqual(Array(12).fill('fulfilled'));
    expect(settled.map((s) => (s as PromiseFulfilledResult<{ outcome: string }>).value.outcome)).toEqual(Array(12).fill('created'));
    await expectComplete(direct, 12);
  });
});
