import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * A push exactly as received and verified. The body is stored gzip-compressed in RawPushChunk rows of at
 * most 60 KB each, so a 20 MB push never needs one packet larger than MariaDB's default
 * `max_allowed_packet` (16 MiB) and fits a BLOB column on every database.
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

  @Column({ type: 'varchar', length: 16 })
  bodyEncoding: string;

  @Column({ type: 'integer' })
  chunkCount: number;
}
