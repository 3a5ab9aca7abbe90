import type { EntityManager } from 'typeorm';
import { platformUpdate } from '../domain/claim-state';
import { Claim, ClaimStatus } from '../entities';
import type { MappedClaimStatus } from '../platforms/shared/claim-status';
import { type EventSource, recordClaimEvent } from './claim-events';
import { FINAL_STATUSES } from '../domain/claim-state';

export interface PlatformReport {
  status: MappedClaimStatus;
  source: EventSource;
  reason: string;
  platformClaimId?: string | null;
  platformStatus?: string | null;
  lastError?: string | null;
  /** The platform's payload, secrets removed, stored on the event. */
  payload?: unknown;
  at: Date;
}

export type ApplyOutcome = 'applied' | 'same' | 'ignored';

/**
 * Applies what a platform said about a claim (callback, poll, answer) through the state machine:
 * a forward move is stored with an event; a repeat of the current status only fills in missing details;
 * a stale or out-of-order report (one that would move the claim backwards) changes nothing.
 * The update is guarded by the status read, so two reports racing cannot both move the claim.
 */
export async function applyPlatformReport(em: EntityManager, claim: Claim, report: PlatformReport): Promise<ApplyOutcome> {
  const verdict = platformUpdate(claim.status, report.status);
  if (verdict === 'ignore') return 'ignored';
  const details = {
    ...(report.platformClaimId ? { platformClaimId: report.platformClaimId } : {}),
    ...(report.platformStatus ? { platformStatus: report.platformStatus } : {}),
  };
  if (verdict === 'same') {
    const fills = Object.entries(details).some(([k, v]) => (claim as unknown as Record<string, unknown>)[k] !== v);
    if (fills) await em.update(Claim, { id: claim.id }, { ...details, updatedAt: report.at });
    return 'same';
  }
  const to = report.status as ClaimStatus;
  const final = FINAL_STATUSES.includes(to) || to === 'rejected';
  const result = await em.update(Claim, { id: claim.id, status: claim.status }, {
    ...details,
    status: to,
    updatedAt: report.at,
    ...(report.lastError !== undefined ? { lastError: report.lastError } : {}),
    ...(final ? { nextPollAt: null, nextAttemptAt: null } : {}),
  });
  if (!result.affected) return 'ignored';
  await recordClaimEvent(em, { claimId: claim.id, from: claim.status, to, source: report.source, reason: report.reason, payload: report.payload, at: report.at });
  return 'applied';
}
