import type { EntityManager } from 'typeorm';
import { ClaimEvent } from '../entities';

export type EventSource = 'push' | 'dispatcher' | 'callback' | 'poll' | 'operator';

/** Records one change of a claim; `payload` is stored as JSON (callers pass it without secrets). */
export async function recordClaimEvent(
  em: EntityManager,
  e: { claimId: number; from: string | null; to: string; source: EventSource; reason: string; payload?: unknown; at: Date },
): Promise<void> {
  await em.insert(ClaimEvent, {
    claimId: e.claimId,
    fromStatus: e.from,
    toStatus: e.to,
    source: e.source,
    reason: e.reason.slice(0, 4000),
    payload: e.payload === undefined ? null : JSON.stringify(e.payload),
    createdAt: e.at,
  });
}
