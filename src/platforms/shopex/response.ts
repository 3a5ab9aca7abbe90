/**
 * Reads the matrix envelope `{"rsp":"succ"|"fail"|"running","msg_id","data":"<JSON string>","err_msg","res"}`.
 * `running` (an async call) is `submitted` with the `msg_id`, the claim id coming with the callback;
 * `succ` carries `data.trade.aftersale_id`. Also reads a callback's `data` for the callback handler.
 */
import type { SendOutcome } from '../types';
import type { HttpReply } from '../shared/http-call';
import { asRecord, readJsonReply, scalarText, unrecognisedReply } from '../shared/transport-errors';
import { shopexErrorOutcome } from './errors';

/** `trade` of a success `data` (a JSON string, or already an object), or null when absent/unreadable. */
export function readShopexTrade(data: unknown): { tid: string | null; aftersaleId: string | null; created: string | null } | null {
  let parsed: unknown = data;
  if (typeof data === 'string') {
    try {
      parsed = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const trade = asRecord(asRecord(parsed)?.trade);
  if (trade === null) return null;
  return { tid: scalarText(trade.tid), aftersaleId: scalarText(trade.aftersale_id), created: scalarText(trade.created) };
}

export function interpretShopexReply(reply: HttpReply): SendOutcome {
  const read = readJsonReply(reply);
  if ('outcome' in read) return read.outcome;
  const envelope = asRecord(read.json);
  const msgId = scalarText(envelope?.msg_id) ?? undefined;
  switch (envelope?.rsp) {
    case 'running':
      return { kind: 'submitted', platformClaimId: null, platformStatus: null, asyncMessageId: msgId };
    case 'succ':
      return { kind: 'submitted', platformClaimId: readShopexTrade(envelope.data)?.aftersaleId ?? null, platformStatus: null, asyncMessageId: msgId };
    case 'fail':
      return shopexErrorOutcome(scalarText(envelope.res) ?? '', scalarText(envelope.err_msg) ?? '');
    default:
      return unrecognisedReply(read.status, { problem: 'missing', field: 'rsp' });
  }
}
