import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { idColumn as id, utcColumn as utc } from './columns';

/** The claim outbox, one row per send attempt, and claim events. Same schema API rules as InitialSchema. */
export class Claims1763870000000 implements MigrationInterface {
  name = 'Claims1763870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'claim',
        columns: [
          id,
          { name: 'workOrderId', type: 'integer' },
          { name: 'route', type: 'varchar', length: '64' },
          { name: 'platform', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'revision', type: 'integer' },
          { name: 'amountMinor', type: 'bigint', isNullable: true },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'fields', type: 'text' },
          { name: 'platformClaimId', type: 'varchar', length: '128', isNullable: true },
          { name: 'platformStatus', type: 'varchar', length: '64', isNullable: true },
          { name: 'asyncMessageId', type: 'varchar', length: '128', isNullable: true },
          { name: 'attempts', type: 'integer' },
          { name: 'lastError', type: 'text', isNullable: true },
          utc('nextAttemptAt', true),
          { name: 'leaseOwner', type: 'varchar', length: '64', isNullable: true },
          utc('leaseUntil', true),
          { name: 'mayExistOnPlatform', type: 'boolean' },
          utc('createdAt'),
          utc('updatedAt'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_claim_work_order_route', columnNames: ['workOrderId', 'route'], isUnique: true }),
          new TableIndex({ name: 'IDX_claim_due', columnNames: ['status', 'nextAttemptAt'] }),
          new TableIndex({ name: 'IDX_claim_platform_status', columnNames: ['platform', 'status'] }),
          new TableIndex({ name: 'IDX_claim_async_message', columnNames: ['platform', 'asyncMessageId'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'claim_attempt',
        columns: [
          id,
          { name: 'claimId', type: 'integer' },
          { name: 'attemptNo', type: 'integer' },
          { name: 'workerId', type: 'varchar', length: '64' },
          utc('startedAt'),
          utc('finishedAt', true),
          { name: 'latencyMs', type: 'integer', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'httpStatus', type: 'integer', isNullable: true },
          { name: 'errorCode', type: 'varchar', length: '64', isNullable: true },
          { name: 'errorMessage', type: 'text', isNullable: true },
          { name: 'request', type: 'text', isNullable: true },
          { name: 'response', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'IDX_claim_attempt_claim', columnNames: ['claimId', 'attemptNo'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'claim_event',
        columns: [
          id,
          { name: 'claimId', type: 'integer' },
          { name: 'fromStatus', type: 'varchar', length: '16', isNullable: true },
          { name: 'toStatus', type: 'varchar', length: '16' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'reason', type: 'text' },
          { name: 'payload', type: 'text', isNullable: true },
          utc('createdAt'),
        ],
        indices: [new TableIndex({ name: 'IDX_claim_event_claim', columnNames: ['claimId', 'id'] })],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['claim_event', 'claim_attempt', 'claim']) await queryRunner.dropTable(table);
  }
}
