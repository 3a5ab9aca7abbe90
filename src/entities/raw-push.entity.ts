import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * A push exactly as received and verified. A body that fits 60 KB (stored as is, or gzip-compressed when
 * larger than 4 KB) lives in `body`; a larger one in RawPushChunk rows of at most 60 KB each, so a 20 MB
 * push never needs one packet larger than MariaDB's default `max_allowed_packet` (16 MiB) and every piece
 * fits a BLOB column on every database.
 */
@Entity('raw_push')
@Index('IDX_raw_push_received', ['receivedAt'])
export class RawPush {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column(UTC_DATETIME)
  receivedAt: Date;

  @Column({ type: 'varchar', length: 128 })
  method: string;

  @Column({ type: 'varchar', length: 64 })
  appKey: string;

  /** JSON object of the query parameters, without `sign`. */
  @Column({ type: 'text' })
  query: string;

  /** JSON object of the request headers, without credentials (authorization, cookie…). */
  @Column({ type: 'text' })
  headers: string;

  /** How the signature was verified, e.g. "md5:ok". Only verified pushes are stored. */
  @Column({ type: 'varchar', length: 32 })
  verification: string;

  @Column({ type: 'varchar', length: 64 })
  bodySha256: string;

  @Column({ type: 'integer' })
  bodyBytes: number;

  /** `identity` (as received) or `gzip`. */
  @Column({ type: 'varchar', length: 16 })
  bodyEncoding: string;

  /** The (encoded) body when it fits one BLOB; null when it is in chunks. */
  @Column({ type: 'blob', nullable: true })
  body: Buffer | null;

  /** Rows in raw_push_chunk (0 when the body is inline). */
  @Column({ type: 'integer' })
  chunkCount: number;
}
