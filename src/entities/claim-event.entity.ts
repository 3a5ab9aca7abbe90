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

  @Column({ type: 'text' })
  reason: string;

  /** The platform's payload or other detail, JSON, secrets removed. */
  @Column({ type: 'text', nullable: true })
  payload: string | null;

  @Column(UTC_DATETIME)
  createdAt: Date;
}
