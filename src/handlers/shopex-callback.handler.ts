import type { DataSource } from 'typeorm';
import { applyPlatformReport } from '../claims/apply-platform-status';
import { CLAIM_REASONS, LAST_ERRORS } from '../claims/claim-reasons';
import { settleCallback, storeCallbackOnce } from '../storage/callbacks/callback-repository';
import type { ShopexCallback } from '../callbacks/shopex-callback-shape';
import { Claim } from '../entities';
import { PLATFORM_REGISTRY } from '../platforms';
import { readShopexTrade, shopexClaimStatus } from '../platforms/shopex';
import { canonicalJson, sha256Hex } from '../storage/canonical-json';
import { inTransaction } from '../storage/transactions';
import type { ShopexParamValue } from '../verify/shopex-sign';

/** A verified ShopEx callback: every posted field but `sign`, nested as PHP parses a form. */
export type ShopexCallbackFields = Record<string, ShopexParamValue>;

/**
 * Handles ShopEx's async result of `store.trade.aftersale.add` (docs/platforms.md): stored once in the inbox
 * (a repeat finds it and changes nothing), then, only when well formed (readShopexCallback), applied to
 * the claim whose `asyncMessageId` is its `msg_id`: `succ` gives the platform's `aftersale_id` and the
 * trade's status (default 1 申请中), `fail` rejects the claim with `res`/`err_msg`. A callback that is not
 * well formed stays in the inbox as `malformed`, an unknown `msg_id` as `unmatched`: both for review.
 */
export async function handleShopexCallback(dataSource: DataSource, fields: ShopexCallbackFields, at: Date): Promise<void> {
  const msgId = typeof fields.msg_id === 'string' ? fields.msg_id : '';
  const dedupeKey = `${msgId.slice(0, 128)}:${sha256Hex(canonicalJson(fields))}`;
  await inTransaction(dataSource, async (em) => {
    const inboxId = await storeCallbackOnce(em, { platform: 'shopex', dedupeKey, payload: fields, receivedAt: at });
    if (inboxId === null) return; // a repeat: already stored and handled
    const reading = PLATFORM_REGISTRY.shopex.callback.read(fields);
    if (!reading.ok) return settleCallback(em, inboxId, null, 'malformed', reading.problem);
    const claim = await em.findOneBy(Claim, { platform: 'shopex', asyncMessageId: reading.callback.msgId });
    if (!claim) return settleCallback(em, inboxId, null, 'unmatched', `no claim has msg_id ${reading.callback.msgId}`);

    const report = reportOf(reading.callback);
    const outcome = await applyPlatformReport(em, claim, { ...report, source: 'callback', payload: fields, at });
    await settleCallback(em, inboxId, claim.id, outcome, outcome === 'ignored' ? `claim is ${claim.status}; report ${report.status} would move it backwards` : null);
  });
}

function reportOf(callback: ShopexCallback) {
  if (callback.rsp === 'fail') {
    return { status: 'rejected' as const, lastError: LAST_ERRORS.platformError(callback.res, callback.errMsg), reason: CLAIM_REASONS.shopexFail(callback.res, callback.errMsg) };
  }
  const trade = readShopexTrade(callback.data);
  // The trade's after-sale status when the callback carries one; a bare success is 1 申请中 (applied).
  const status = (callback.data?.trade as { status?: unknown } | undefined)?.status;
  const tradeStatus = status !== undefined && status !== null ? String(status) : '1';
  return {
    status: shopexClaimStatus(tradeStatus) ?? ('submitted' as const), platformClaimId: trade?.aftersaleId ?? null, platformStatus: tradeStatus,
    reason: CLAIM_REASONS.shopexSucc(trade?.aftersaleId ?? null, tradeStatus),
  };
}
