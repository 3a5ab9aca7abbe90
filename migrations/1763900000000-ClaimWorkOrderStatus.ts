import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The finance filters' "has a claim in this status" check, per work order, reads one index. */
export class ClaimWorkOrderStatus1763900000000 implements MigrationInterface {
  name = 'ClaimWorkOrderStatus1763900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('claim', new TableIndex({ name: 'IDX_claim_work_order_status', columnNames: ['workOrderId', 'status'] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('claim', 'IDX_claim_work_order_status');
  }
}
