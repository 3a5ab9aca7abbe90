import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** A push body that fits one BLOB is stored in its raw_push row, saving a statement per push. */
export class InlineRawBody1763890000000 implements MigrationInterface {
  name = 'InlineRawBody1763890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('raw_push', new TableColumn({ name: 'body', type: 'blob', isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('raw_push', 'body');
  }
}
