import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Issue 17: a push refused for one field keeps that field's path and its problem as a stable id with its
 * parameters, so the finance page words the refusal in either language. Rows kept before have none.
 */
export class RejectedPushProblem1763947000000 implements MigrationInterface {
  name = 'RejectedPushProblem1763947000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('rejected_push', [
      new TableColumn({ name: 'field', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'problemId', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'problemParams', type: 'text', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('rejected_push', ['field', 'problemId', 'problemParams']);
  }
}
