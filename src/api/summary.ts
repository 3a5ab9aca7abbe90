import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { FLAGS, Flag, ReconciliationRules } from '../domain/reconciliation';
import { formatMinorTotal, minorFromSum } from '../domain/money-totals';
import { Claim, JudgmentRevision, WorkOrder } from '../entities';
import type { FinanceContext } from './finance-context';
import { applyJudgmentFilter, filtersJudgments, JudgmentFilter } from './judgment-filter';
import { claimFlagSql, isClaimFlag, judgmentFlagSql } from './reconciliation-sql';
import { sqlDialect } from './sql-dialect';

/**
 * GET /api/summary and /api/summary/daily. Every amount is a SUM over integer fen columns, read as text
 * and added as BigInt: never a float. Definitions (per currency):
 * - judgedClaimAmount: judgeResult.claimAmount of each judgment's latest revision;
 * - paidAmount: paymentInfo.paymentAmount of the latest revision;
 * - claimedAmount: amount of the claims the platforms took (submitted, accepted, rejected, completed);
 * - acceptedAmount: of accepted and completed claims, the platform's accepted amount where it gave one,
 *   else the amount claimed;
 * - completedAmount (recovered): the same for completed claims only;
 * - per platform, settledAmount: the statement lines that settle its claims; outstandingAmount: the accepted
 *   amount less what the lines settle of the accepted and completed claims.
 * Claim totals count only claims that satisfy the filter's claim conditions (status, platform, claim flag).
 */
export const FILED_STATUSES = ['submitted', 'accepted', 'rejected', 'completed'];
const ACCEPTED_STATUSES = ['accepted', 'completed'];

function judgmentQuery(fin: FinanceContext, filter: JudgmentFilter, rules: ReconciliationRules) {
  const qb = fin.dataSource.getRepository(WorkOrder).createQueryBuilder('w').innerJoin(JudgmentRevision, 'r', 'r.workOrderId = w.id AND r.revision = w.latestRevision');
  return applyJudgmentFilter(qb, filter, rules);
}

/**
 * Claims of the filtered judgments that themselves meet the filter's claim conditions. The judgment tables are
 * joined only when the filter needs them, and the work order alone when the caller groups by its columns
 * (`withWorkOrder`: party, received day): a claim meeting the claim conditions belongs to a work order with
 * such a claim, so without judgment conditions the claims alone answer (an unfiltered view reads the claim
 * table, not a million work orders and revisions).
 */
function claimQuery(fin: FinanceContext, filter: JudgmentFilter, rules: ReconciliationRules, opts: { withWorkOrder: boolean }) {
  const qb = fin.dataSource.getRepository(Claim).createQueryBuilder('c');
  if (filtersJudgments(filter)) {
    qb.innerJoin(WorkOrder, 'w', 'w.id = c.workOrderId').innerJoin(JudgmentRevision, 'r', 'r.workOrderId = w.id AND r.revision = w.latestRevision');
    applyJudgmentFilter(qb, filter, rules);
  } else if (opts.withWorkOrder) {
    qb.innerJoin(WorkOrder, 'w', 'w.id = c.workOrderId');
  }
  if (filter.status) qb.andWhere('c.status = :cStatus', { cStatus: filter.status });
  if (filter.platform) qb.andWhere('c.platform = :cPlatform', { cPlatform: filter.platform });
  if (filter.flag && isClaimFlag(filter.flag)) {
    const cond = claimFlagSql(filter.flag, 'c', rules, 'cFlag');
    qb.andWhere(cond.sql, cond.params);
  }
  return qb;
}

/** A group of claims (one currency, party, platform and status): their count and sums in minor units. */
export interface ClaimGroup {
  currency: string;
  party: string | null;
  platform: string;
  status: string;
  claims: number;
  amount: bigint;
  /** The platform's accepted amount where it gave one, else the amount claimed. */
  settled: bigint;
  /** What statement lines settle of these claims. */
  lines: bigint;
}

/**
 * The filtered claims grouped by currency, platform, status (and the judgment's responsibility party when
 * `byParty`), in one grouped query; what statement lines settle is kept on each claim (settledAmountMinor).
 */
export async function claimGroups(fin: FinanceContext, filter: JudgmentFilter, rules: ReconciliationRules, opts: { byParty: boolean }): Promise<ClaimGroup[]> {
  const d = sqlDialect(fin.dataSource);
  // In the order of IDX_claim_reconciliation, so that MariaDB reads the groups off the index in order.
  const qb = claimQuery(fin, filter, rules, { withWorkOrder: opts.byParty }).select('COUNT(*)', 'claims')
    .addSelect('c.platform', 'platform').addSelect('c.currency', 'currency').addSelect('c.status', 'status')
    .addSelect(d.sumText('c.amountMinor'), 'amount')
    .addSelect(d.sumText('COALESCE(c.acceptedAmountMinor, c.amountMinor)'), 'settled')
    .addSelect(d.sumText('c.settledAmountMinor'), 'lines')
    .groupBy('c.platform').addGroupBy('c.currency').addGroupBy('c.status');
  if (opts.byParty) qb.addSelect('w.responsibilityParty', 'party').addGroupBy('w.responsibilityParty');
  const rows = await qb.getRawMany<{ currency: string; party?: string | null; platform: string; status: string; claims: unknown; amount: unknown; settled: unknown; lines: unknown }>();
  return rows.map((r) => ({
    currency: r.currency, party: r.party ?? null, platform: r.platform, status: r.status, claims: Number(r.claims),
    amount: minorFromSum(r.amount), settled: minorFromSum(r.settled), lines: minorFromSum(r.lines),
  }));
}

