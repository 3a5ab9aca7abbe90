import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 17: the reconciliation view sums every claim per platform, currency and status; this index holds
 * those columns and the amounts in that order, so the sums are read from it in order (no table rows, no
 * temporary table).
 */
export class ClaimReconciliationIndex1763944000000 implements MigrationInterface {
  name = 'ClaimReconciliationIndex1763944000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('claim', new TableIndex({ name: 'IDX_claim_reconciliation', columnNames: ['platform', 'currency', 'status', 'amountMinor', 'acceptedAmountMinor'] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('claim', 'IDX_claim_reconciliation');
  }
}
