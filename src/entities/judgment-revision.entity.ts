import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber, UTC_DATETIME } from './column-types';

/**
 * One revision of a work order's Danniao judgment: every scalar field of the push as a typed column.
 *
 * Money: `…Text` is the decimal exactly as written in the push and `…Minor` the same amount in integer
 * minor units (fen), rounded half-up when it has more than 2 decimals (`subFenAmount` is then true). `claimInfo.claimAmount` is already in fen in Qimen's payloads (the
 * spec's example: 749 for a 7.49 unit price), so it is stored as `claimInfoClaimAmountFen` unconverted
 * (rounded half-up to a whole fen, and `subFenAmount`, when it has decimals; the text keeps it). Text
 * columns hold text as kept (src/domain/kept-text.ts: a lone surrogate as its JSON escape). Ratios are percent with ≤ 2 decimals, stored
 * as basis points (100% = 10000). `currency` is the currency of judgeResult.claimAmount and
 * paymentInfo.paymentAmount, which carry none of their own: claimInfo.claimAmountCurrency, else CNY
 * (an assumption; the spec is silent). Times of 0 mean "unset" and are stored as NULL.
 */
@Entity('judgment_revision')
@Index('UQ_revision_work_order', ['workOrderId', 'revision'], { unique: true })
@Index('IDX_revision_logistics_order', ['logisticsOrderNo'])
@Index('IDX_revision_waybill', ['waybillNo'])
@Index('IDX_revision_external_order', ['externalOrderId'])
export class JudgmentRevision {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  workOrderId: number;

  /** 1 for the first push of a work order, then 2, 3… for each changed push, in order of arrival. */
  @Column({ type: 'integer' })
  revision: number;

  /** The push's Qimen `timestamp` (UTC): revisions are ordered by it, then by arrival. */
  @Column(UTC_DATETIME)
  pushedAt: Date;

  /**
   * Pushed earlier than the work order's latest revision when it arrived: kept, but it never became the
   * latest revision and changed no claim.
   */
  @Column({ type: 'boolean', default: false })
  outOfOrder: boolean;

  @Column({ type: 'integer' })
  rawPushId: number;

  @Column(UTC_DATETIME)
  receivedAt: Date;

  /** sha256 of the judgment's canonical JSON (sorted keys). */
  @Column({ type: 'varchar', length: 64 })
  contentHash: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  /** Non-empty responsibility package numbers stored for this revision. */
  @Column({ type: 'integer' })
  packageCount: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  bizType: string | null;

  @Column({ type: 'integer', nullable: true })
  workOrderType: number | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  lpCode: string | null;

  @Column({ type: 'integer', nullable: true })
  sourceSystem: number | null;

  @Column({ type: 'integer', nullable: true })
  creatorRole: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  creatorDomain: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  creatorId: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  logisticsOrderNo: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  externalOrderId: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  waybillNo: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  claimInfoUnitPriceText: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  claimInfoUnitPriceMinor: number | null;

  @Column({ type: 'boolean', nullable: true })
  claimInfoExceedsMaxCompensation: boolean | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  claimInfoExpectedUnitPriceText: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  claimInfoExpectedUnitPriceMinor: number | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  claimInfoUnitPriceCurrency: string | null;

  @Column({ type: 'integer', nullable: true })
  claimInfoTotalQty: number | null;

  @Column({ type: 'integer', nullable: true })
  claimInfoComplaintQty: number | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  claimInfoGoodsId: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  claimInfoGoodsName: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  claimInfoClaimAmountText: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  claimInfoClaimAmountFen: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  claimInfoClaimUnitPriceText: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  claimInfoClaimUnitPriceMinor: number | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  claimInfoClaimAmountCurrency: string | null;

  @Column({ type: 'boolean', nullable: true })
  established: boolean | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  responsibilityWaybillNo: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  deliveryRatioText: string | null;

  @Column({ type: 'integer', nullable: true })
  deliveryRatioBp: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  warehouseRatioText: string | null;

  @Column({ type: 'integer', nullable: true })
  warehouseRatioBp: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  responsibilityParty: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  claimAmountText: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  claimAmountMinor: number | null;

  @Column({ type: 'text', nullable: true })
  judgeReason: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  compensationType: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  payee: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  paymentFlowNo: string | null;

  @Column({ ...UTC_DATETIME, nullable: true })
  paymentChargeTime: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  paymentAmountText: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  paymentAmountMinor: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  paymentStatus: string | null;

  @Column({ ...UTC_DATETIME, nullable: true })
  paymentCreateTime: Date | null;

  /** Some amount of the revision had a fraction of a fen (more than 2 decimals in value): rounded half-up, flagged `sub-fen-amount`. */
  @Column({ type: 'boolean', default: false })
  subFenAmount: boolean;
}
