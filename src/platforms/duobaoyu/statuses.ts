/**
 * Duobaoyu after-sale states (as its status push carries them, `afterSaleStatus`) → ours.
 *
 * The apply spec names only the initial state, 待审核 (pending review), reached when `apply` answers
 * `data.result: true`. The other four rows are ASSUMED (neither the push nor 查询售后订单详情 is in our
 * specs): the Chinese state names Duobaoyu's console uses for review passed, review refused, done and
 * cancelled. Numeric state codes are deliberately NOT accepted: no source gives their numbering, and a
 * guessed number would move claims on a wrong reading; an unknown state (numeric or not) maps to null and
 * the claim stays as it is. Extend this table when the real push is seen.
 */
import type { MappedClaimStatus } from '../shared/claim-status';

export const DUOBAOYU_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  待审核: 'submitted', // pending review: the initial state of a new after-sale order (spec)
  审核通过: 'accepted', // ASSUMED: review passed
  审核驳回: 'rejected', // ASSUMED: review refused
  已完成: 'completed', // ASSUMED: done (refunded / exchanged)
  已取消: 'cancelled', // ASSUMED: cancelled
};

export function duobaoyuClaimStatus(state: string): MappedClaimStatus | null {
  return Object.prototype.hasOwnProperty.call(DUOBAOYU_STATUS_TABLE, state.trim()) ? DUOBAOYU_STATUS_TABLE[state.trim()] : null;
}
