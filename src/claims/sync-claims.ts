import type { EntityManager } from 'typeorm';
import type { RouteConfig } from '../config/schema';
import { Judgment, planClaims, PlannedClaim } from '../domain/routes';
import type { Claim } from '../entities';
import type { ClaimChange, ClaimPlanner } from '../storage/claims/claim-changes';
import { applyClaimChanges } from '../storage/claims/claim-repository';
import { CLAIM_REASONS, type Worded } from './claim-reasons';

export interface RevisionForClaims {
  workOrderId: number;
  revision: number;
  currency: string;
  judgment: Judgment;
  at: Date;
}

/** One change the routes call for on a work order's claims. */
export type ClaimAction =
  | { kind: 'create'; route: string; plan: PlannedClaim; reason: Worded }
  | { kind: 'cancel'; route: string; claim: Claim; reason: Worded }
  | { kind: 'update'; route: string; claim: Claim; plan: PlannedClaim; reason: Worded }
  | { kind: 'note'; route: string; claim: Claim; reason: Worded };

/**
 * What the routes call for, given the claims a work order already has (pure; no database):
 * - a route that matches and has no claim yet: `create` a pending claim;
 * - an unsent claim (never attempted) follows the revision: `cancel` when the route no longer matches,
 *   `update` when its amount or fields changed (or a cancelled-unsent one matches again);
 * - a claim already sent is never filed again: a differing revision is only a `note`.
 */
export function diffClaims(existing: readonly Claim[], routes: readonly RouteConfig[], rev: RevisionForClaims): ClaimAction[] {
  const byRoute = new Map(existing.map((c) => [c.route, c]));
  const actions: ClaimAction[] = [];
  for (const plan of planClaims(routes, rev.judgment)) {
    const claim = byRoute.get(plan.route);
    const route = plan.route;
    const on = { revision: rev.revision, route };
    if (!claim) {
      if (plan.matched) actions.push({ kind: 'create', route, plan, reason: CLAIM_REASONS.routeMatches(on, plan, rev.currency) });
      continue;
    }
    const unsent = claim.attempts === 0 && claim.leaseOwner === null;
    const changed = plan.amountMinor !== claim.amountMinor || JSON.stringify(plan.fields) !== claim.fields || rev.currency !== claim.currency;
    if (!unsent || (claim.status !== 'pending' && claim.status !== 'cancelled')) {
      if (!plan.matched || changed) {
        const reason = plan.matched ? CLAIM_REASONS.sentWouldClaim(rev.revision, plan.amountMinor, rev.currency) : CLAIM_REASONS.sentNoLongerMatches(rev.revision);
        actions.push({ kind: 'note', route, claim, reason });
      }
    } else if (!plan.matched) {
      if (claim.status !== 'cancelled') actions.push({ kind: 'cancel', route, claim, reason: CLAIM_REASONS.routeNoLongerMatches(on, plan) });
    } else if (claim.status === 'cancelled') {
      actions.push({ kind: 'update', route, claim, plan, reason: CLAIM_REASONS.routeMatchesAgain(on, plan, rev.currency) });
    } else if (changed) {
      const fieldsChanged = JSON.stringify(plan.fields) !== claim.fields;
      const reason = CLAIM_REASONS.unsentClaimChanged(rev.revision, claim, { amountMinor: plan.amountMinor, currency: rev.currency }, fieldsChanged);
      actions.push({ kind: 'update', route, claim, plan, reason });
    }
  }
  return actions;
}

/** The row of a new claim: pending and due at once, called for as it is. */
export function newClaimRow(plan: PlannedClaim, rev: RevisionForClaims): Partial<Claim> {
  return {
    workOrderId: rev.workOrderId, route: plan.route, platform: plan.platform, status: 'pending', revision: rev.revision,
    amountMinor: plan.amountMinor, currency: rev.currency, fields: JSON.stringify(plan.fields), platformClaimId: null,
    platformStatus: null, asyncMessageId: null, attempts: 0, lastError: null, nextAttemptAt: rev.at, leaseOwner: null,
    leaseUntil: null, mayExistOnPlatform: false, createdAt: rev.at, updatedAt: rev.at, ...plannedColumns(plan, rev),
  };
}

