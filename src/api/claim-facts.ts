import { DataSource, In } from 'typeorm';
import { AGREED_CLAIM_STATUSES, ClaimFacts, claimFlags, ReconciliationRules } from '../domain/reconciliation';
import { formatMinorUnits } from '../domain/money';
import { Claim, ClaimEvent } from '../entities';
import { presentClaim } from './present';

/** A claim with what its flags are computed from: the facts beyond its own row (entered-status times, settled total). */
export interface ClaimWithFacts {
  claim: Claim;
  facts: ClaimFacts;
}

/**
 * The facts of these claims, in their order: two queries whatever their number (submitted times,
 * accepted times); what statement lines settle is kept on the claim.
 */
export async function loadClaimFacts(dataSource: DataSource, claims: Claim[]): Promise<ClaimWithFacts[]> {
  const submitted = await enteredSince(dataSource, claims, ['submitted']);
  const agreed = await enteredSince(dataSource, claims, AGREED_CLAIM_STATUSES);
  return claims.map((claim) => ({
    claim,
    facts: {
      ...claim,
      submittedAt: claim.status === 'submitted' ? (submitted.get(claim.id) ?? claim.updatedAt) : null,
      agreedAt: (AGREED_CLAIM_STATUSES as readonly string[]).includes(claim.status) ? (agreed.get(claim.id) ?? claim.updatedAt) : null,
    },
  }));
}

/** A claim as the finance API shows it: its fields, what its statements settled, and its flags. */
export function presentClaimWithFacts({ claim, facts }: ClaimWithFacts, rules: ReconciliationRules) {
  return {
    ...presentClaim(claim),
    settledAmount: facts.settledAmountMinor === null ? null : formatMinorUnits(facts.settledAmountMinor),
    settledAt: claim.settledAt ? claim.settledAt.toISOString() : null,
    flags: claimFlags(facts, rules),
  };
}

/**
 * When each claim in one of `statuses` last entered that group from outside it (its newest such event).
 * A claim without such an event is absent: its callers fall back to its last update.
 */
async function enteredSince(dataSource: DataSource, claims: Claim[], statuses: readonly string[]): Promise<Map<number, Date>> {
  const ids = claims.filter((c) => statuses.includes(c.status)).map((c) => c.id);
  const since = new Map<number, Date>();
  if (ids.length === 0) return since;
  const events = await dataSource.getRepository(ClaimEvent).find({
    where: { claimId: In(ids), toStatus: In([...statuses]) },
    select: { claimId: true, fromStatus: true, createdAt: true },
  });
  for (const e of events) {
    if (e.fromStatus !== null && statuses.includes(e.fromStatus)) continue;
    const seen = since.get(e.claimId);
    if (!seen || e.createdAt > seen) since.set(e.claimId, e.createdAt);
  }
  return since;
}
