import type { DataSource } from 'typeorm';
import { Claim, ClaimEvent } from '../../src/entities';
import { openMigratedDatabase, TEST_DATABASES, undoMigrationsThrough } from '../support/databases';

/** Issue 15: one platform record belongs to at most one claim, and the database itself says so. */
describe.each(TEST_DATABASES)('claims and their platform record ids on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let nextWorkOrder = 1;

  beforeAll(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterAll(() => close());

  const undoThrough = (name: string) => undoMigrationsThrough(dataSource, name);

  /** Inserts one claim of its own work order, holding `platformClaimId`. */
  function insertClaim(platform: string, platformClaimId: string | null) {
    const at = new Date();
    return dataSource.getRepository(Claim).insert({
      workOrderId: nextWorkOrder++, route: `${platform}-route`, platform, status: 'submitted', revision: 1, amountMinor: 4500, acceptedAmountMinor: null,
      currency: 'CNY', fields: '{}', platformClaimId, platformStatus: null, asyncMessageId: null, attempts: 1, lastError: null, nextAttemptAt: null,
      leaseOwner: null, leaseUntil: null, mayExistOnPlatform: false, resentBlindAt: null, nextPollAt: null, pollIntervalSeconds: null, createdAt: at, updatedAt: at,
    });
  }

  /** A claim holding `refundId`, inserted with only the columns the schema had before the unique index. */
  function insertSchemaOfThatTime(refundId: number) {
    const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
    return dataSource.query(
      `INSERT INTO claim (workOrderId, route, platform, status, revision, amountMinor, currency, fields, platformClaimId, attempts, mayExistOnPlatform, createdAt, updatedAt)
       VALUES (?, 'appintf-route', 'appintf', 'submitted', 1, 4500, 'CNY', '{}', ?, 1, 0, ?, ?)`,
      [nextWorkOrder++, String(refundId), at, at],
    );
  }

  it('refuses a second claim of a platform with a platformClaimId another claim holds', async () => {
    await insertClaim('appintf', '900001');
    await expect(insertClaim('appintf', '900001')).rejects.toThrow(/unique|duplicate/i);
  });

  it('takes any number of claims whose platformClaimId is not known yet', async () => {
    await insertClaim('appintf', null);
    await insertClaim('appintf', null);
    await expect(insertClaim('appintf', null)).resolves.toBeDefined();
  });

  it('takes the same id on two platforms', async () => {
    await insertClaim('glitzcloud', 'SO-1');
    await expect(insertClaim('duobaoyu', 'SO-1')).resolves.toBeDefined();
  });

  it('untangles, when migrating, claims that already share a record: the earliest keeps it, the others say so', async () => {
    await undoThrough('ClaimPlatformIdUnique1763935000000');
    await insertSchemaOfThatTime(700001);
    await insertSchemaOfThatTime(700001);
    const [first, second] = (await dataSource.query("SELECT id FROM claim WHERE platformClaimId = '700001' ORDER BY id")).map((r: { id: number | string }) => Number(r.id));
    await dataSource.runMigrations();

    const claims = dataSource.getRepository(Claim);
    expect((await claims.findOneByOrFail({ id: first })).platformClaimId).toBe('700001');
    const cleared = await claims.findOneByOrFail({ id: second });
    expect(cleared.platformClaimId).toBeNull();
    expect(cleared.lastError).toContain(`held by claim ${first}`);
    const event = await dataSource.getRepository(ClaimEvent).findOneByOrFail({ claimId: second });
    expect(event).toMatchObject({ fromStatus: 'submitted', toStatus: 'submitted', source: 'migration' });
  });
});
