import type { Claim } from '../entities';
import { AppintfClient } from '../platforms/appintf';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';

export type PlatformCancel = { ok: true; note: string } | { ok: false; code: string; message: string };

/**
 * Cancels a claim the platform already holds, where the platform lets us: appintf has a cancel API (its
 * spec lists it under refundList.jsp, POST with orderId + refundId — an odd URL for a cancel, followed as
 * written). The other platforms' specs have none: the claim is cancelled here only, and the note says the
 * platform still holds it. A claim not yet on the platform (pending, dead, rejected) needs no call.
 */
export async function cancelOnPlatform(clients: ReadonlyMap<string, DuplicateAwareClient> | undefined, claim: Claim): Promise<PlatformCancel> {
  if (claim.status !== 'submitted' && claim.status !== 'accepted') return { ok: true, note: 'not on the platform' };
  if (claim.platform !== 'appintf') {
    return { ok: true, note: `cancelled here only: ${claim.platform} has no cancel API; it still holds ${claim.platformClaimId ?? 'the claim'}` };
  }
  const client = clients?.get('appintf');
  if (!(client instanceof AppintfClient)) return { ok: false, code: 'platform-unavailable', message: 'the appintf client is not configured' };
  if (!claim.platformClaimId) return { ok: false, code: 'no-refund-id', message: 'appintf has not told us the refundId yet; try again after the next poll' };
  const orderId = String((JSON.parse(claim.fields) as Record<string, unknown>).orderId ?? '');
  const { outcome } = await client.cancelRefund(orderId, claim.platformClaimId);
  if (outcome.kind === 'submitted') return { ok: true, note: `cancelled on appintf (refund ${claim.platformClaimId})` };
  return { ok: false, code: outcome.code, message: outcome.message };
}
