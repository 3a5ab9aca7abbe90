import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { idColumn as id, utcColumn as utc } from './columns';

/**
 * Finance review (issue 5): the audit log of operator actions, and the amount a platform reports it
 * accepted for a claim (reconciliation). Same schema API rules as InitialSchema.
 */
export class Finance1763880000000 implements MigrationInterface {
  name = 'Finance1763880000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          id,
          utc('at'),
          { name: 'actor', type: 'varchar', length: '128' },
          { name: 'actorRole', type: 'varchar', length: '16' },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'targetType', type: 'varchar', length: '32' },
          { name: 'targetId', type: 'varchar', length: '64' },
          { name: 'beforeJson', type: 'text', isNullable: true },
          { name: 'afterJson', type: 'text', isNullable: true },
          { name: 'requestId', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_audit_log_target', columnNames: ['targetType', 'targetId', 'id'] }),
          new TableIndex({ name: 'IDX_audit_log_at', columnNames: ['at'] }),
        ],
      }),
    );
    await queryRunner.addColumn('claim', new TableColumn({ name: 'acceptedAmountMinor', type: 'bigint', isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('claim', 'acceptedAmountMinor');
    await queryRunner.dropTable('audit_log');
  }
}
