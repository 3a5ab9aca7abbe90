import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { idColumn, utcColumn as utc } from './columns';

/** Issue 15: verified but refused pushes, kept before the answer (one row per body). */
export class RejectedPush1763938000000 implements MigrationInterface {
  name = 'RejectedPush1763938000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: 'rejected_push',
      columns: [
        idColumn, utc('receivedAt'), utc('lastReceivedAt'),
        { name: 'attempts', type: 'integer' },
        { name: 'method', type: 'varchar', length: '128' },
        { name: 'appKey', type: 'varchar', length: '64' },
        { name: 'errorId', type: 'varchar', length: '32' },
        { name: 'message', type: 'text' },
        { name: 'bodyBytes', type: 'integer' },
        { name: 'bodySha256', type: 'varchar', length: '64' },
        { name: 'rawPushId', type: 'integer' },
      ],
    }));
    await queryRunner.createIndex('rejected_push', new TableIndex({ name: 'UQ_rejected_push_body', columnNames: ['bodySha256'], isUnique: true }));
    await queryRunner.createIndex('rejected_push', new TableIndex({ name: 'IDX_rejected_push_received', columnNames: ['receivedAt'] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rejected_push');
  }
}
