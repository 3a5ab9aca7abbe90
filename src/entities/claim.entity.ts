import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber, UTC_DATETIME } from './column-types';

export const CLAIM_STATUSES = ['pending', 'submitted', 'accepted', 'rejected', 'completed', 'cancelled', 'dead'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * One outgoing claim (the transactional outbox): written in the push's transaction, sent by dispatch.
 * One per (work order, route): a new revision never files a second claim for the same route.
 */
@Entity('claim')
@Index('UQ_claim_work_order_route', ['workOrderId', 'route'], { unique: true })
@Index('IDX_claim_due', ['status', 'nextAttemptAt'])
@Index('IDX_claim_platform_status', ['platform', 'status'])
@Index('IDX_claim_async_message', ['platform', 'asyncMessageId'])
@Index('UQ_claim_platform_id', ['platform', 'platformClaimId'], { unique: true })
@Index('IDX_claim_poll', ['nextPollAt'])
@Index('IDX_claim_work_order_status', ['workOrderId', 'status'])
@Index('IDX_claim_reconciliation', ['platform', 'currency', 'status', 'amountMinor', 'acceptedAmountMinor', 'settledAmountMinor'])
export class Claim {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  workOrderId: number;

  /** The route's name in config. */
  @Column({ type: 'varchar', length: 64 })
  route: string;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  @Column({ type: 'varchar', length: 16 })
  status: ClaimStatus;

  /** The judgment revision whose content this claim carries. */
  @Column({ type: 'integer' })
  revision: number;

  /** Claim amount in minor units (fen); null when the judgment had no claim amount. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  amountMinor: number | null;

  /** The amount the platform says it accepted (fen), where it reports one; reconciliation flags a difference. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  acceptedAmountMinor: number | null;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  /** The route's business fields, placeholders resolved, as JSON. */
  @Column({ type: 'text' })
  fields: string;

  /** The platform's own id for the claim (docs/http-contract.md); unique per platform (NULL may repeat). */
  @Column({ type: 'varchar', length: 128, nullable: true })
  platformClaimId: string | null;

  /** The platform's own status text, as last reported. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  platformStatus: string | null;

  /** ShopEx `msg_id` of the async call, to find the claim when its callback arrives. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  asyncMessageId: string | null;

  /**
   * The platform's own time on the status report last applied (Duobaoyu `pushTime`); a report dated
   * earlier changes nothing (docs/http-contract.md "Platform callbacks"). Null: no dated report applied yet.
   */
  @Column({ ...UTC_DATETIME, nullable: true })
  platformStatusAt: Date | null;

  /** Send attempts so far. */
  @Column({ type: 'integer' })
  attempts: number;

  /** The last failure, `code: message` in English or the platform's own words (the CLI filters on its code). */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** lastError's id in src/claims/claim-reasons.ts (`platform-error`: the platform's words), which the finance page words; null with lastError and on errors older than ids. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lastErrorId: string | null;

  /** lastError's params, JSON; null with lastErrorId. */
  @Column({ type: 'text', nullable: true })
  lastErrorParams: string | null;

  /** When dispatch may send it (next); null when nothing is due. */
  @Column({ ...UTC_DATETIME, nullable: true })
  nextAttemptAt: Date | null;

  /** The worker that owns the claim while sending it, until `leaseUntil`. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ ...UTC_DATETIME, nullable: true })
  leaseUntil: Date | null;

  /**
   * A previous attempt may have reached the platform without our knowing (timeout after sending, or a
   * worker that died mid-send): look the claim up on the platform before sending again.
   */
  @Column({ type: 'boolean' })
  mayExistOnPlatform: boolean;

  /**
   * When dispatch last sent the claim again blind: after an attempt that may have reached the platform, to
   * a platform without a look-up, and the platform took it. It may hold two claims now; reconciliation
   * flags it `resent-blind`. Null: never.
   */
  @Column({ ...UTC_DATETIME, nullable: true })
  resentBlindAt: Date | null;

  /**
   * What the latest revision calls for on this claim's route, computed with the routes when that revision
   * was stored: whether the route still matches, and the amount and currency it would claim. A claim sent
   * with other values is flagged `claim-outdated` (src/domain/reconciliation.ts).
   */
  @Column({ type: 'boolean', default: true })
  plannedMatches: boolean;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  plannedAmountMinor: number | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  plannedCurrency: string | null;

  /**
   * What the platform's statement lines settle of this claim (the lines of its platform, platformClaimId and
   * currency): their sum in minor units and their latest settled time; null while no line settles it. Kept
   * with the lines by src/storage/settlements/settlement-repository.ts, in the transaction that stores a line
   * or gives the claim its platform id or currency.
   */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  settledAmountMinor: number | null;

  @Column({ ...UTC_DATETIME, nullable: true })
  settledAt: Date | null;

  /** When to ask the platform for the claim's status next (platforms without a push); null: not polled. */
  @Column({ ...UTC_DATETIME, nullable: true })
  nextPollAt: Date | null;

  /** The current poll interval: doubles while nothing changes, resets on a change. */
  @Column({ type: 'integer', nullable: true })
  pollIntervalSeconds: number | null;

  @Column(UTC_DATETIME)
  createdAt: Date;

  @Column(UTC_DATETIME)
  updatedAt: Date;
}
