import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * Every platform callback we accepted (signature verified), stored before we answer success. Unique per
 * (platform, dedupeKey): ShopEx repeats a callback until answered and Duobaoyu retries a push up to 8
 * times, so a repeat finds its row and changes nothing. A callback for no known claim stays here, with
 * outcome `unmatched`, for review.
 */
@Entity('callback_inbox')
@Index('UQ_callback_inbox_dedupe', ['platform', 'dedupeKey'], { unique: true })
@Index('IDX_callback_inbox_outcome', ['outcome', 'receivedAt'])
export class CallbackInbox {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  /** ShopEx: msg_id + sha256 of the fields; Duobaoyu: the push `id`. */
  @Column({ type: 'varchar', length: 200 })
  dedupeKey: string;

  @Column({ type: 'integer', nullable: true })
  claimId: number | null;

  @Column(UTC_DATETIME)
  receivedAt: Date;

  /** The callback's fields as received, without `sign`. */
  @Column({ type: 'text' })
  payload: string;

  /** applied | same | ignored (stale or illegal move) | unmatched (no such claim) | malformed (not well formed: for review) */
  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
