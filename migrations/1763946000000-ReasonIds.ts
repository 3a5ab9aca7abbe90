import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The id and params of a claim event's reason, of a claim's lastError and of an attempt's error
 * (src/claims/claim-reasons.ts), so the finance page words them in the reader's language; rows written
 * before stay null and show their text.
 */
export class ReasonIds1763946000000 implements MigrationInterface {
  name = 'ReasonIds1763946000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('claim_event', [
      new TableColumn({ name: 'reasonId', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'reasonParams', type: 'text', isNullable: true }),
    ]);
    await queryRunner.addColumns('claim', [
      new TableColumn({ name: 'lastErrorId', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'lastErrorParams', type: 'text', isNullable: true }),
    ]);
    await queryRunner.addColumns('claim_attempt', [
      new TableColumn({ name: 'errorId', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'errorParams', type: 'text', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('claim_attempt', 'errorParams');
    await queryRunner.dropColumn('claim_attempt', 'errorId');
    await queryRunner.dropColumn('claim', 'lastErrorParams');
    await queryRunner.dropColumn('claim', 'lastErrorId');
    await queryRunner.dropColumn('claim_event', 'reasonParams');
    await queryRunner.dropColumn('claim_event', 'reasonId');
  }
}
