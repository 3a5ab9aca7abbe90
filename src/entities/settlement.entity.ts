import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber, UTC_DATETIME } from './column-types';

/**
 * One line of a platform's statement (对账单): what the platform paid or credited for one of its claim
 * records. Kept whether or not a claim holds that record: a line belongs to the claim of the same
 * platform, `platformClaimId` and currency whenever there is one (matched on read, so a line imported
 * before its claim learnt the platform's id matches once it does). One line per (platform, reference).
 */
@Entity('settlement')
@Index('UQ_settlement_reference', ['platform', 'reference'], { unique: true })
@Index('IDX_settlement_claim', ['platform', 'platformClaimId'])
@Index('IDX_settlement_settled', ['settledAt'])
export class Settlement {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  /** The statement's own id for the line. */
  @Column({ type: 'varchar', length: 128 })
  reference: string;

  /** The platform's own id of the claim record paid (a claim's `platformClaimId`). */
  @Column({ type: 'varchar', length: 128 })
  platformClaimId: string;

  /** Minor units (hundredths of the currency unit, as every amount of the service); negative for a reversal. */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  amountMinor: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column(UTC_DATETIME)
  settledAt: Date;

  @Column(UTC_DATETIME)
  importedAt: Date;

  /** The finance token's name that imported it (never the token). */
  @Column({ type: 'varchar', length: 128 })
  importedBy: string;

  /** SHA-256 (hex) of the statement file it came from. */
  @Column({ type: 'varchar', length: 64 })
  fileSha256: string;
}
