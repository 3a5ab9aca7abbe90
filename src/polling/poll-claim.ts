import type { DataSource } from 'typeorm';
import { type ApplyOutcome, applyPlatformReport } from '../claims/apply-platform-status';
import { CLAIM_REASONS } from '../claims/claim-reasons';
import { lookupContextFor } from '../claims/held-platform-ids';
import { mapPlatformStatus } from '../claims/platform-statuses';
import { toOutgoing } from '../dispatch/send-claim';
import { parseDuration } from '../config/duration';
import { Claim } from '../entities';
import { platformEntry, type PlatformObservation } from '../platforms';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import { updateClaim } from '../storage/claims/claim-repository';
import { inTransaction } from '../storage/transactions';
import type { Clock } from '../clock';

export interface PollContext {
  dataSource: DataSource;
  clients: ReadonlyMap<string, DuplicateAwareClient>;
  workerId: string;
  pollInitial: string;
  pollMax: string;
  now: Clock;
}

/**
 * Polls one leased claim and stores what changed. The interval resets to `pollInitial` after a change
 * and doubles (up to `pollMax`) while nothing changes; a final status stops polling.
 */
export async function pollLeasedClaim(ctx: PollContext, claim: Claim): Promise<ApplyOutcome | 'failed'> {
  const client = ctx.clients.get(claim.platform);
  const lookUpStatus = platformEntry(claim.platform)?.lookUpStatus;
  let observed: PlatformObservation | null = null;
  let failed = false;
  try {
    if (client && lookUpStatus) observed = await lookUpStatus(client, claim, toOutgoing(claim), lookupContextFor(ctx.dataSource, claim));
  } catch {
    failed = true; // a failed look-up is tried again on the backed-off schedule
  }
  const now = ctx.now();
  return inTransaction(ctx.dataSource, async (em) => {
    let outcome: ApplyOutcome | 'failed' = failed ? 'failed' : 'same';
    const mapped = observed ? mapPlatformStatus(claim.platform, observed.platformStatus) : null;
    if (observed && mapped) {
      outcome = await applyPlatformReport(em, claim, {
        status: mapped, source: 'poll', platformClaimId: observed.platformClaimId, platformStatus: observed.platformStatus, at: now,
        reason: CLAIM_REASONS.pollReports(observed.platformStatus, mapped), payload: observed,
      });
    } else if (observed && observed.platformClaimId !== claim.platformClaimId) {
      await updateClaim(em, { id: claim.id }, { platformClaimId: observed.platformClaimId });
    }
    const fresh = await em.findOneByOrFail(Claim, { id: claim.id });
    const initial = parseDuration(ctx.pollInitial)! / 1000;
    const max = parseDuration(ctx.pollMax)! / 1000;
    const interval = outcome === 'applied' ? initial : Math.min(max, (claim.pollIntervalSeconds ?? initial) * 2);
    const stillPolled = fresh.status === 'submitted' || fresh.status === 'accepted';
    await em.update(Claim, { id: claim.id, leaseOwner: ctx.workerId }, {
      leaseOwner: null,
      leaseUntil: null,
      pollIntervalSeconds: stillPolled ? interval : null,
      nextPollAt: stillPolled ? new Date(now.getTime() + interval * 1000) : null,
      updatedAt: now,
    });
    return outcome;
  });
}
