import type { ParsedUrlQuery } from 'node:querystring';
import type { DataSource } from 'typeorm';
import { CLAIM_FLAGS, ClaimFlag, ReconciliationRules } from '../domain/reconciliation';
import { Claim, CLAIM_STATUSES, ClaimStatus } from '../entities';
import { PLATFORMS, Platform } from './judgment-filter';
import { oneOf, positiveInt } from './query-params';
import { claimFlagSql } from './reconciliation-sql';

/** The filters of GET /api/claims and /api/claims.xlsx (docs/http-contract.md). */
export interface ClaimFilter {
  workOrderId?: number;
  platform?: Platform;
  status?: ClaimStatus;
  flag?: ClaimFlag;
}

export const CLAIM_FILTER_PARAMS = ['workOrderId', 'platform', 'status', 'flag'] as const;

export function parseClaimFilter(q: ParsedUrlQuery): ClaimFilter {
  return {
    workOrderId: positiveInt('workOrderId', q.workOrderId),
    platform: oneOf('platform', q.platform, PLATFORMS),
    status: oneOf('status', q.status, CLAIM_STATUSES),
    flag: oneOf('flag', q.flag, CLAIM_FLAGS),
  };
}

/** Up to `limit` claims matching the filter, by id ascending, after claim `afterId` (keyset paging). */
export async function claimPage(dataSource: DataSource, filter: ClaimFilter, rules: ReconciliationRules, afterId: number | null, limit: number): Promise<Claim[]> {
  const qb = dataSource.getRepository(Claim).createQueryBuilder('c').orderBy('c.id', 'ASC').limit(limit);
  if (filter.workOrderId !== undefined) qb.andWhere('c.workOrderId = :workOrderId', { workOrderId: filter.workOrderId });
  if (filter.platform) qb.andWhere('c.platform = :platform', { platform: filter.platform });
  if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
  if (filter.flag) {
    const cond = claimFlagSql(filter.flag, 'c', rules, 'flag');
    qb.andWhere(cond.sql, cond.params);
  }
  if (afterId !== null) qb.andWhere('c.id > :after', { after: afterId });
  return qb.getMany();
}
