/**
 * appintf `refundStatus` (getRefund.jsp) / list `status` (refundList.jsp) → ours.
 *
 * ASSUMED, every row: the spec gives no meaning for any value. Its examples show `1` on a fresh refund
 * (read as `submitted`); 2–5 follow the usual order of a 赔付's life (accepted, paid, refused, cancelled)
 * and are what the fake uses (test/fakes/appintf-fake.ts: a cancel sets `5`). Any other value maps to
 * null: the claim stays as it is until the value is known. Change this table, nothing else, when the real
 * values are learnt.
 */
import type { MappedClaimStatus } from '../shared/claim-status';

export const APPINTF_STATUS_TABLE: Readonly<Record<string, MappedClaimStatus>> = {
  '1': 'submitted', // ASSUMED (the spec's examples): filed, not yet handled
  '2': 'accepted', // ASSUMED: the claim was accepted, payment pending
  '3': 'completed', // ASSUMED: paid
  '4': 'rejected', // ASSUMED: refused
  '5': 'cancelled', // ASSUMED: cancelled (what our cancel through refundList.jsp leads to)
};

export function appintfClaimStatus(refundStatus: string | number): MappedClaimStatus | null {
  const key = String(refundStatus).trim();
  return Object.prototype.hasOwnProperty.call(APPINTF_STATUS_TABLE, key) ? APPINTF_STATUS_TABLE[key] : null;
}
