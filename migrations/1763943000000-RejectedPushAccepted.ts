import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { utcColumn as utc } from './columns';

/** Issue 15: a rejected push accepted later by `claim-relay revalidate-rejected` (when, and its work order). */
export class RejectedPushAccepted1763943000000 implements MigrationInterface {
  name = 'RejectedPushAccepted1763943000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('rejected_push', [
      new TableColumn(utc('acceptedAt', true)),
      new TableColumn({ name: 'workOrderId', type: 'integer', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('rejected_push', 'workOrderId');
    await queryRunner.dropColumn('rejected_push', 'acceptedAt');
  }
}
