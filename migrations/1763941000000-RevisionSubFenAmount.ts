import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Issue 15: amounts with more than 2 decimals are accepted, rounded half-up to the fen and flagged. Earlier
 * revisions had no such amount, except a claimInfo.claimAmount (in fen) with decimals, which was kept
 * as text with no fen value: those are marked.
 */
export class RevisionSubFenAmount1763941000000 implements MigrationInterface {
  name = 'RevisionSubFenAmount1763941000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('judgment_revision', new TableColumn({ name: 'subFenAmount', type: 'boolean', default: 0 }));
    await queryRunner.query('UPDATE judgment_revision SET subFenAmount = 1 WHERE claimInfoClaimAmountText IS NOT NULL AND claimInfoClaimAmountFen IS NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('judgment_revision', 'subFenAmount');
  }
}
