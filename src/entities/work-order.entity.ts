import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * One claim work order, identified by (tenantId, externalOrderId). `id` is the workOrderId we answer.
 * The latest revision's key fields are copied here so the finance list reads one table.
 */
@Entity('work_order')
@Index('IDX_work_order_received', ['receivedAt', 'id'])
@Index('IDX_work_order_tenant_received', ['tenantId', 'receivedAt'])
@Index('IDX_work_order_party_received', ['responsibilityParty', 'receivedAt'])
@Index('IDX_work_order_external', ['externalOrderId'])
export class WorkOrder {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /**
   * sha256 of the identity: ("id", tenantId, externalOrderId) when either is present, else ("body", the
   * raw body's sha256) so only a byte-identical push finds the same work order. Unique: two parallel
   * pushes of one identity cannot both create a work order.
   */
  @Index('UQ_work_order_identity', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  identityKey: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  externalOrderId: string | null;

  /** When the first push of this work order arrived. */
  @Column(UTC_DATETIME)
  receivedAt: Date;

  @Column({ type: 'integer' })
  latestRevision: number;

  /** sha256 of the latest revision's canonical JSON: equal ⇒ a re-push that stores nothing. */
  @Column({ type: 'varchar', length: 64 })
  latestContentHash: string;

  /** The latest revision's Qimen `timestamp`: a push stamped earlier is out of order (src/domain/revision-order.ts). */
  @Column(UTC_DATETIME)
  latestPushedAt: Date;

  /** Revisions stored, in order and out of order: the highest revision number (revisions are numbered by arrival). */
  @Column({ type: 'integer' })
  revisionCount: number;

  /** Revisions stored out of order (pushed earlier than the then latest revision): flag `out-of-order`. */
  @Column({ type: 'integer', default: 0 })
  outOfOrderCount: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  responsibilityParty: string | null;

  @Column(UTC_DATETIME)
  updatedAt: Date;
}
