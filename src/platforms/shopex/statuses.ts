/**
 * ShopEx after-sale `status` (spec: 1申请中 2审核中 3接受申请 4完成 5拒绝 6已收货 7已质检 8补差价
 * 9已拒绝退款) → ours. 6–8 are steps after the application was accepted, so `accepted`.
 */
import type { MappedClaimStatus } from '../shared/claim-status';

export const SHOPEX_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  '1': 'submitted', // 申请中: applied
  '2': 'submitted', // 审核中: under review
  '3': 'accepted', // 接受申请: accepted
  '4': 'completed', // 完成: done
  '5': 'rejected', // 拒绝: refused
  '6': 'accepted', // 已收货: goods received back
  '7': 'accepted', // 已质检: inspected
  '8': 'accepted', // 补差价: price difference being settled
  '9': 'rejected', // 已拒绝退款: refund refused
};

export function shopexClaimStatus(status: string | number): MappedClaimStatus | null {
  return SHOPEX_STATUS_TABLE[String(status)] ?? null;
}
