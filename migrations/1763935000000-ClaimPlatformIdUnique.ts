import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 15: one platform record belongs to at most one claim. The (platform, platformClaimId) index
 * becomes unique; NULL (not known yet) may repeat, in SQLite and MariaDB alike.
 *
 * Claims that already share a record (the appintf look-up used to adopt any refund of an order) are
 * untangled first: the earliest claim keeps the record, each later one has its platformClaimId cleared,
 * with lastError and a claim event naming the record and its holder, so the status poll looks for the
 * claim's own record (appintf) and finance sees what happened.
 */
export class ClaimPlatformIdUnique1763935000000 implements MigrationInterface {
  name = 'ClaimPlatformIdUnique1763935000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const shared: Array<{ id: number | string; platformClaimId: string; status: string; keeper: number | string }> = await queryRunner.query(
      `SELECT c.id, c.platformClaimId, c.status,
              (SELECT MIN(o.id) FROM claim o WHERE o.platform = c.platform AND o.platformClaimId = c.platformClaimId) AS keeper
         FROM claim c
        WHERE c.platformClaimId IS NOT NULL
          AND EXISTS (SELECT 1 FROM claim o WHERE o.platform = c.platform AND o.platformClaimId = c.platformClaimId AND o.id < c.id)`,
    );
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const row of shared) {
      const reason = `platformClaimId ${row.platformClaimId} is held by claim ${row.keeper}, filed earlier: cleared, as one platform record belongs to one claim`;
      await queryRunner.query('UPDATE claim SET platformClaimId = NULL, lastError = ?, updatedAt = ? WHERE id = ?', [reason, now, row.id]);
      await queryRunner.query(
        'INSERT INTO claim_event (claimId, fromStatus, toStatus, source, reason, payload, createdAt) VALUES (?, ?, ?, ?, ?, NULL, ?)',
        [row.id, row.status, row.status, 'migration', reason, now],
      );
    }
    await queryRunner.dropIndex('claim', 'IDX_claim_platform_id');
    await queryRunner.createIndex('claim', new TableIndex({ name: 'UQ_claim_platform_id', columnNames: ['platform', 'platformClaimId'], isUnique: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('claim', 'UQ_claim_platform_id');
    await queryRunner.createIndex('claim', new TableIndex({ name: 'IDX_claim_platform_id', columnNames: ['platform', 'platformClaimId'] }));
  }
}
