/**
 * Reads appintf answers: `{status: 1, msg: '请求成功', data: …}`. The spec prints them as
 * `result { status: 1, … }`; whether `result` is a wrapping key is unclear, so both shapes are read.
 */
import type { SendOutcome } from '../types';
import type { FailureOutcome } from '../shared/error-rules';
import type { HttpReply } from '../shared/http-call';
import { asRecord, readJsonReply, scalarText, unrecognisedReply } from '../shared/transport-errors';
import { appintfErrorOutcome } from './errors';

export const APPINTF_OK = '1';

/** A refund as refundList.jsp lists it. */
export interface AppintfListedRefund {
  orderId: string;
  refundId: string;
  status: string | null;
}

type Envelope = { ok: true; data: unknown; status: string | null } | { ok: false; outcome: FailureOutcome };

function readEnvelope(reply: HttpReply): Envelope {
  const read = readJsonReply(reply);
  if ('outcome' in read) return { ok: false, outcome: read.outcome };
  const top = asRecord(read.json);
  const envelope = asRecord(top?.result) ?? top;
  const code = scalarText(envelope?.status);
  if (envelope === null || code === null) return { ok: false, outcome: unrecognisedReply(read.status, 'no status in the answer') };
  if (code !== APPINTF_OK) return { ok: false, outcome: appintfErrorOutcome(code, scalarText(envelope.msg) ?? '') };
  return { ok: true, data: envelope.data, status: code };
}

/** The submit answer: `submitted` with no refundId (the answer carries none), or the failure. */
export function interpretAppintfSubmit(reply: HttpReply): SendOutcome {
  const envelope = readEnvelope(reply);
  return envelope.ok ? { kind: 'submitted', platformClaimId: null, platformStatus: null } : envelope.outcome;
}

/** One page of refundList.jsp, or the failure. Entries without orderId/refundId are skipped. */
export function readAppintfRefundPage(reply: HttpReply): { ok: true; refunds: AppintfListedRefund[] } | { ok: false; outcome: FailureOutcome } {
  const envelope = readEnvelope(reply);
  if (!envelope.ok) return envelope;
  const rows = Array.isArray(envelope.data) ? envelope.data : [];
  const refunds: AppintfListedRefund[] = [];
  for (const row of rows) {
    const r = asRecord(row);
    const orderId = scalarText(r?.orderId);
    const refundId = scalarText(r?.refundId);
    if (orderId !== null && refundId !== null) refunds.push({ orderId, refundId, status: scalarText(r?.status) });
  }
  return { ok: true, refunds };
}