interface Measures {
  judgments: number;
  judgedClaimAmount: bigint;
  paidAmount: bigint;
  claims: number;
  claimedAmount: bigint;
  acceptedAmount: bigint;
  completedAmount: bigint;
}

const emptyMeasures = (): Measures => ({ judgments: 0, judgedClaimAmount: 0n, paidAmount: 0n, claims: 0, claimedAmount: 0n, acceptedAmount: 0n, completedAmount: 0n });

function presentMeasures(m: Measures) {
  return {
    judgments: m.judgments, judgedClaimAmount: formatMinorTotal(m.judgedClaimAmount), paidAmount: formatMinorTotal(m.paidAmount),
    claims: m.claims, claimedAmount: formatMinorTotal(m.claimedAmount), acceptedAmount: formatMinorTotal(m.acceptedAmount),
    completedAmount: formatMinorTotal(m.completedAmount),
  };
}

/** A platform's measures: its claims' and what its statements settled of them. */
type PlatformMeasures = Measures & { amount: bigint; settledAmount: bigint; settledOfAccepted: bigint };

function presentClaimMeasures(m: PlatformMeasures) {
  return {
    claims: m.claims, amount: formatMinorTotal(m.amount), claimedAmount: formatMinorTotal(m.claimedAmount),
    acceptedAmount: formatMinorTotal(m.acceptedAmount), completedAmount: formatMinorTotal(m.completedAmount),
    settledAmount: formatMinorTotal(m.settledAmount), outstandingAmount: formatMinorTotal(m.acceptedAmount - m.settledOfAccepted),
  };
}

/** Adds a claim group's sums to measures by its status. */
function addClaims(m: Measures, row: { status: string; claims: number; amount: bigint; settled: bigint }) {
  m.claims += row.claims;
  if (FILED_STATUSES.includes(row.status)) m.claimedAmount += row.amount;
  if (ACCEPTED_STATUSES.includes(row.status)) m.acceptedAmount += row.settled;
  if (row.status === 'completed') m.completedAmount += row.settled;
}

/** Adds a claim group to its platform's measures. */
function addToPlatform(platforms: Map<string, PlatformMeasures>, row: ClaimGroup) {
  const pl = bucket(platforms, row.platform, () => ({ ...emptyMeasures(), amount: 0n, settledAmount: 0n, settledOfAccepted: 0n }));
  pl.amount += row.amount;
  pl.settledAmount += row.lines;
  if (ACCEPTED_STATUSES.includes(row.status)) pl.settledOfAccepted += row.lines;
  addClaims(pl, row);
}

function bucket<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (!value) map.set(key, (value = make()));
  return value;
}

