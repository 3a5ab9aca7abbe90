import type { DataSource } from 'typeorm';
import { applyPlatformReport } from '../claims/apply-platform-status';
import { settleCallback, storeCallbackOnce } from '../callbacks/inbox';
import { Claim } from '../entities';
import { readShopexTrade, shopexClaimStatus } from '../platforms/shopex';
import { canonicalJson, sha256Hex } from '../storage/canonical-json';
import { inTransaction } from '../storage/transactions';

/** A verified ShopEx callback: every posted field but `sign`. */
export type ShopexCallbackFields = Record<string, string>;

/**
 * Handles ShopEx's async result of `store.trade.aftersale.add` (docs/platforms.md): stored once in the inbox
 * (a repeat finds it and changes nothing), then applied to the claim whose `asyncMessageId` is its
 * `msg_id`: `succ` gives the platform's `aftersale_id` and the trade's status (default 1 申请中), `fail`
 * rejects the claim with `res`/`err_msg`. An unknown `msg_id` stays in the inbox as `unmatched`.
 */
export async function handleShopexCallback(dataSource: DataSource, fields: ShopexCallbackFields, at: Date): Promise<void> {
  const msgId = fields.msg_id ?? '';
  const dedupeKey = `${msgId.slice(0, 128)}:${sha256Hex(canonicalJson(fields))}`;
  await inTransaction(dataSource, async (em) => {
    const inboxId = await storeCallbackOnce(em, { platform: 'shopex', dedupeKey, payload: fields, receivedAt: at });
    if (inboxId === null) return; // a repeat: already stored and handled
    const claim = msgId ? await em.findOneBy(Claim, { platform: 'shopex', asyncMessageId: msgId }) : null;
    if (!claim) return settleCallback(em, inboxId, null, 'unmatched', `no claim has msg_id ${msgId || '(none)'}`);

    const data = parseData(fields.data);
    const trade = readShopexTrade(data);
    // The trade's after-sale status when the callback carries one; a bare success is 1 申请中 (applied).
    const tradeStatus = data?.trade?.status !== undefined && data.trade.status !== null ? String(data.trade.status) : '1';
    const report =
      fields.rsp === 'succ'
        ? { status: shopexClaimStatus(tradeStatus) ?? 'submitted', platformClaimId: trade?.aftersaleId ?? null, platformStatus: tradeStatus, reason: `ShopEx callback: succ, after-sale ${trade?.aftersaleId ?? '?'} status ${tradeStatus}` }
        : fields.rsp === 'fail'
          ? { status: 'rejected' as const, lastError: `${fields.res ?? ''}: ${fields.err_msg ?? ''}`, reason: `ShopEx callback: fail ${fields.res ?? ''} ${fields.err_msg ?? ''}`.trim() }
          : { status: 'submitted' as const, reason: `ShopEx callback: ${fields.rsp ?? 'no rsp'}` };
    const outcome = await applyPlatformReport(em, claim, { ...report, source: 'callback', payload: fields, at });
    await settleCallback(em, inboxId, claim.id, outcome, outcome === 'ignored' ? `claim is ${claim.status}; report ${report.status} would move it backwards` : null);
  });
}

function parseData(data: string | undefined): { trade?: { status?: unknown } } | null {
  try {
    return data ? JSON.parse(data) : null;
  } catch {
    return null;
  }
}
