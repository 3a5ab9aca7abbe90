import type { DataSource } from 'typeorm';
import { applyPlatformReport } from '../claims/apply-platform-status';
import { settleCallback, storeCallbackOnce } from '../storage/callbacks/callback-repository';
import { Claim } from '../entities';
import { duobaoyuClaimStatus } from '../platforms/duobaoyu';
import type { DuobaoyuPush } from '../platforms/duobaoyu/push';
import { inTransaction } from '../storage/transactions';

/**
 * Handles a verified Duobaoyu status push: stored once by its `id` (Duobaoyu retries a push up to 8
 * times: a repeat changes nothing), then applied to the claim whose platform id is `afterSaleOrderId`.
 * A state we cannot map, or one that would move the claim backwards, is kept in the inbox as `ignored`.
 */
export async function handleDuobaoyuPush(dataSource: DataSource, push: DuobaoyuPush, payload: Record<string, unknown>, at: Date): Promise<void> {
  await inTransaction(dataSource, async (em) => {
    const inboxId = await storeCallbackOnce(em, { platform: 'duobaoyu', dedupeKey: push.id, payload, receivedAt: at });
    if (inboxId === null) return;
    const claim = await em.findOneBy(Claim, { platform: 'duobaoyu', platformClaimId: push.afterSaleOrderId });
    if (!claim) return settleCallback(em, inboxId, null, 'unmatched', `no claim has afterSaleOrderId ${push.afterSaleOrderId}`);
    const status = duobaoyuClaimStatus(push.state);
    if (!status) return settleCallback(em, inboxId, claim.id, 'ignored', `unknown after-sale state ${push.state}`);
    const outcome = await applyPlatformReport(em, claim, {
      status, source: 'callback', platformStatus: push.state, payload, at,
      reason: `Duobaoyu push ${push.id}: after-sale ${push.afterSaleOrderId} is ${push.state}`,
    });
    await settleCallback(em, inboxId, claim.id, outcome, outcome === 'ignored' ? `claim is ${claim.status}; ${push.state} would move it backwards` : null);
  });
}
