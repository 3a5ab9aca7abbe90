/**
 * Glitzcloud claim states → ours. A claim carries two: `status` (the warehouse's handling: 0未处理
 * 1处理中 2已处理 3已取消) and `customer_status` (the outcome for us: 0已创建 1待审核 2已完成 3已驳回 4已取消).
 * A final customer_status decides; otherwise `status` does. A fresh claim answers status 1 /
 * customer_status 0 (the spec's example), which is still only `submitted`.
 *
 * `platformStatus` strings from this client read `"<status>/<customer_status>"`, e.g. `"1/0"`.
 */
import type { MappedClaimStatus } from '../shared/claim-status';

export const GLITZCLOUD_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  '0': 'submitted', // 未处理: not handled yet
  '1': 'submitted', // 处理中: being handled, no decision yet
  '2': 'accepted', // 已处理: handled by the warehouse; customer_status tells paid or refused
  '3': 'cancelled', // 已取消
};

export const GLITZCLOUD_CUSTOMER_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  '0': 'submitted', // 已创建
  '1': 'submitted', // 待审核: awaiting review
  '2': 'completed', // 已完成
  '3': 'rejected', // 已驳回
  '4': 'cancelled', // 已取消
};

const FINAL_CUSTOMER_STATUSES = ['2', '3', '4'];

/** Our status for a (status, customer_status) pair, or null when neither is known. */
export function glitzcloudClaimStatus(status: string | null, customerStatus: string | null): MappedClaimStatus | null {
  if (customerStatus !== null && FINAL_CUSTOMER_STATUSES.includes(customerStatus)) {
    return GLITZCLOUD_CUSTOMER_STATUS_TABLE[customerStatus];
  }
  return (status !== null ? GLITZCLOUD_STATUS_TABLE[status] : undefined)
    ?? (customerStatus !== null ? GLITZCLOUD_CUSTOMER_STATUS_TABLE[customerStatus] : undefined)
    ?? null;
}

/** The `platformStatus` text this client stores for a claim. */
export function glitzcloudPlatformStatus(status: string | null, customerStatus: string | null): string | null {
  return status === null && customerStatus === null ? null : `${status ?? ''}/${customerStatus ?? ''}`;
}

/** Our status for a stored `platformStatus` text (`"2/3"` → rejected). */
export function glitzcloudClaimStatusOf(platformStatus: string): MappedClaimStatus | null {
  const [status = '', customerStatus = ''] = platformStatus.split('/');
  return glitzcloudClaimStatus(status || null, customerStatus || null);
}
