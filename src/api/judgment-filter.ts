import type { ParsedUrlQuery } from 'node:querystring';
import type { DataSource, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { FLAGS, Flag, ReconciliationRules } from '../domain/reconciliation';
import { CLAIM_STATUSES, ClaimStatus } from '../entities';
import { PLATFORM_NAMES } from '../platforms';
import { badRequest } from './api-error';
import { currencyCode, isoTime, oneOf, text } from './query-params';
import { claimFlagSql, isClaimFlag, judgmentFlagSql } from './reconciliation-sql';

export const PLATFORMS = PLATFORM_NAMES;
export type Platform = (typeof PLATFORMS)[number];

/** The filters of GET /api/judgments, /api/judgments.csv and /api/summary (docs/http-contract.md, plus `flag`). */
export interface JudgmentFilter {
  /** received time ≥ from */
  from?: Date;
  /** received time < to (a plain date includes its whole day) */
  to?: Date;
  tenantId?: string;
  responsibilityParty?: string;
  /** the latest revision's currency (ISO 4217, upper case) */
  currency?: string;
  /** has a claim in this status (and on `platform`, when both are given) */
  status?: ClaimStatus;
  platform?: Platform;
  /** an order, logistics order, waybill or responsibility package number, exactly */
  q?: string;
  flag?: Flag;
  /** The work orders `q` matches, looked up once before the list query (resolveJudgmentFilter). */
  qWorkOrderIds?: number[];
}

export const JUDGMENT_FILTER_PARAMS = ['from', 'to', 'tenantId', 'responsibilityParty', 'currency', 'status', 'platform', 'q', 'flag'] as const;

export function parseJudgmentFilter(query: ParsedUrlQuery): JudgmentFilter {
  const filter: JudgmentFilter = {
    from: isoTime('from', query.from),
    to: isoTime('to', query.to, { endOfDay: true }),
    tenantId: text('tenantId', query.tenantId, 128),
    responsibilityParty: text('responsibilityParty', query.responsibilityParty, 64),
    currency: currencyCode('currency', query.currency),
    status: oneOf('status', query.status, CLAIM_STATUSES),
    platform: oneOf('platform', query.platform, PLATFORMS),
    q: text('q', query.q, 128),
    flag: oneOf('flag', query.flag, FLAGS),
  };
  if (filter.from && filter.to && filter.from >= filter.to) throw badRequest('to', 'must be after from');
  return filter;
}

/**
 * Looks `q` up once: five index lookups (work order, logistics order, waybill, revision order number,
 * package number) in one UNION. Run inside the list query as `IN (… UNION …)`, MariaDB evaluated it once
 * per work order (11.8 s on 1,000,000 judgments, BENCHMARKS.md); looked up first it takes milliseconds.
 */
export async function resolveJudgmentFilter(dataSource: DataSource, filter: JudgmentFilter): Promise<JudgmentFilter> {
  if (!filter.q) return filter;
  const q = (name: string) => dataSource.driver.escape(name);
  const rows: Array<{ id: number | string }> = await dataSource.query(
    `SELECT ${q('id')} AS id FROM ${q('work_order')} WHERE ${q('externalOrderId')} = ?
      UNION SELECT ${q('workOrderId')} FROM ${q('judgment_revision')} WHERE ${q('logisticsOrderNo')} = ?
      UNION SELECT ${q('workOrderId')} FROM ${q('judgment_revision')} WHERE ${q('waybillNo')} = ?
      UNION SELECT ${q('workOrderId')} FROM ${q('judgment_revision')} WHERE ${q('externalOrderId')} = ?
      UNION SELECT ${q('workOrderId')} FROM ${q('responsibility_package')} WHERE ${q('packageNo')} = ?`,
    [filter.q, filter.q, filter.q, filter.q, filter.q],
  );
  return { ...filter, qWorkOrderIds: rows.map((r) => Number(r.id)) };
}

/**
 * Adds the filter to a query over work_order `w` joined to its latest revision `r`. Every value is a
 * named parameter; claim conditions (status, platform, a claim flag) must hold for one and the same claim.
 */
/** Whether the filter names anything of the judgment (its work order or latest revision), not only of its claims: the conditions below on `w` and `r`. */
export function filtersJudgments(f: JudgmentFilter): boolean {
  return Boolean(f.from || f.to || f.tenantId || f.responsibilityParty || f.currency || f.q || (f.flag && !isClaimFlag(f.flag)));
}

/**
 * How claim conditions (status, platform, claim flag) are checked: `semijoin` (`w.id IN (SELECT … FROM
 * claim …)`) suits totals and rare matches; `per-row` suits one newest-first page when many claims match,
 * where the semi-join would materialize and sort every match (3.8 s for `status=submitted` on 1,000,000
 * judgments, BENCHMARKS.md). See choosePageClaimCheck.
 */
export type ClaimCheck = 'semijoin' | 'per-row';

export function applyJudgmentFilter<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>, f: JudgmentFilter, rules: ReconciliationRules, claimCheck: ClaimCheck = 'semijoin',
): SelectQueryBuilder<T> {
  if (f.from) qb.andWhere('w.receivedAt >= :fFrom', { fFrom: f.from });
  if (f.to) qb.andWhere('w.receivedAt < :fTo', { fTo: f.to });
  if (f.tenantId) qb.andWhere('w.tenantId = :fTenant', { fTenant: f.tenantId });
  if (f.responsibilityParty) qb.andWhere('w.responsibilityParty = :fParty', { fParty: f.responsibilityParty });
  if (f.currency) qb.andWhere('r.currency = :fCurrency', { fCurrency: f.currency });
  if (f.q) {
    // A package number may belong to any revision of the work order: see resolveJudgmentFilter.
    if (!f.qWorkOrderIds) throw new Error('q must be resolved with resolveJudgmentFilter first');
    if (f.qWorkOrderIds.length === 0) qb.andWhere('1 = 0');
    else qb.andWhere('w.id IN (:...fQIds)', { fQIds: f.qWorkOrderIds });
  }
  const claimConditions: string[] = [];
  const claimParams: Record<string, unknown> = {};
  if (f.status) {
    claimConditions.push('fc.status = :fStatus');
    claimParams.fStatus = f.status;
  }
  if (f.platform) {
    claimConditions.push('fc.platform = :fPlatform');
    claimParams.fPlatform = f.platform;
  }
  if (f.flag && isClaimFlag(f.flag)) {
    const cond = claimFlagSql(f.flag, 'fc', rules, 'fFlag');
    claimConditions.push(cond.sql);
    Object.assign(claimParams, cond.params);
  } else if (f.flag) {
    const cond = judgmentFlagSql(f.flag, 'w', 'r', rules, 'fFlag');
    qb.andWhere(cond.sql, cond.params);
  }
  if (claimConditions.length) {
    const conditions = claimConditions.join(' AND ');
    if (claimCheck === 'per-row') {
      // A scalar subquery is never turned into a semi-join: the newest-first page walks work orders by
      // received time and stops after a page, each check one lookup in IDX_claim_work_order_status.
      qb.andWhere(`(SELECT 1 FROM claim fc WHERE fc.workOrderId = w.id AND ${conditions} LIMIT 1) IS NOT NULL`, claimParams);
    } else {
      qb.andWhere(`w.id IN (SELECT fc.workOrderId FROM claim fc WHERE ${conditions})`, claimParams);
    }
  }
  return qb;
}

