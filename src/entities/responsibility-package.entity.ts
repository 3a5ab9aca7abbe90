import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One responsibility package number of a judgment revision (empty numbers are not stored). */
@Entity('responsibility_package')
@Index('IDX_package_no', ['packageNo'])
export class ResponsibilityPackage {
  @PrimaryColumn({ type: 'integer' })
  revisionId: number;

  /** Position in the pushed list. */
  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'integer' })
  workOrderId: number;

  @Column({ type: 'varchar', length: 64 })
  packageNo: string;
}
