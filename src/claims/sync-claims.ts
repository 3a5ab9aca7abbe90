import type { EntityManager } from 'typeorm';
import type { RouteConfig } from '../config/schema';
import { formatMinorUnits } from '../domain/money';
import { Judgment, planClaims, PlannedClaim } from '../domain/routes';
import { Claim } from '../entities';
import { recordClaimEvent } from './claim-events';

export interface RevisionForClaims {
  workOrderId: number;
  revision: number;
  currency: string;
  judgment: Judgment;
  at: Date;
}

const money = (minor: number | null, currency: string) => (minor === null ? 'none' : `${formatMinorUnits(minor)} ${currency}`);

/**
 * The transactional outbox: called inside the push's transaction, right after a new revision is written,
 * so an acknowledged push always has its claims. Per route and work order there is at most one claim:
 * - a route that matches and has no claim yet gets a `pending` claim, due now;
 * - an unsent claim (never attempted) follows the new revision: cancelled when the route no longer
 *   matches, updated when its amount or fields changed, re-opened when a cancelled-unsent one matches again;
 * - a claim already sent is never filed again; a differing revision is only recorded as an event.
 */
export async function syncClaims(em: EntityManager, routes: readonly RouteConfig[], rev: RevisionForClaims): Promise<void> {
  if (routes.length === 0) return;
  const existing = new Map((await em.find(Claim, { where: { workOrderId: rev.workOrderId } })).map((c) => [c.route, c]));
  for (const plan of planClaims(routes, rev.judgment)) {
    const claim = existing.get(plan.route);
    if (!claim) {
      if (plan.matched) await createClaim(em, plan, rev);
      continue;
    }
    await followRevision(em, claim, plan, rev);
  }
}

async function createClaim(em: EntityManager, plan: PlannedClaim, rev: RevisionForClaims): Promise<void> {
  const inserted = await em.insert(Claim, {
    workOrderId: rev.workOrderId,
    route: plan.route,
    platform: plan.platform,
    status: 'pending',
    revision: rev.revision,
    amountMinor: plan.amountMinor,
    currency: rev.currency,
    fields: JSON.stringify(plan.fields),
    platformClaimId: null,
    platformStatus: null,
    asyncMessageId: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: rev.at,
    leaseOwner: null,
    leaseUntil: null,
    mayExistOnPlatform: false,
    createdAt: rev.at,
    updatedAt: rev.at,
  });
  await recordClaimEvent(em, {
    claimId: Number(inserted.identifiers[0].id), from: null, to: 'pending', source: 'push', at: rev.at,
    reason: `revision ${rev.revision} matches route ${plan.route} (${plan.reasons.join('; ') || 'no conditions'}); amount ${money(plan.amountMinor, rev.currency)}`,
  });
}

async function followRevision(em: EntityManager, claim: Claim, plan: PlannedClaim, rev: RevisionForClaims): Promise<void> {
  const unsent = claim.attempts === 0 && claim.leaseOwner === null;
  const fields = JSON.stringify(plan.fields);
  const changed = plan.amountMinor !== claim.amountMinor || fields !== claim.fields || rev.currency !== claim.currency;
  const event = (to: string, reason: string) => recordClaimEvent(em, { claimId: claim.id, from: claim.status, to, source: 'push', at: rev.at, reason });

  if (!unsent || (claim.status !== 'pending' && claim.status !== 'cancelled')) {
    if (!plan.matched || changed) {
      await event(claim.status, `revision ${rev.revision} ${plan.matched ? `would claim ${money(plan.amountMinor, rev.currency)}` : 'no longer matches'}, but the claim was already sent: not filed again`);
    }
    return;
  }
  if (!plan.matched) {
    if (claim.status === 'cancelled') return;
    await em.update(Claim, { id: claim.id }, { status: 'cancelled', nextAttemptAt: null, revision: rev.revision, updatedAt: rev.at });
    await event('cancelled', `revision ${rev.revision} no longer matches route ${plan.route}: ${plan.reasons.join('; ')}`);
    return;
  }
  if (claim.status === 'cancelled' || changed) {
    await em.update(Claim, { id: claim.id }, {
      status: 'pending', amountMinor: plan.amountMinor, currency: rev.currency, fields, revision: rev.revision, nextAttemptAt: rev.at, updatedAt: rev.at,
    });
    await event('pending', claim.status === 'cancelled'
      ? `revision ${rev.revision} matches route ${plan.route} again; amount ${money(plan.amountMinor, rev.currency)}`
      : `revision ${rev.revision} changed the unsent claim: amount ${money(claim.amountMinor, claim.currency)} → ${money(plan.amountMinor, rev.currency)}${fields !== claim.fields ? ', fields changed' : ''}`);
  }
}