const sorted = <V>(map: Map<string, V>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export async function summary(fin: FinanceContext, filter: JudgmentFilter) {
  const rules = fin.rules();
  const d = sqlDialect(fin.dataSource);

  // The judgments' totals and flag counts in one scan of the judgments (per currency and party; flags added up per currency).
  const judgmentQb: SelectQueryBuilder<ObjectLiteral> = judgmentQuery(fin, filter, rules)
    .select('r.currency', 'currency')
    .addSelect('w.responsibilityParty', 'party')
    .addSelect('COUNT(*)', 'judgments')
    .addSelect(d.sumText('r.claimAmountMinor'), 'judged')
    .addSelect(d.sumText('r.paymentAmountMinor'), 'paid');
  FLAGS.forEach((flag, i) => {
    const cond = judgmentFlagSql(flag, 'w', 'r', rules, `sf${i}`);
    judgmentQb.addSelect(`SUM(CASE WHEN ${cond.sql} THEN 1 ELSE 0 END)`, `f${i}`).setParameters({ ...judgmentQb.getParameters(), ...cond.params });
  });
  const judgmentRows = await judgmentQb.groupBy('r.currency').addGroupBy('w.responsibilityParty')
    .getRawMany<{ currency: string; party: string | null; judgments: unknown; judged: unknown; paid: unknown } & Record<string, unknown>>();
  const flagCounts = new Map<string, Record<Flag, number>>();
  for (const row of judgmentRows) {
    const counts = bucket(flagCounts, row.currency, zeroFlags);
    FLAGS.forEach((flag, i) => (counts[flag] += Number(row[`f${i}`] ?? 0)));
  }

  const claimRows = await claimGroups(fin, filter, rules, { byParty: true });

  type Totals = Measures & { parties: Map<string, Measures>; platforms: Map<string, PlatformMeasures>; statuses: Map<string, { claims: number; amount: bigint }> };
  const currencies = new Map<string, Totals>();
  const totalsOf = (currency: string) =>
    bucket(currencies, currency, () => ({ ...emptyMeasures(), parties: new Map(), platforms: new Map(), statuses: new Map() }));
  const partyKey = (party: string | null) => party ?? '';

  for (const row of judgmentRows) {
    const t = totalsOf(row.currency);
    const p = bucket(t.parties, partyKey(row.party), emptyMeasures);
    for (const m of [t, p]) {
      m.judgments += Number(row.judgments);
      m.judgedClaimAmount += minorFromSum(row.judged);
      m.paidAmount += minorFromSum(row.paid);
    }
  }
  for (const row of claimRows) {
    const t = totalsOf(row.currency);
    addClaims(t, row);
    addClaims(bucket(t.parties, partyKey(row.party), emptyMeasures), row);
    addToPlatform(t.platforms, row);
    const st = bucket(t.statuses, row.status, () => ({ claims: 0, amount: 0n }));
    st.claims += row.claims;
    st.amount += row.amount;
  }

  return {
    currencies: sorted(currencies).map(([currency, t]) => ({
      currency,
      ...presentMeasures(t),
      flags: flagCounts.get(currency) ?? zeroFlags(),
      byResponsibilityParty: sorted(t.parties).map(([party, m]) => ({ responsibilityParty: party === '' ? null : party, ...presentMeasures(m) })),
      byPlatform: sorted(t.platforms).map(([platform, m]) => ({ platform, ...presentClaimMeasures(m) })),
      byStatus: sorted(t.statuses).map(([status, m]) => ({ status, claims: m.claims, amount: formatMinorTotal(m.amount) })),
    })),
  };
}

/**
 * GET /api/reconciliation: per currency, each platform's claims and their claimed, accepted, completed, settled
 * and outstanding amounts (the summary's byPlatform, without its judgment totals and flag counts, so an
 * unfiltered view reads the claims and the statement lines only).
 */
export async function reconciliation(fin: FinanceContext, filter: JudgmentFilter) {
  const currencies = new Map<string, Map<string, PlatformMeasures>>();
  for (const row of await claimGroups(fin, filter, fin.rules(), { byParty: false })) addToPlatform(bucket(currencies, row.currency, () => new Map()), row);
  return {
    currencies: sorted(currencies).map(([currency, platforms]) => ({
      currency,
      byPlatform: sorted(platforms).map(([platform, m]) => ({ platform, ...presentClaimMeasures(m) })),
    })),
  };
}

const zeroFlags = () => Object.fromEntries(FLAGS.map((f) => [f, 0])) as Record<Flag, number>;

/** Judged, paid, claimed, accepted and completed amounts per local day of the judgments' received time. */
export async function dailySummary(fin: FinanceContext, filter: JudgmentFilter, utcOffsetMinutes: number) {
  const rules = fin.rules();
  const d = sqlDialect(fin.dataSource);
  const shift = { dayShift: d.dayShift(utcOffsetMinutes) };

  const judged = await judgmentQuery(fin, filter, rules)
    .select('r.currency', 'currency')
    .addSelect(d.localDay('w.receivedAt', 'dayShift'), 'bucket')
    .addSelect('COUNT(*)', 'judgments')
    .addSelect(d.sumText('r.claimAmountMinor'), 'judged')
    .addSelect(d.sumText('r.paymentAmountMinor'), 'paid')
    .setParameters(shift)
    .groupBy('r.currency')
    .addGroupBy('bucket')
    .getRawMany<{ currency: string; bucket: string; judgments: unknown; judged: unknown; paid: unknown }>();
  const claimed = await claimQuery(fin, filter, rules, { withWorkOrder: true })
    .select('c.currency', 'currency')
    .addSelect(d.localDay('w.receivedAt', 'dayShift'), 'bucket')
    .addSelect('c.status', 'status')
    .addSelect('COUNT(*)', 'claims')
    .addSelect(d.sumText('c.amountMinor'), 'amount')
    .addSelect(d.sumText('COALESCE(c.acceptedAmountMinor, c.amountMinor)'), 'settled')
    .setParameters(shift)
    .groupBy('c.currency')
    .addGroupBy('bucket')
    .addGroupBy('c.status')
    .getRawMany<{ currency: string; bucket: string; status: string; claims: unknown; amount: unknown; settled: unknown }>();

  const currencies = new Map<string, Map<string, Measures>>();
  for (const row of judged) {
    const m = bucket(bucket(currencies, row.currency, () => new Map()), row.bucket, emptyMeasures);
    m.judgments += Number(row.judgments);
    m.judgedClaimAmount += minorFromSum(row.judged);
    m.paidAmount += minorFromSum(row.paid);
  }
  for (const row of claimed) {
    const m = bucket(bucket(currencies, row.currency, () => new Map()), row.bucket, emptyMeasures);
    addClaims(m, { status: row.status, claims: Number(row.claims), amount: minorFromSum(row.amount), settled: minorFromSum(row.settled) });
  }
  return {
    utcOffsetMinutes,
    currencies: sorted(currencies).map(([currency, days]) => ({ currency, days: sorted(days).map(([day, m]) => ({ day, ...presentMeasures(m) })) })),
  };
}
