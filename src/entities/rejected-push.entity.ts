import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * A push whose signature verified but that was refused (`invalid-json`, `invalid-parameter`,
 * `invalid-method`), kept before the answer so that nothing is lost (docs/http-contract.md "Rejected pushes").
 * One row per body: the same body again counts `attempts` and moves `lastReceivedAt`. The push itself
 * (query without `sign`, headers without credentials, the body) is its raw_push row.
 */
@Entity('rejected_push')
@Index('UQ_rejected_push_body', ['bodySha256'], { unique: true })
@Index('IDX_rejected_push_received', ['receivedAt'])
export class RejectedPush {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** When this body was first received. */
  @Column(UTC_DATETIME)
  receivedAt: Date;

  @Column(UTC_DATETIME)
  lastReceivedAt: Date;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'varchar', length: 128 })
  method: string;

  @Column({ type: 'varchar', length: 64 })
  appKey: string;

  /** The errorId answered the first time. */
  @Column({ type: 'varchar', length: 32 })
  errorId: string;

  @Column({ type: 'text' })
  message: string;

  /** For a refused field: its path ('' for the whole body); null when the refusal is not about one field. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  field: string | null;

  /** The field's problem as a stable id (src/dto/field-problems.ts) and its parameters, JSON. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  problemId: string | null;

  @Column({ type: 'text', nullable: true })
  problemParams: string | null;

  @Column({ type: 'integer' })
  bodyBytes: number;

  @Column({ type: 'varchar', length: 64 })
  bodySha256: string;

  /** The push as received (raw_push), first receipt. */
  @Column({ type: 'integer' })
  rawPushId: number;

  /** When `claim-relay revalidate-rejected` accepted it after an upgrade; null while it stays refused. */
  @Column({ ...UTC_DATETIME, nullable: true })
  acceptedAt: Date | null;

  /** The work order it was stored as, once accepted. */
  @Column({ type: 'integer', nullable: true })
  workOrderId: number | null;
}
