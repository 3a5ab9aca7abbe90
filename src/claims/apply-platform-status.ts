import type { EntityManager } from 'typeorm';
import { FINAL_STATUSES, platformUpdate } from '../domain/claim-state';
import { Claim, ClaimStatus } from '../entities';
import type { MappedClaimStatus } from '../platforms/shared/claim-status';
import { lastErrorColumns, updateClaim } from '../storage/claims/claim-repository';
import type { LastError, Worded } from './claim-reasons';
import { type EventSource, recordClaimEvent } from './claim-events';

export interface PlatformReport {
  status: MappedClaimStatus;
  source: EventSource;
  reason: Worded;
  platformClaimId?: string | null;
  platformStatus?: string | null;
  lastError?: LastError | null;
  /** The platform's payload, secrets removed, stored on the event. */
  payload?: unknown;
  at: Date;
  /** The platform's own time on the report (Duobaoyu `pushTime`), when it dates its reports. */
  datedAt?: Date;
}

/** `out-of-order`: the report is dated before the last dated report applied to the claim. */
export type ApplyOutcome = 'applied' | 'same' | 'ignored' | 'out-of-order';

/** True when the report is dated before the last dated report applied to the claim. */
export function isOlderThanApplied(claim: Pick<Claim, 'platformStatusAt'>, report: Pick<PlatformReport, 'datedAt'>): boolean {
  return report.datedAt !== undefined && claim.platformStatusAt !== null && report.datedAt.getTime() < claim.platformStatusAt.getTime();
}

/**
 * Applies what a platform said about a claim (callback, poll, answer) through the state machine:
 * a forward move is stored with an event; a repeat of the current status only fills in missing details;
 * a stale report (one that would move the claim backwards in the state machine) changes nothing, and so
 * does one dated before the last dated report applied (never backwards in time either). An applied
 * report's date becomes the claim's `platformStatusAt`.
 * The update is guarded by the status read, so two reports racing cannot both move the claim.
 */
export async function applyPlatformReport(em: EntityManager, claim: Claim, report: PlatformReport): Promise<ApplyOutcome> {
  if (isOlderThanApplied(claim, report)) return 'out-of-order';
  const verdict = platformUpdate(claim.status, report.status);
  if (verdict === 'ignore') return 'ignored';
  const details = {
    ...(report.platformClaimId ? { platformClaimId: report.platformClaimId } : {}),
    ...(report.platformStatus ? { platformStatus: report.platformStatus } : {}),
    ...(report.datedAt ? { platformStatusAt: report.datedAt } : {}),
  };
  if (verdict === 'same') {
    const fills = Object.entries(details).some(([k, v]) => !sameValue((claim as unknown as Record<string, unknown>)[k], v));
    if (fills) await updateClaim(em, { id: claim.id }, { ...details, updatedAt: report.at });
    return 'same';
  }
  const to = report.status as ClaimStatus;
  const final = FINAL_STATUSES.includes(to) || to === 'rejected';
  const result = await updateClaim(em, { id: claim.id, status: claim.status }, {
    ...details,
    status: to,
    updatedAt: report.at,
    ...(report.lastError !== undefined ? lastErrorColumns(report.lastError) : {}),
    ...(final ? { nextPollAt: null, nextAttemptAt: null } : {}),
  });
  if (!result.affected) return 'ignored';
  await recordClaimEvent(em, { claimId: claim.id, from: claim.status, to, source: report.source, reason: report.reason, payload: report.payload, at: report.at });
  return 'applied';
}

function sameValue(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}