/** The claim rows and events that carry out the actions. */
export function claimChanges(actions: readonly ClaimAction[], rev: RevisionForClaims): ClaimChange[] {
  return actions.map((a): ClaimChange => {
    switch (a.kind) {
      case 'create':
        return { kind: 'create', row: newClaimRow(a.plan, rev), reason: a.reason, at: rev.at };
      case 'cancel':
        return { kind: 'update', claim: a.claim, patch: { status: 'cancelled', nextAttemptAt: null, revision: rev.revision, updatedAt: rev.at }, reason: a.reason, at: rev.at };
      case 'update':
        return {
          kind: 'update', claim: a.claim, reason: a.reason, at: rev.at,
          patch: {
            status: 'pending', amountMinor: a.plan.amountMinor, currency: rev.currency, fields: JSON.stringify(a.plan.fields),
            revision: rev.revision, nextAttemptAt: rev.at, updatedAt: rev.at,
          },
        };
      case 'note':
        return { kind: 'note', claim: a.claim, reason: a.reason, at: rev.at };
    }
  });
}

type Planned = Pick<Claim, 'plannedMatches' | 'plannedAmountMinor' | 'plannedCurrency'>;

/** What a revision calls for on a route, as the claim's planned columns (a route gone from config: nothing). */
function plannedColumns(plan: PlannedClaim | undefined, rev: Pick<RevisionForClaims, 'currency'>): Planned {
  return plan?.matched
    ? { plannedMatches: true, plannedAmountMinor: plan.amountMinor, plannedCurrency: rev.currency }
    : { plannedMatches: false, plannedAmountMinor: null, plannedCurrency: null };
}

/**
 * Records on each existing claim what the revision calls for on its route (for `claim-outdated`), as quiet
 * changes (no event): the routes are read when the revision is stored, so the flag's function and its SQL
 * read the same stored facts and a later change of config does not rewrite history. Claims whose values
 * already match are left alone.
 */
export function plannedChanges(existing: readonly Claim[], routes: readonly RouteConfig[], rev: RevisionForClaims): ClaimChange[] {
  const plans = new Map(planClaims(routes, rev.judgment).map((p) => [p.route, p]));
  return existing.flatMap((claim): ClaimChange[] => {
    const planned = plannedColumns(plans.get(claim.route), rev);
    const same = planned.plannedMatches === claim.plannedMatches && planned.plannedAmountMinor === claim.plannedAmountMinor && planned.plannedCurrency === claim.plannedCurrency;
    return same ? [] : [{ kind: 'record', claim, patch: planned, at: rev.at }];
  });
}

/** plannedChanges written in the caller's transaction (the CLI's rerun-routes). */
export async function recordPlannedClaims(em: EntityManager, existing: readonly Claim[], routes: readonly RouteConfig[], rev: RevisionForClaims): Promise<void> {
  await applyClaimChanges(em, plannedChanges(existing, routes, rev), 'operator');
}

/** Carries out the actions in the caller's transaction, each with its claim event. */
export async function applyClaimActions(em: EntityManager, actions: readonly ClaimAction[], rev: RevisionForClaims, source: 'push' | 'operator' = 'push'): Promise<void> {
  await applyClaimChanges(em, claimChanges(actions, rev), source);
}

/**
 * The transactional outbox: the claim rules for a pushed judgment, run by the store inside the push's
 * transaction right after its revision is written, so an acknowledged push always has its claims.
 */
export function claimPlannerFor(routes: readonly RouteConfig[], judgment: Omit<RevisionForClaims, 'workOrderId' | 'revision'>): ClaimPlanner | undefined {
  if (routes.length === 0) return undefined;
  return (existing, { workOrderId, revision }) => {
    const rev = { ...judgment, workOrderId, revision };
    return [...claimChanges(diffClaims(existing, routes, rev), rev), ...plannedChanges(existing, routes, rev)];
  };
}
