import { AGREED_CLAIM_STATUSES, CLAIM_FLAGS, ClaimFlag, Flag, LIVE_CLAIM_STATUSES, ReconciliationRules } from '../domain/reconciliation';

/**
 * The reconciliation flags of src/domain/reconciliation.ts as SQL conditions, for filtering and counting.
 * Aliases are TypeORM aliases of the caller's query (`w` work_order, `r` its latest judgment_revision,
 * `c` a claim); values only ever travel as named parameters, prefixed by `key` so conditions combine.
 * Claim conditions on a judgment are `w.id IN (SELECT workOrderId FROM claim WHERE …)`, not a correlated
 * EXISTS: without statistics SQLite would run a correlated EXISTS through the status index once per work
 * order (minutes on 100,000 rows); the uncorrelated set is built once.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

export const isClaimFlag = (flag: Flag): flag is ClaimFlag => (CLAIM_FLAGS as readonly string[]).includes(flag);

/** When a claim last entered one of `statuses` from outside them: its newest such event, else its last update. */
const enteredSince = (c: string, e: string, statuses: readonly string[]) => {
  const set = statuses.map((s) => `'${s}'`).join(', ');
  return `COALESCE((SELECT MAX(${e}.createdAt) FROM claim_event ${e} WHERE ${e}.claimId = ${c}.id AND ${e}.toStatus IN (${set})` +
    ` AND (${e}.fromStatus IS NULL OR ${e}.fromStatus NOT IN (${set}))), ${c}.updatedAt)`;
};

/** A claim-level flag on the claim aliased `c`. */
export function claimFlagSql(flag: ClaimFlag, c: string, rules: ReconciliationRules, key: string): SqlCondition {
  switch (flag) {
    case 'claim-failed':
      return { sql: `${c}.status IN ('dead', 'rejected')`, params: {} };
    case 'submitted-stale':
      return { sql: `(${c}.status = 'submitted' AND ${enteredSince(c, `${key}_ev`, ['submitted'])} < :${key}StaleBefore)`, params: { [`${key}StaleBefore`]: rules.staleBefore } };
    case 'accepted-differs':
      return { sql: `(${c}.acceptedAmountMinor IS NOT NULL AND (${c}.amountMinor IS NULL OR ${c}.acceptedAmountMinor <> ${c}.amountMinor))`, params: {} };
    case 'resent-blind':
      return { sql: `${c}.resentBlindAt IS NOT NULL`, params: {} };
    case 'claim-outdated':
      // Null-safe "differs" for the amount: NULL and NULL are the same, NULL and a number differ.
      return {
        sql: `(${c}.attempts > 0 AND ${c}.status <> 'cancelled' AND (${c}.plannedMatches = 0`
          + ` OR (${c}.plannedAmountMinor IS NULL) <> (${c}.amountMinor IS NULL) OR ${c}.plannedAmountMinor <> ${c}.amountMinor`
          + ` OR ${c}.plannedCurrency IS NULL OR ${c}.plannedCurrency <> ${c}.currency))`,
        params: {},
      };
    case 'settled-differs':
      return { sql: `(${c}.settledAmountMinor IS NOT NULL AND ${c}.settledAmountMinor <> COALESCE(${c}.amountMinor, 0))`, params: {} };
    case 'unsettled-stale':
      return {
        sql: `(${c}.status IN (${AGREED_CLAIM_STATUSES.map((s) => `'${s}'`).join(', ')}) AND ${enteredSince(c, `${key}_ag`, AGREED_CLAIM_STATUSES)} < :${key}UnsettledBefore`
          + ` AND ${c}.settledAmountMinor IS NULL)`,
        params: { [`${key}UnsettledBefore`]: rules.unsettledBefore },
      };
  }
}

/**
 * Work orders whose live claims add up, in some currency, to more than the latest revision judged in it:
 * one uncorrelated set (see the header), grouped per work order and currency.
 */
function overClaimedSql(w: string, key: string): SqlCondition {
  const [c, wo, r] = [`${key}_oc`, `${key}_ow`, `${key}_or`];
  return {
    sql: `${w}.id IN (SELECT ${c}.workOrderId FROM claim ${c}`
      + ` INNER JOIN work_order ${wo} ON ${wo}.id = ${c}.workOrderId`
      + ` INNER JOIN judgment_revision ${r} ON ${r}.workOrderId = ${wo}.id AND ${r}.revision = ${wo}.latestRevision`
      + ` WHERE ${c}.status IN (:...${key}Live) AND ${c}.amountMinor IS NOT NULL`
      + ` GROUP BY ${c}.workOrderId, ${c}.currency`
      + ` HAVING SUM(${c}.amountMinor) > MAX(CASE WHEN ${c}.currency = ${r}.currency THEN COALESCE(${r}.claimAmountMinor, 0) ELSE 0 END))`,
    params: { [`${key}Live`]: [...LIVE_CLAIM_STATUSES] },
  };
}

/** Any flag on the judgment of work order `w` with latest revision `r` (claim flags: any of its claims). */
export function judgmentFlagSql(flag: Flag, w: string, r: string, rules: ReconciliationRules, key: string): SqlCondition {
  if (isClaimFlag(flag)) {
    const inner = claimFlagSql(flag, `${key}_c`, rules, key);
    return { sql: `${w}.id IN (SELECT ${key}_c.workOrderId FROM claim ${key}_c WHERE ${inner.sql})`, params: inner.params };
  }
  if (flag === 'payment-differs') {
    return { sql: `(${r}.paymentAmountMinor IS NOT NULL AND ${r}.paymentAmountMinor <> COALESCE(${r}.claimAmountMinor, 0))`, params: {} };
  }
  if (flag === 'over-claimed') return overClaimedSql(w, key);
  if (flag === 'out-of-order') return { sql: `${w}.outOfOrderCount > 0`, params: {} };
  if (flag === 'sub-fen-amount') return { sql: `${r}.subFenAmount <> 0`, params: {} };
  const shares =
    `(${r}.established IS NULL OR ${r}.established <> 0) AND ${r}.claimAmountMinor > 0 AND (${r}.warehouseRatioBp IS NOT NULL OR ${r}.deliveryRatioBp IS NOT NULL)` +
    ` AND COALESCE(${r}.warehouseRatioBp, 0) + COALESCE(${r}.deliveryRatioBp, 0) < 10000`;
  if (rules.wholeAmountRoutes.length === 0) return { sql: `(${shares})`, params: {} };
  return {
    sql: `(${shares} AND ${w}.id NOT IN (SELECT ${key}_c.workOrderId FROM claim ${key}_c WHERE ${key}_c.route IN (:...${key}WholeRoutes) AND ${key}_c.status <> 'cancelled'))`,
    params: { [`${key}WholeRoutes`]: [...rules.wholeAmountRoutes] },
  };
}
