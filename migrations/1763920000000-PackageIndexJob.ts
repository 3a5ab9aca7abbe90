import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { utcColumn } from './columns';

/** Revisions whose package rows are written after the push was answered (src/storage/package-index.ts). */
export class PackageIndexJob1763920000000 implements MigrationInterface {
  name = 'PackageIndexJob1763920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'package_index_job',
        columns: [
          { name: 'revisionId', type: 'integer', isPrimary: true },
          { name: 'workOrderId', type: 'integer' },
          { name: 'rawPushId', type: 'integer' },
          { name: 'packageCount', type: 'integer' },
          utcColumn('createdAt'),
          utcColumn('leaseUntil', true),
          { name: 'attempts', type: 'integer', default: 0 },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('package_index_job');
  }
}
