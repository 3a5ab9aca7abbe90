/**
 * Reconciliation flags (issue 5): where money does not add up, or may not (issue 7: a claim the platform
 * may hold twice after a blind resend). Plain functions over plain data; the finance API filters with
 * SQL that says the same (src/api/reconciliation-sql.ts), and the tests hold the two together.
 */
import type { RouteConfig } from '../config/schema';

/** Judgment flags, then claim flags (a judgment also carries the flags of its claims). */
export const JUDGMENT_FLAGS = ['payment-differs', 'share-uncovered', 'over-claimed', 'out-of-order', 'sub-fen-amount'] as const;
export const CLAIM_FLAGS = ['claim-failed', 'submitted-stale', 'accepted-differs', 'resent-blind', 'claim-outdated', 'settled-differs', 'unsettled-stale'] as const;
export const FLAGS = [...JUDGMENT_FLAGS, ...CLAIM_FLAGS] as const;

export type JudgmentFlag = (typeof JUDGMENT_FLAGS)[number];
export type ClaimFlag = (typeof CLAIM_FLAGS)[number];
export type Flag = (typeof FLAGS)[number];

/** What each flag means, for the API document and the page. */
export const FLAG_MEANINGS: Record<Flag, string> = {
  'payment-differs': 'a payment amount is recorded and differs from the judged claim amount',
  'share-uncovered': 'the judgment is established, warehouse + delivery ratios are under 100, and no whole-amount route filed a claim for the rest',
  'over-claimed': 'the live (not cancelled, rejected or dead) claims of the judgment add up to more than its judged claim amount, in some currency',
  'out-of-order':
    'a push arrived stamped earlier than the latest revision: it is kept as a revision (outOfOrder) but changed neither the judgment nor its claims',
  'sub-fen-amount': 'an amount of the latest revision had more than 2 decimals in value (12.345): its text is kept as sent and its fen value rounded half-up',
  'claim-failed': 'a route matched but its claim is dead or rejected',
  'submitted-stale': 'a claim has been submitted for longer than finance.submittedStaleDays without the platform deciding',
  'accepted-differs': 'the platform reported an accepted amount that differs from the amount claimed',
  'resent-blind':
    'sent again after an attempt that may have reached the platform, on a platform without a look-up: check the platform holds one claim, not two',
  'claim-outdated':
    'the claim was sent, and the latest revision no longer calls for it as sent: its route no longer matches, or it calls for another amount or currency',
  'settled-differs': "the platform's statements settled an amount for the claim (the sum of its lines) that differs from the amount claimed",
  'unsettled-stale': 'the claim has been accepted or completed for longer than finance.unsettledStaleDays and no statement line settles it',
};

/** Claims that still stand for money: not cancelled, rejected or dead. */
export const LIVE_CLAIM_STATUSES = ['pending', 'submitted', 'accepted', 'completed'] as const;

/** Claims the platform said yes to: from then on a statement should settle them. */
export const AGREED_CLAIM_STATUSES = ['accepted', 'completed'] as const;

/** The rules in force: which routes claim the whole amount, and since when a submitted claim is stale. */
export interface ReconciliationRules {
  /** Routes without `share`: they claim the whole judged amount, the rest included. */
  wholeAmountRoutes: readonly string[];
  /** A claim submitted before this instant (and still submitted) is stale. */
  staleBefore: Date;
  /** A claim accepted or completed before this instant with nothing settled is unsettled-stale. */
  unsettledBefore: Date;
}

export function reconciliationRules(routes: readonly RouteConfig[], submittedStaleDays: number, now: Date, unsettledStaleDays = 30): ReconciliationRules {
  return {
    wholeAmountRoutes: routes.filter((r) => !r.share).map((r) => r.name),
    staleBefore: new Date(now.getTime() - submittedStaleDays * 86_400_000),
    unsettledBefore: new Date(now.getTime() - unsettledStaleDays * 86_400_000),
  };
}

export interface JudgmentFacts {
  /** The judgment's `established`; null when the push left it out. */
  established: boolean | null;
  claimAmountMinor: number | null;
  currency: string;
  paymentAmountMinor: number | null;
  /** Basis points: 100% = 10000. */
  warehouseRatioBp: number | null;
  deliveryRatioBp: number | null;
  /** Revisions of the work order stored out of order (pushed earlier than the then latest revision). */
  outOfOrderCount: number;
  /** An amount of the judgment had a fraction of a fen, rounded half-up (src/handlers/danniao-judge.columns.ts). */
  subFenAmount: boolean;
}

export interface ClaimFacts {
  route: string;
  status: string;
  amountMinor: number | null;
  acceptedAmountMinor: number | null;
  /** When the claim last entered `submitted` (null when unknown). */
  submittedAt: Date | null;
  /** When dispatch last sent it again blind (no look-up after an attempt that may have reached the platform); null: never. */
  resentBlindAt: Date | null;
  currency: string;
  /** Send attempts so far: more than 0 means it was sent. */
  attempts: number;
  /**
   * What the latest revision calls for on the claim's route, computed with the routes when that revision
   * was stored (src/claims/sync-claims.ts): whether the route matches, and the amount and currency.
   */
  plannedMatches: boolean;
  plannedAmountMinor: number | null;
  plannedCurrency: string | null;
  /** The sum of the statement lines that settle the claim (same platform, record and currency); null: none. */
  settledAmountMinor: number | null;
  /** When the claim last entered `accepted` or `completed` from another status (null unless it is in one). */
  agreedAt: Date | null;
}

