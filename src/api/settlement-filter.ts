import type { ParsedUrlQuery } from 'node:querystring';
import type { SettlementFilter } from '../storage/settlements/settlement-repository';
import { badRequest } from './api-error';
import { PLATFORMS } from './judgment-filter';
import { isoTime, oneOf } from './query-params';

/** The filters of GET /api/settlements and /api/settlements.xlsx (docs/http-contract.md). */
export const SETTLEMENT_FILTER_PARAMS = ['platform', 'from', 'to', 'unmatched'] as const;

export function parseSettlementFilter(q: ParsedUrlQuery): SettlementFilter {
  const from = isoTime('from', q.from);
  const to = isoTime('to', q.to, { endOfDay: true });
  if (from && to && to <= from) throw badRequest('to', 'must be after from');
  const unmatched = oneOf('unmatched', q.unmatched, ['0', '1']);
  return { platform: oneOf('platform', q.platform, PLATFORMS), from, to, unmatched: unmatched === undefined ? undefined : unmatched === '1' };
}
