import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * A judgment revision whose package numbers are stored after the push was answered (issue 6: a
 * 999,999-package push is answered once its raw push and revision are committed; writing a million index
 * entries takes MariaDB seconds more). The row is written in the push's transaction, so the work is as
 * durable as the push; it is deleted once every package row exists. The package numbers are read back
 * from the stored raw push when the process that received it could not finish (src/storage/package-index.ts).
 */
@Entity('package_index_job')
export class PackageIndexJob {
  @PrimaryColumn({ type: 'integer' })
  revisionId: number;

  @Column({ type: 'integer' })
  workOrderId: number;

  @Column({ type: 'integer' })
  rawPushId: number;

  /** Package numbers to store (non-empty ones, as the revision's packageCount). */
  @Column({ type: 'integer' })
  packageCount: number;

  @Column(UTC_DATETIME)
  createdAt: Date;

  /** Until when the process indexing it holds it; after that any process may take it over. */
  @Column({ ...UTC_DATETIME, nullable: true })
  leaseUntil: Date | null;

  /** How many times indexing was started (a job that keeps failing shows here and in the logs). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
