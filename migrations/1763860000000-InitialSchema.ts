import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { idColumn as id, utcColumn as utc } from './columns';

/**
 * Work orders, judgment revisions, responsibility packages and raw pushes.
 *
 * Written with TypeORM's schema API rather than generated SQL so that the same migration runs on
 * better-sqlite3 and on MySQL/MariaDB; test/storage/schema.test.ts proves on both that the migrated schema
 * is exactly what the entities describe (TypeORM's schema diff is empty), which is how "generated" is
 * checked here. Create a new migration with `npm run migration:new -- Name`, then make that test pass.
 */
export class InitialSchema1763860000000 implements MigrationInterface {
  name = 'InitialSchema1763860000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'work_order',
        columns: [
          id,
          { name: 'identityKey', type: 'varchar', length: '64' },
          { name: 'tenantId', type: 'varchar', length: '128', isNullable: true },
          { name: 'externalOrderId', type: 'varchar', length: '128', isNullable: true },
          utc('receivedAt'),
          { name: 'latestRevision', type: 'integer' },
          { name: 'latestContentHash', type: 'varchar', length: '64' },
          { name: 'responsibilityParty', type: 'varchar', length: '64', isNullable: true },
          utc('updatedAt'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_work_order_identity', columnNames: ['identityKey'], isUnique: true }),
          new TableIndex({ name: 'IDX_work_order_received', columnNames: ['receivedAt', 'id'] }),
          new TableIndex({ name: 'IDX_work_order_tenant_received', columnNames: ['tenantId', 'receivedAt'] }),
          new TableIndex({ name: 'IDX_work_order_party_received', columnNames: ['responsibilityParty', 'receivedAt'] }),
          new TableIndex({ name: 'IDX_work_order_external', columnNames: ['externalOrderId'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'judgment_revision',
        columns: [
          id,
          { name: 'workOrderId', type: 'integer' },
          { name: 'revision', type: 'integer' },
          { name: 'rawPushId', type: 'integer' },
          utc('receivedAt'),
          { name: 'contentHash', type: 'varchar', length: '64' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'packageCount', type: 'integer' },
          { name: 'bizType', type: 'varchar', length: '64', isNullable: true },
          { name: 'workOrderType', type: 'integer', isNullable: true },
          { name: 'lpCode', type: 'varchar', length: '128', isNullable: true },
          { name: 'sourceSystem', type: 'integer', isNullable: true },
          { name: 'creatorRole', type: 'integer', isNullable: true },
          { name: 'creatorDomain', type: 'varchar', length: '64', isNullable: true },
          { name: 'creatorId', type: 'varchar', length: '128', isNullable: true },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'logisticsOrderNo', type: 'varchar', length: '128', isNullable: true },
          { name: 'externalOrderId', type: 'varchar', length: '128', isNullable: true },
          { name: 'waybillNo', type: 'varchar', length: '128', isNullable: true },
          { name: 'tenantId', type: 'varchar', length: '128', isNullable: true },
          { name: 'claimInfoUnitPriceText', type: 'varchar', length: '32', isNullable: true },
          { name: 'claimInfoUnitPriceMinor', type: 'bigint', isNullable: true },
          { name: 'claimInfoExceedsMaxCompensation', type: 'boolean', isNullable: true },
          { name: 'claimInfoExpectedUnitPriceText', type: 'varchar', length: '32', isNullable: true },
          { name: 'claimInfoExpectedUnitPriceMinor', type: 'bigint', isNullable: true },
          { name: 'claimInfoUnitPriceCurrency', type: 'varchar', length: '3', isNullable: true },
          { name: 'claimInfoTotalQty', type: 'integer', isNullable: true },
          { name: 'claimInfoComplaintQty', type: 'integer', isNullable: true },
          { name: 'claimInfoGoodsId', type: 'varchar', length: '128', isNullable: true },
          { name: 'claimInfoGoodsName', type: 'varchar', length: '512', isNullable: true },
          { name: 'claimInfoClaimAmountText', type: 'varchar', length: '32', isNullable: true },
          { name: 'claimInfoClaimAmountFen', type: 'bigint', isNullable: true },
          { name: 'claimInfoClaimUnitPriceText', type: 'varchar', length: '32', isNullable: true },
          { name: 'claimInfoClaimUnitPriceMinor', type: 'bigint', isNullable: true },
          { name: 'claimInfoClaimAmountCurrency', type: 'varchar', length: '3', isNullable: true },
          { name: 'established', type: 'boolean', isNullable: true },
          { name: 'responsibilityWaybillNo', type: 'varchar', length: '128', isNullable: true },
          { name: 'deliveryRatioText', type: 'varchar', length: '16', isNullable: true },
          { name: 'deliveryRatioBp', type: 'integer', isNullable: true },
          { name: 'warehouseRatioText', type: 'varchar', length: '16', isNullable: true },
          { name: 'warehouseRatioBp', type: 'integer', isNullable: true },
          { name: 'responsibilityParty', type: 'varchar', length: '64', isNullable: true },
          { name: 'claimAmountText', type: 'varchar', length: '32', isNullable: true },
          { name: 'claimAmountMinor', type: 'bigint', isNullable: true },
          { name: 'judgeReason', type: 'text', isNullable: true },
          { name: 'compensationType', type: 'varchar', length: '64', isNullable: true },
          { name: 'payee', type: 'varchar', length: '128', isNullable: true },
          { name: 'paymentFlowNo', type: 'varchar', length: '128', isNullable: true },
          { name: 'paymentChargeTime', type: 'datetime', precision: 3, isNullable: true },
          { name: 'paymentAmountText', type: 'varchar', length: '32', isNullable: true },
          { name: 'paymentAmountMinor', type: 'bigint', isNullable: true },
          { name: 'paymentStatus', type: 'varchar', length: '64', isNullable: true },
          { name: 'paymentCreateTime', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'UQ_revision_work_order', columnNames: ['workOrderId', 'revision'], isUnique: true }),
          new TableIndex({ name: 'IDX_revision_logistics_order', columnNames: ['logisticsOrderNo'] }),
          new TableIndex({ name: 'IDX_revision_waybill', columnNames: ['waybillNo'] }),
          new TableIndex({ name: 'IDX_revision_external_order', columnNames: ['externalOrderId'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'responsibility_package',
        columns: [
          { name: 'revisionId', type: 'integer', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'workOrderId', type: 'integer' },
          { name: 'packageNo', type: 'varchar', length: '64' },
        ],
        indices: [new TableIndex({ name: 'IDX_package_no', columnNames: ['packageNo'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'raw_push',
        columns: [
          id,
          utc('receivedAt'),
          { name: 'method', type: 'varchar', length: '128' },
          { name: 'appKey', type: 'varchar', length: '64' },
          { name: 'query', type: 'text' },
          { name: 'headers', type: 'text' },
          { name: 'verification', type: 'varchar', length: '32' },
          { name: 'bodySha256', type: 'varchar', length: '64' },
          { name: 'bodyBytes', type: 'integer' },
          { name: 'bodyEncoding', type: 'varchar', length: '16' },
          { name: 'chunkCount', type: 'integer' },
        ],
        indices: [new TableIndex({ name: 'IDX_raw_push_received', columnNames: ['receivedAt'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'raw_push_chunk',
        columns: [
          { name: 'rawPushId', type: 'integer', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'data', type: 'blob' },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['raw_push_chunk', 'raw_push', 'responsibility_package', 'judgment_revision', 'work_order']) {
      await queryRunner.dropTable(table);
    }
  }
}
