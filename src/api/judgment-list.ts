import { DataSource, In } from 'typeorm';
import { Flag, judgmentFlags, ReconciliationRules } from '../domain/reconciliation';
import { Claim, JudgmentRevision, WorkOrder } from '../entities';
import { ClaimWithFacts, loadClaimFacts, presentClaimWithFacts } from './claim-facts';
import { applyJudgmentFilter, choosePageClaimCheck, JudgmentFilter } from './judgment-filter';
import { presentJudgment } from './present';

/**
 * The judgment list, one keyset page at a time: newest first by the work order's first received time,
 * then id. A new push only ever lands before the first page (a later received time) or revises a work
 * order in place (same key), so paging never repeats or skips a row while pushes arrive. Used by the
 * JSON list (≤ 500 a page) and the CSV export (batches of 500, src/api/judgments-csv.ts).
 */
export type JudgmentKey = [receivedAt: string, workOrderId: number];

/** The query of one page's work orders (limit + 1 rows: the extra one tells whether more follow); also what the bench times (bench/finance-scale.ts). */
export async function judgmentPageQuery(dataSource: DataSource, filter: JudgmentFilter, rules: ReconciliationRules, after: JudgmentKey | null, limit: number) {
  const qb = dataSource
    .getRepository(WorkOrder)
    .createQueryBuilder('w')
    .innerJoin(JudgmentRevision, 'r', 'r.workOrderId = w.id AND r.revision = w.latestRevision');
  applyJudgmentFilter(qb, filter, rules, await choosePageClaimCheck(dataSource, filter, rules));
  if (after) {
    const at = new Date(after[0]);
    qb.andWhere('(w.receivedAt < :kAt OR (w.receivedAt = :kAt AND w.id < :kId))', { kAt: at, kId: after[1] });
  }
  return qb.orderBy('w.receivedAt', 'DESC').addOrderBy('w.id', 'DESC').limit(limit + 1);
}

export async function loadJudgmentPage(
  dataSource: DataSource,
  filter: JudgmentFilter,
  rules: ReconciliationRules,
  after: JudgmentKey | null,
  limit: number,
) {
  const workOrders = await (await judgmentPageQuery(dataSource, filter, rules, after, limit)).getMany();
  const pageRows = workOrders.slice(0, limit);
  const rows = await judgmentRows(dataSource, pageRows, rules);
  const last = pageRows[pageRows.length - 1];
  return { rows, hasMore: workOrders.length > limit, lastKey: last ? ([last.receivedAt.toISOString(), last.id] as JudgmentKey) : null };
}

/** A work order of the list with its latest revision, its flags (its own and those its claims raise) and its claims with their facts. */
export interface JudgmentRow {
  workOrder: WorkOrder;
  latest: JudgmentRevision;
  flags: Flag[];
  claims: ClaimWithFacts[];
}

/** The rows of the list for these work orders: a fixed number of queries (revisions, claims, their facts), whatever their number. */
export async function judgmentRows(dataSource: DataSource, workOrders: WorkOrder[], rules: ReconciliationRules): Promise<JudgmentRow[]> {
  if (workOrders.length === 0) return [];
  const ids = workOrders.map((w) => w.id);
  const revisions = await dataSource
    .getRepository(JudgmentRevision)
    .createQueryBuilder('r')
    .innerJoin(WorkOrder, 'w', 'w.id = r.workOrderId AND r.revision = w.latestRevision')
    .select([
      'r.id', 'r.workOrderId', 'r.revision', 'r.externalOrderId', 'r.tenantId', 'r.bizType', 'r.responsibilityParty', 'r.warehouseRatioBp',
      'r.deliveryRatioBp', 'r.claimAmountMinor', 'r.paymentAmountMinor', 'r.currency', 'r.established',
    ])
    .where('r.workOrderId IN (:...ids)', { ids })
    .getMany();
  const latest = new Map(revisions.map((r) => [r.workOrderId, r]));
  const claims = await dataSource.getRepository(Claim).find({ where: { workOrderId: In(ids) }, order: { id: 'ASC' } });
  const claimsOf = new Map<number, JudgmentRow['claims']>();
  for (const withFacts of await loadClaimFacts(dataSource, claims)) {
    const own = claimsOf.get(withFacts.claim.workOrderId);
    if (own) own.push(withFacts);
    else claimsOf.set(withFacts.claim.workOrderId, [withFacts]);
  }
  return workOrders.map((workOrder) => {
    const r = latest.get(workOrder.id)!;
    const own = claimsOf.get(workOrder.id) ?? [];
    return { workOrder, latest: r, flags: judgmentFlags({ ...r, outOfOrderCount: workOrder.outOfOrderCount }, own.map((c) => c.facts), rules), claims: own };
  });
}

/** A row as an item of GET /api/judgments (docs/http-contract.md): the judgment's fields, flags, and the claims with theirs. */
export function presentListItem(row: JudgmentRow, rules: ReconciliationRules) {
  return {
    ...presentJudgment(row.workOrder, row.latest),
    flags: row.flags,
    claims: row.claims.map((c) => presentClaimWithFacts(c, rules)),
  };
}

/** Claims as GET /api/claims and the operator actions answer them: each with its settlement and flags. */
export async function presentClaimsWithFlags(dataSource: DataSource, claims: Claim[], rules: ReconciliationRules) {
  return (await loadClaimFacts(dataSource, claims)).map((c) => presentClaimWithFacts(c, rules));
}
