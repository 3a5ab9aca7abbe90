import type { ParsedUrlQuery } from 'node:querystring';
import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { FLAGS, Flag, ReconciliationRules } from '../domain/reconciliation';
import { CLAIM_STATUSES, ClaimStatus } from '../entities';
import { badRequest } from './api-error';
import { isoTime, oneOf, text } from './query-params';
import { claimFlagSql, isClaimFlag, judgmentFlagSql } from './reconciliation-sql';

export const PLATFORMS = ['glitzcloud', 'shopex', 'duobaoyu', 'appintf'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The filters of GET /api/judgments, /api/judgments.csv and /api/summary (INTERFACE.md, plus `flag`). */
export interface JudgmentFilter {
  /** received time ≥ from */
  from?: Date;
  /** received time < to (a plain date includes its whole day) */
  to?: Date;
  tenantId?: string;
  responsibilityParty?: string;
  /** has a claim in this status (and on `platform`, when both are given) */
  status?: ClaimStatus;
  platform?: Platform;
  /** an order, logistics order, waybill or responsibility package number, exactly */
  q?: string;
  flag?: Flag;
}

export const JUDGMENT_FILTER_PARAMS = ['from', 'to', 'tenantId', 'responsibilityParty', 'status', 'platform', 'q', 'flag'] as const;

export function parseJudgmentFilter(query: ParsedUrlQuery): JudgmentFilter {
  const filter: JudgmentFilter = {
    from: isoTime('from', query.from),
    to: isoTime('to', query.to, { endOfDay: true }),
    tenantId: text('tenantId', query.tenantId, 128),
    responsibilityParty: text('responsibilityParty', query.responsibilityParty, 64),
    status: oneOf('status', query.status, CLAIM_STATUSES),
    platform: oneOf('platform', query.platform, PLATFORMS),
    q: text('q', query.q, 128),
    flag: oneOf('flag', query.flag, FLAGS),
  };
  if (filter.from && filter.to && filter.from >= filter.to) throw badRequest('to', 'must be after from');
  return filter;
}

/**
 * Adds the filter to a query over work_order `w` joined to its latest revision `r`. Every value is a
 * named parameter; claim conditions (status, platform, a claim flag) must hold for one and the same claim.
 */
export function applyJudgmentFilter<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, f: JudgmentFilter, rules: ReconciliationRules): SelectQueryBuilder<T> {
  if (f.from) qb.andWhere('w.receivedAt >= :fFrom', { fFrom: f.from });
  if (f.to) qb.andWhere('w.receivedAt < :fTo', { fTo: f.to });
  if (f.tenantId) qb.andWhere('w.tenantId = :fTenant', { fTenant: f.tenantId });
  if (f.responsibilityParty) qb.andWhere('w.responsibilityParty = :fParty', { fParty: f.responsibilityParty });
  if (f.q) {
    // Each branch reads one index; a package number may belong to any revision of the work order.
    qb.andWhere(
      `w.id IN (SELECT qo.id FROM work_order qo WHERE qo.externalOrderId = :fQ
        UNION SELECT ql.workOrderId FROM judgment_revision ql WHERE ql.logisticsOrderNo = :fQ
        UNION SELECT qw.workOrderId FROM judgment_revision qw WHERE qw.waybillNo = :fQ
        UNION SELECT qx.workOrderId FROM judgment_revision qx WHERE qx.externalOrderId = :fQ
        UNION SELECT qp.workOrderId FROM responsibility_package qp WHERE qp.packageNo = :fQ)`,
      { fQ: f.q },
    );
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
    qb.andWhere(`w.id IN (SELECT fc.workOrderId FROM claim fc WHERE ${claimConditions.join(' AND ')})`, claimParams);
  }
  return qb;
}
