import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UTC_DATETIME } from './column-types';

/**
 * One operator action (API or CLI): who did what to which row, when, and the row before and after.
 * Written in the same transaction as the change it records, so a change is never without its entry.
 */
@Entity('audit_log')
@Index('IDX_audit_log_target', ['targetType', 'targetId', 'id'])
@Index('IDX_audit_log_at', ['at'])
export class AuditLog {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column(UTC_DATETIME)
  at: Date;

  /** The finance token's name, or the CLI user: never a secret. */
  @Column({ type: 'varchar', length: 128 })
  actor: string;

  /** operator | viewer | cli … */
  @Column({ type: 'varchar', length: 16 })
  actorRole: string;

  /** What was done, e.g. `claim.retry`, `claim.cancel`. */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  /** The kind of row acted on, e.g. `claim`. */
  @Column({ type: 'varchar', length: 32 })
  targetType: string;

  @Column({ type: 'varchar', length: 64 })
  targetId: string;

  /** The row before the action, JSON (secrets removed); null when it was created. */
  @Column({ type: 'text', nullable: true })
  beforeJson: string | null;

  /** The row after the action, JSON (secrets removed); null when it was deleted. */
  @Column({ type: 'text', nullable: true })
  afterJson: string | null;

  /** The HTTP request id (X-Request-Id) when the action came through the API. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;
}
