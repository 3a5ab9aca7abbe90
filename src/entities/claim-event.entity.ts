import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/** A change of a claim (status, amount, content) with who caused it and why. */
@Entity('claim_event')
@Index('IDX_claim_event_claim', ['claimId', 'id'])
export class ClaimEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  claimId: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 16 })
  toStatus: string;

  /** push | dispatcher | callback | poll | operator */
  @Column({ type: 'varchar', length: 16 })
  source: string;

  /** The reason in English, for logs, the CLI and the CSV. */
  @Column({ type: 'text' })
  reason: string;

  /** The reason's id in src/claims/claim-reasons.ts, which the finance page words; null on events older than ids. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reasonId: string | null;

  /** The reason's params, JSON; null with reasonId. */
  @Column({ type: 'text', nullable: true })
  reasonParams: string | null;

  /** The platform's payload or other detail, JSON, secrets removed. */
  @Column({ type: 'text', nullable: true })
  payload: string | null;

  @Column(UTC_DATETIME)
  createdAt: Date;
}
