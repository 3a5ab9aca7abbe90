import type { DataSource } from 'typeorm';
import { Claim } from '../../src/entities';
import { openMigratedDatabase, TEST_DATABASES, undoMigrationsThrough } from '../support/databases';

/**
 * The migration that keeps on each claim what its statement lines settle, on a database that holds lines
 * already: each claim gets the sum and latest time of the lines of its platform, platformClaimId and
 * currency; lines of another currency or platform, and claims without a platform id, count nothing.
 */
describe.each(TEST_DATABASES)('the claim settled-total migration over stored lines on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  const claimRow = (id: number, platformClaimId: string | null) =>
    `(${id}, ${id}, 'refund', 'appintf', 'accepted', 1, 8990, 'CNY', '{}', ${platformClaimId === null ? 'NULL' : `'${platformClaimId}'`}, 1, 0, '2026-03-01 00:00:00.000', '2026-03-01 00:00:00.000')`;
  const line = (reference: string, platform: string, platformClaimId: string, amountMinor: number, currency: string, settledAt: string) =>
    `('${platform}', '${reference}', '${platformClaimId}', ${amountMinor}, '${currency}', '${settledAt}', '2026-03-05 00:00:00.000', 'fin-op', '${'0'.repeat(64)}')`;

  beforeAll(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
    await undoMigrationsThrough(dataSource, 'ClaimSettledTotal1763945000000');
    await dataSource.query(
      'INSERT INTO claim (id, workOrderId, route, platform, status, revision, amountMinor, currency, fields, platformClaimId, attempts, mayExistOnPlatform, createdAt, updatedAt) VALUES '
        + [claimRow(1, 'R-1'), claimRow(2, 'R-2'), claimRow(3, null)].join(', '),
    );
    await dataSource.query(
      'INSERT INTO settlement (platform, reference, platformClaimId, amountMinor, currency, settledAt, importedAt, importedBy, fileSha256) VALUES '
        + [
          line('L-1', 'appintf', 'R-1', 8000, 'CNY', '2026-03-01 10:00:00.000'),
          line('L-2', 'appintf', 'R-1', 990, 'CNY', '2026-03-02 10:00:00.000'),
          line('L-3', 'appintf', 'R-1', 500, 'USD', '2026-03-03 10:00:00.000'),
          line('L-4', 'glitzcloud', 'R-2', 8990, 'CNY', '2026-03-01 10:00:00.000'),
        ].join(', '),
    );
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(() => close());

  const settled = async (id: number) => {
    const c = await dataSource.getRepository(Claim).findOneByOrFail({ id });
    return [c.settledAmountMinor, c.settledAt?.toISOString() ?? null];
  };

  it('gives a claim the sum and latest time of the lines of its platform, platformClaimId and currency', async () => {
    expect(await settled(1)).toEqual([8990, '2026-03-02T10:00:00.000Z']);
  });

  it("leaves nothing settled on a claim whose id only another platform's lines hold, or that has no platform id", async () => {
    expect([await settled(2), await settled(3)]).toEqual([[null, null], [null, null]]);
  });
});
