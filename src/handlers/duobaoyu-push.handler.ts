import type { DataSource } from 'typeorm';
import { type ApplyOutcome, applyPlatformReport } from '../claims/apply-platform-status';
import { CLAIM_REASONS } from '../claims/claim-reasons';
import { settleCallback, storeCallbackOnce } from '../storage/callbacks/callback-repository';
import { Claim } from '../entities';
import { duobaoyuClaimStatus } from '../platforms/duobaoyu';
import type { DuobaoyuPush } from '../platforms/duobaoyu/push';
import { inTransaction } from '../storage/transactions';

/**
 * Handles a verified Duobaoyu status push: stored once by its `id` (Duobaoyu retries a push up to 8
 * times: a repeat changes nothing), then applied to the claim whose platform id is `afterSaleOrderId`.
 * A state we cannot map, a push without `pushTime`, or one that would move the claim backwards, is kept
 * in the inbox as `ignored`; a push whose `pushTime` is older than the last one applied to the claim as
 * `out-of-order`. Either changes nothing (docs/http-contract.md "Platform callbacks").
 */
export async function handleDuobaoyuPush(dataSource: DataSource, push: DuobaoyuPush, payload: Record<string, unknown>, at: Date): Promise<void> {
  await inTransaction(dataSource, async (em) => {
    const inboxId = await storeCallbackOnce(em, { platform: 'duobaoyu', dedupeKey: push.id, payload, receivedAt: at });
    if (inboxId === null) return;
    const claim = await em.findOneBy(Claim, { platform: 'duobaoyu', platformClaimId: push.afterSaleOrderId });
    if (!claim) return settleCallback(em, inboxId, null, 'unmatched', `no claim has afterSaleOrderId ${push.afterSaleOrderId}`);
    const status = duobaoyuClaimStatus(push.state);
    if (!status) return settleCallback(em, inboxId, claim.id, 'ignored', `unknown after-sale state ${push.state}`);
    if (push.pushTime === null) return settleCallback(em, inboxId, claim.id, 'ignored', 'no 13-digit pushTime: it cannot be placed after the pushes applied');
    const datedAt = new Date(push.pushTime);
    const outcome = await applyPlatformReport(em, claim, {
      status, source: 'callback', platformStatus: push.state, payload, at, datedAt,
      reason: CLAIM_REASONS.duobaoyuPush(push.id, push.afterSaleOrderId, push.state),
    });
    await settleCallback(em, inboxId, claim.id, outcome, noteOn(outcome, claim, push.state, datedAt));
  });
}

/** Why a push changed nothing, for review; null when it applied. */
function noteOn(outcome: ApplyOutcome, claim: Claim, state: string, datedAt: Date): string | null {
  if (outcome === 'ignored') return `claim is ${claim.status}; ${state} would move it backwards`;
  if (outcome === 'out-of-order') return `pushTime ${datedAt.toISOString()} is older than ${claim.platformStatusAt?.toISOString()}, the last push applied to the claim`;
  return null;
}
