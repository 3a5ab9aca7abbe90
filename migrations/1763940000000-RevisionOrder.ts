import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { utcColumn as utc } from './columns';

/**
 * Issue 15 (order): revisions ordered by the push's Qimen `timestamp`, then arrival. A revision stored
 * before has its arrival time as its push time (Qimen's timestamp is within the time window of it); a work
 * order has as many revisions as its latest number, none of them out of order. The columns are added
 * nullable, filled, then made NOT NULL, so that the tables may hold rows already.
 */
export class RevisionOrder1763940000000 implements MigrationInterface {
  name = 'RevisionOrder1763940000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('judgment_revision', [
      new TableColumn(utc('pushedAt', true)),
      new TableColumn({ name: 'outOfOrder', type: 'boolean', default: 0 }),
    ]);
    await queryRunner.addColumns('work_order', [
      new TableColumn(utc('latestPushedAt', true)),
      new TableColumn({ name: 'revisionCount', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'outOfOrderCount', type: 'integer', default: 0 }),
    ]);
    await queryRunner.query('UPDATE judgment_revision SET pushedAt = receivedAt');
    await queryRunner.query(
      'UPDATE work_order SET revisionCount = latestRevision, latestPushedAt = '
      + '(SELECT r.receivedAt FROM judgment_revision r WHERE r.workOrderId = work_order.id AND r.revision = work_order.latestRevision)',
    );
    // A work order without its revision (an old fault the store no longer allows) keeps its own time.
    await queryRunner.query('UPDATE work_order SET latestPushedAt = updatedAt WHERE latestPushedAt IS NULL');
    await queryRunner.changeColumn('judgment_revision', 'pushedAt', new TableColumn(utc('pushedAt')));
    await queryRunner.changeColumn('work_order', 'latestPushedAt', new TableColumn(utc('latestPushedAt')));
    await queryRunner.changeColumn('work_order', 'revisionCount', new TableColumn({ name: 'revisionCount', type: 'integer' }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['outOfOrderCount', 'revisionCount', 'latestPushedAt']) await queryRunner.dropColumn('work_order', column);
    for (const column of ['outOfOrder', 'pushedAt']) await queryRunner.dropColumn('judgment_revision', column);
  }
}
