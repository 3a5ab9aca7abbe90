import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One piece (≤ 60 KB) of a raw push's compressed body; `seq` orders them from 0. */
@Entity('raw_push_chunk')
export class RawPushChunk {
  @PrimaryColumn({ type: 'integer' })
  rawPushId: number;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'blob' })
  data: Buffer;
}
