import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { idColumn, utcColumn as utc } from './columns';

/** Issue 17: the lines of the platforms' statements (what was actually paid per claim record). */
export class Settlement1763942000000 implements MigrationInterface {
  name = 'Settlement1763942000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: 'settlement',
      columns: [
        idColumn,
        { name: 'platform', type: 'varchar', length: '16' },
        { name: 'reference', type: 'varchar', length: '128' },
        { name: 'platformClaimId', type: 'varchar', length: '128' },
        { name: 'amountMinor', type: 'bigint' },
        { name: 'currency', type: 'varchar', length: '3' },
        utc('settledAt'), utc('importedAt'),
        { name: 'importedBy', type: 'varchar', length: '128' },
        { name: 'fileSha256', type: 'varchar', length: '64' },
      ],
    }));
    await queryRunner.createIndex('settlement', new TableIndex({ name: 'UQ_settlement_reference', columnNames: ['platform', 'reference'], isUnique: true }));
    await queryRunner.createIndex('settlement', new TableIndex({ name: 'IDX_settlement_claim', columnNames: ['platform', 'platformClaimId'] }));
    await queryRunner.createIndex('settlement', new TableIndex({ name: 'IDX_settlement_settled', columnNames: ['settledAt'] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('settlement');
  }
}
