import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Issue 15 (`claim-outdated`): what the latest revision calls for on each claim's route. Existing claims
 * start as called for exactly as they are (their own amount and currency); the next revision of their
 * work order records what it calls for.
 */
export class ClaimPlanned1763937000000 implements MigrationInterface {
  name = 'ClaimPlanned1763937000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('claim', [
      new TableColumn({ name: 'plannedMatches', type: 'boolean', default: 1 }),
      new TableColumn({ name: 'plannedAmountMinor', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'plannedCurrency', type: 'varchar', length: '3', isNullable: true }),
    ]);
    await queryRunner.query('UPDATE claim SET plannedAmountMinor = amountMinor, plannedCurrency = currency');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['plannedCurrency', 'plannedAmountMinor', 'plannedMatches']) await queryRunner.dropColumn('claim', column);
  }
}
