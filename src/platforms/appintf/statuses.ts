/**
 * appintf `refundStatus` (getRefund.jsp) / list `status` (refundList.jsp) → ours. The spec gives no
 * meaning for any value; its examples show `1` on a fresh refund, read here as `submitted` (ASSUMED).
 * Every other value maps to null: the claim stays as it is until the values are known.
 */
import type { MappedClaimStatus } from '../shared/claim-status';

export const APPINTF_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  '1': 'submitted', // ASSUMED from the spec's examples
};

export function appintfClaimStatus(refundStatus: string | number): MappedClaimStatus | null {
  return APPINTF_STATUS_TABLE[String(refundStatus)] ?? null;
}
