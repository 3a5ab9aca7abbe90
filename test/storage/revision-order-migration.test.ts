import type { DataSource } from 'typeorm';
import { JudgmentRevision, WorkOrder } from '../../src/entities';
import { openMigratedDatabase, TEST_DATABASES, undoMigrationsThrough } from '../support/databases';

/**
 * The migration that orders revisions by Qimen's timestamp, on a database that holds revisions already:
 * each revision's push time is its arrival time, and each work order is at its latest revision, with as
 * many revisions and none out of order.
 */
describe.each(TEST_DATABASES)('the revision order migration over stored revisions on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
    await undoMigrationsThrough(dataSource, 'RevisionOrder1763940000000');
    await dataSource.query(
      'INSERT INTO work_order (id, identityKey, tenantId, externalOrderId, receivedAt, latestRevision, latestContentHash, responsibilityParty, updatedAt) VALUES '
        + "(1, 'identity-1', 'T', 'ORDER-1', '2026-03-01 02:00:00.000', 2, 'hash-2', 'WAREHOUSE', '2026-03-01 02:05:00.250')",
    );
    await dataSource.query(
      'INSERT INTO judgment_revision (id, workOrderId, revision, rawPushId, receivedAt, contentHash, currency, packageCount) VALUES '
        + "(1, 1, 1, 0, '2026-03-01 02:00:00.000', 'hash-1', 'CNY', 0), (2, 1, 2, 0, '2026-03-01 02:05:00.250', 'hash-2', 'CNY', 0)",
    );
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(() => close());

  it('gives each stored revision its arrival time as its push time, none out of order', async () => {
    const revisions = await dataSource.getRepository(JudgmentRevision).find({ order: { revision: 'ASC' } });
    expect(revisions.map((r) => [r.revision, r.pushedAt.toISOString(), r.outOfOrder])).toEqual([
      [1, '2026-03-01T02:00:00.000Z', false], [2, '2026-03-01T02:05:00.250Z', false],
    ]);
  });

  it('keeps each work order at its latest revision, pushed when it arrived, with as many revisions as its number', async () => {
    const workOrder = await dataSource.getRepository(WorkOrder).findOneByOrFail({ id: 1 });
    expect(workOrder).toMatchObject({ latestRevision: 2, revisionCount: 2, outOfOrderCount: 0 });
    expect(workOrder.latestPushedAt.toISOString()).toBe('2026-03-01T02:05:00.250Z');
  });
});
