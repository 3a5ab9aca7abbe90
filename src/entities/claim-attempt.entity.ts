import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * One send of a claim, as Outline stores webhook deliveries: written as `started` before the request
 * leaves, completed with the outcome, HTTP status, request and response (secrets removed) and latency.
 * A row left `started` means the worker died mid-send.
 */
@Entity('claim_attempt')
@Index('IDX_claim_attempt_claim', ['claimId', 'attemptNo'])
export class ClaimAttempt {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  claimId: number;

  @Column({ type: 'integer' })
  attemptNo: number;

  @Column({ type: 'varchar', length: 64 })
  workerId: string;

  @Column(UTC_DATETIME)
  startedAt: Date;

  @Column({ ...UTC_DATETIME, nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  latencyMs: number | null;

  /** started | submitted | found (already on the platform) | retryable | terminal | rejected */
  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ type: 'integer', nullable: true })
  httpStatus: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  /** The error's id in src/claims/claim-reasons.ts (as the claim's lastErrorId), which the finance page words; null on success and on attempts older than ids. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  errorId: string | null;

  /** The error's params, JSON; null with errorId. */
  @Column({ type: 'text', nullable: true })
  errorParams: string | null;

  /** JSON of the request sent (method, url, headers, body), secrets removed. */
  @Column({ type: 'text', nullable: true })
  request: string | null;

  @Column({ type: 'text', nullable: true })
  response: string | null;
}
