import type { EntityManager } from 'typeorm';
import { AuditLog } from '../entities';

/** Who acted: a finance token's name and role, or a CLI user (`role: 'cli'`). Never a secret. */
export interface AuditActor {
  name: string;
  role: string;
}

export interface AuditEntry {
  actor: AuditActor;
  /** What was done, `<target>.<verb>`: `claim.retry`, `claim.cancel`… */
  action: string;
  target: { type: string; id: string | number };
  /** The row before and after the action (plain objects; pass them without secrets). */
  before: unknown;
  after: unknown;
  at: Date;
  requestId?: string | null;
}

const toJson = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Writes one audit entry. Call it with the EntityManager of the transaction that makes the change, so
 * the change and its entry commit (or roll back) together. Used by the finance API and the CLI.
 */
export async function recordAudit(em: EntityManager, entry: AuditEntry): Promise<void> {
  await em.insert(AuditLog, {
    at: entry.at,
    actor: entry.actor.name.slice(0, 128),
    actorRole: entry.actor.role.slice(0, 16),
    action: entry.action.slice(0, 64),
    targetType: entry.target.type.slice(0, 32),
    targetId: String(entry.target.id).slice(0, 64),
    beforeJson: toJson(entry.before),
    afterJson: toJson(entry.after),
    requestId: entry.requestId ?? null,
  });
}

/** An audit entry as the finance API shows it. */
export function presentAudit(a: AuditLog) {
  const parse = (text: string | null) => (text === null ? null : JSON.parse(text));
  return {
    id: a.id, at: a.at.toISOString(), actor: a.actor, actorRole: a.actorRole, action: a.action,
    targetType: a.targetType, targetId: a.targetId, before: parse(a.beforeJson), after: parse(a.afterJson), requestId: a.requestId,
  };
}