/** Claims matching more than this make a page check them per work order rather than by semi-join. */
const PER_ROW_ABOVE = 2000;

/**
 * For one page of judgments on MySQL/MariaDB: `per-row` when the filter's claim conditions match many
 * claims (the page fills after a few rows of the received-time index), else `semijoin` (few matches:
 * cheaper to collect them first). SQLite keeps the semi-join, which it plans well.
 */
export async function choosePageClaimCheck(dataSource: DataSource, f: JudgmentFilter, rules: ReconciliationRules): Promise<ClaimCheck> {
  if (dataSource.options.type === 'better-sqlite3' || !(f.status || f.platform || (f.flag && isClaimFlag(f.flag)))) return 'semijoin';
  // Whether a row exists past the threshold: reads at most PER_ROW_ABOVE + 1 index entries, never all.
  const qb = dataSource.createQueryBuilder().select('1', 'one').from('claim', 'fc').offset(PER_ROW_ABOVE).limit(1);
  if (f.status) qb.andWhere('fc.status = :fStatus', { fStatus: f.status });
  if (f.platform) qb.andWhere('fc.platform = :fPlatform', { fPlatform: f.platform });
  if (f.flag && isClaimFlag(f.flag)) {
    const cond = claimFlagSql(f.flag, 'fc', rules, 'fFlag');
    qb.andWhere(cond.sql, cond.params);
  }
  return (await qb.getRawOne()) ? 'per-row' : 'semijoin';
}
