/**
 * Whether an appintf refund is provably the one a claim filed. The refund list gives only orderId and
 * refundId, so each candidate of the claim's order is read with getRefund.jsp and compared with what the
 * claim's submit carried: cause type, cause text and proofs must all be reported and equal. appintf
 * reports no filing time; the one time it reports, 处理时间 (when the refund was handled), rules a refund
 * out when it lies before the claim existed: a refund handled before our claim was made is not ours.
 * What this cannot tell apart (two claims of one order sending the very same cause and proofs) is kept
 * apart by the caller: a refund another claim holds is never a candidate, and the database refuses two
 * claims with one refundId.
 */
import { parseQimenTimestamp } from '../../verify/qimen-timestamp';
import type { AppintfRefundFiling } from './response';

/** The submit's own params, as appintfSubmitParams gives them. */
export interface AppintfSubmitted {
  orderId: string;
  causeType: string;
  cause: string;
  proofs: string;
}

/** Why a refund is not the claim's, or null when it provably is. */
export function notOwnRefundBecause(filing: AppintfRefundFiling, sent: AppintfSubmitted, claimCreatedAt: Date): string | null {
  for (const key of ['causeType', 'cause', 'proofs'] as const) {
    if (filing[key] === null) return `getRefund reports no ${key}`;
    if (filing[key] !== sent[key]) return `its ${key} differs from the one sent`;
  }
  const handledAt = filing.processingDate ? parseQimenTimestamp(filing.processingDate) : null;
  // The time has whole seconds: one second of slack, so a refund handled the second the claim was made counts.
  if (handledAt !== null && handledAt + 1000 <= claimCreatedAt.getTime()) return `it was handled (${filing.processingDate}) before the claim existed`;
  return null;
}