/** Flags of one claim. */
export function claimFlags(claim: ClaimFacts, rules: ReconciliationRules): ClaimFlag[] {
  const flags: ClaimFlag[] = [];
  if (claim.status === 'dead' || claim.status === 'rejected') flags.push('claim-failed');
  if (claim.status === 'submitted' && claim.submittedAt !== null && claim.submittedAt < rules.staleBefore) flags.push('submitted-stale');
  if (claim.acceptedAmountMinor !== null && claim.acceptedAmountMinor !== claim.amountMinor) flags.push('accepted-differs');
  if (claim.resentBlindAt !== null) flags.push('resent-blind');
  if (claimOutdated(claim)) flags.push('claim-outdated');
  if (settledDiffers(claim)) flags.push('settled-differs');
  if (unsettledStale(claim, rules)) flags.push('unsettled-stale');
  return flags;
}

/** Statement lines settle the claim, and their sum is not the amount claimed (no amount claimed counts as 0). */
export function settledDiffers(c: Pick<ClaimFacts, 'settledAmountMinor' | 'amountMinor'>): boolean {
  return c.settledAmountMinor !== null && c.settledAmountMinor !== (c.amountMinor ?? 0);
}

/** Accepted or completed before `rules.unsettledBefore`, and no statement line settles it. */
export function unsettledStale(c: Pick<ClaimFacts, 'status' | 'agreedAt' | 'settledAmountMinor'>, rules: Pick<ReconciliationRules, 'unsettledBefore'>): boolean {
  return (AGREED_CLAIM_STATUSES as readonly string[]).includes(c.status) && c.agreedAt !== null && c.agreedAt < rules.unsettledBefore && c.settledAmountMinor === null;
}

/** A sent claim, not cancelled, that the latest revision no longer calls for as it was sent. */
export function claimOutdated(c: Pick<ClaimFacts, 'status' | 'attempts' | 'amountMinor' | 'currency' | 'plannedMatches' | 'plannedAmountMinor' | 'plannedCurrency'>): boolean {
  if (c.attempts === 0 || c.status === 'cancelled') return false;
  return !c.plannedMatches || c.plannedAmountMinor !== c.amountMinor || c.plannedCurrency !== c.currency;
}

/**
 * The live claims of a judgment add up, in some currency, to more than the judged claim amount in that
 * currency (the judgment's own currency; nothing is judged in any other).
 */
export function overClaimed(j: Pick<JudgmentFacts, 'claimAmountMinor' | 'currency'>, claims: readonly Pick<ClaimFacts, 'status' | 'amountMinor' | 'currency'>[]): boolean {
  const claimed = new Map<string, number>();
  for (const c of claims) {
    if (c.amountMinor !== null && (LIVE_CLAIM_STATUSES as readonly string[]).includes(c.status)) claimed.set(c.currency, (claimed.get(c.currency) ?? 0) + c.amountMinor);
  }
  return [...claimed].some(([currency, sum]) => sum > (currency === j.currency ? (j.claimAmountMinor ?? 0) : 0));
}

/** Payment recorded and not equal to the judged claim amount (an absent claim amount counts as 0). */
export function paymentDiffers(j: JudgmentFacts): boolean {
  return j.paymentAmountMinor !== null && j.paymentAmountMinor !== (j.claimAmountMinor ?? 0);
}

/**
 * The judgment is not `established: false`, there is money to claim, warehouse + delivery shares leave
 * part of it to nobody, and no route that claims the whole amount has a live (not cancelled) claim for it.
 */
export function shareUncovered(j: JudgmentFacts, claims: readonly Pick<ClaimFacts, 'route' | 'status'>[], rules: ReconciliationRules): boolean {
  if (j.established === false) return false;
  if (j.claimAmountMinor === null || j.claimAmountMinor <= 0) return false;
  if (j.warehouseRatioBp === null && j.deliveryRatioBp === null) return false;
  if ((j.warehouseRatioBp ?? 0) + (j.deliveryRatioBp ?? 0) >= 10_000) return false;
  return !claims.some((c) => c.status !== 'cancelled' && rules.wholeAmountRoutes.includes(c.route));
}

/** Flags of a judgment: its own, then every flag of its claims, each once, in FLAGS order. */
export function judgmentFlags(j: JudgmentFacts, claims: readonly ClaimFacts[], rules: ReconciliationRules): Flag[] {
  const found = new Set<Flag>();
  if (paymentDiffers(j)) found.add('payment-differs');
  if (shareUncovered(j, claims, rules)) found.add('share-uncovered');
  if (overClaimed(j, claims)) found.add('over-claimed');
  if (j.outOfOrderCount > 0) found.add('out-of-order');
  if (j.subFenAmount) found.add('sub-fen-amount');
  for (const c of claims) for (const f of claimFlags(c, rules)) found.add(f);
  return FLAGS.filter((f) => found.has(f));
}
