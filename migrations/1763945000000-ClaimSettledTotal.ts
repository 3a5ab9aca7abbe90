import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { utcColumn } from './columns';

/**
 * Issue 17: each claim keeps what its statement lines settle (sum and latest time), so the reconciliation
 * view reads the claims' index alone instead of joining every line to its claim. Filled from the lines
 * stored so far; the reconciliation index gains the settled amount.
 */
export class ClaimSettledTotal1763945000000 implements MigrationInterface {
  name = 'ClaimSettledTotal1763945000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('claim', [
      new TableColumn({ name: 'settledAmountMinor', type: 'bigint', isNullable: true }),
      new TableColumn(utcColumn('settledAt', true)),
    ]);
    const lines = 'FROM settlement s WHERE s.platform = claim.platform AND s.platformClaimId = claim.platformClaimId AND s.currency = claim.currency';
    await queryRunner.query(`UPDATE claim SET settledAmountMinor = (SELECT SUM(s.amountMinor) ${lines}), settledAt = (SELECT MAX(s.settledAt) ${lines}) WHERE platformClaimId IS NOT NULL`);
    await queryRunner.dropIndex('claim', 'IDX_claim_reconciliation');
    await queryRunner.createIndex('claim', new TableIndex({
      name: 'IDX_claim_reconciliation', columnNames: ['platform', 'currency', 'status', 'amountMinor', 'acceptedAmountMinor', 'settledAmountMinor'],
    }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('claim', 'IDX_claim_reconciliation');
    await queryRunner.createIndex('claim', new TableIndex({ name: 'IDX_claim_reconciliation', columnNames: ['platform', 'currency', 'status', 'amountMinor', 'acceptedAmountMinor'] }));
    await queryRunner.dropColumns('claim', ['settledAmountMinor', 'settledAt']);
  }
}
