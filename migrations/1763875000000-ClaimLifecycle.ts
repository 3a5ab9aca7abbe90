import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { idColumn as id, utcColumn as utc } from './columns';

/** Callback inbox, and the claim's polling schedule. */
export class ClaimLifecycle1763875000000 implements MigrationInterface {
  name = 'ClaimLifecycle1763875000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'callback_inbox',
        columns: [
          id,
          { name: 'platform', type: 'varchar', length: '16' },
          { name: 'dedupeKey', type: 'varchar', length: '200' },
          { name: 'claimId', type: 'integer', isNullable: true },
          utc('receivedAt'),
          { name: 'payload', type: 'text' },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'note', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'UQ_callback_inbox_dedupe', columnNames: ['platform', 'dedupeKey'], isUnique: true }),
          new TableIndex({ name: 'IDX_callback_inbox_outcome', columnNames: ['outcome', 'receivedAt'] }),
        ],
      }),
    );
    await queryRunner.addColumns('claim', [
      new TableColumn(utc('nextPollAt', true)),
      new TableColumn({ name: 'pollIntervalSeconds', type: 'integer', isNullable: true }),
    ]);
    await queryRunner.createIndex('claim', new TableIndex({ name: 'IDX_claim_platform_id', columnNames: ['platform', 'platformClaimId'] }));
    await queryRunner.createIndex('claim', new TableIndex({ name: 'IDX_claim_poll', columnNames: ['nextPollAt'] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('claim', 'IDX_claim_poll');
    await queryRunner.dropIndex('claim', 'IDX_claim_platform_id');
    await queryRunner.dropColumns('claim', ['pollIntervalSeconds', 'nextPollAt']);
    await queryRunner.dropTable('callback_inbox');
  }
}
