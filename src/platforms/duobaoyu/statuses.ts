/**
 * Duobaoyu after-sale states → ours, as far as the spec says: it names only the initial state, 待审核
 * (pending review), reached when `apply` answers `data.result: true`. The state codes of 查询售后订单详情
 * are not in our spec; unknown states map to null (the claim stays as it is). Extend the table when the
 * detail spec or the push's states are known.
 */
import type { MappedClaimStatus } from '../shared/claim-status';

export const DUOBAOYU_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  待审核: 'submitted', // initial state of a new after-sale order
};

export function duobaoyuClaimStatus(state: string): MappedClaimStatus | null {
  return DUOBAOYU_STATUS_TABLE[state] ?? null;
}
