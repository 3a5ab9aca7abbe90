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

type Envelope = { ok: true; data: unknown; status: string | null; json: unknown } | { ok: false; outcome: FailureOutcome };

function readEnvelope(reply: HttpReply): Envelope {
  const read = readJsonReply(reply);
  if ('outcome' in read) return { ok: false, outcome: read.outcome };
  const top = asRecord(read.json);
  const envelope = asRecord(top?.result) ?? top;
  const code = scalarText(envelope?.status);
  if (envelope === null || code === null) return { ok: false, outcome: unrecognisedReply(read.status, { problem: 'missing', field: 'status' }) };
  if (code !== APPINTF_OK) return { ok: false, outcome: appintfErrorOutcome(code, scalarText(envelope.msg) ?? '') };
  return { ok: true, data: envelope.data, status: code, json: read.json };
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

/** What a refund was filed with, as getRefund.jsp reports it (each null when the answer lacks it). */
export interface AppintfRefundFiling {
  causeType: string | null;
  /** `causeTypeDesc`, which the spec glosses 赔付说明: the `cause` text of the submit. */
  cause: string | null;
  proofs: string | null;
  /** 处理时间, Beijing time `yyyy-MM-dd HH:mm:ss`, empty until the refund is handled. */
  processingDate: string | null;
}

/** One refund as getRefund.jsp answers it. */
export interface AppintfRefundDetail {
  /** The refund's status (see statuses.ts), as text. */
  refundStatus: string;
  refundNo: string | null;
  filing: AppintfRefundFiling;
  /** The whole parsed answer, as the platform sent it (for the claim event's payload). */
  raw: unknown;
}

/**
 * Where getRefund.jsp's status is read. The spec prints `data.refund` as `{ [ refundStatus: 1, … ] }`,
 * which is neither an object nor an array, so all three readings are taken, in this order:
 * 1. `data.refund.refundStatus` when `data.refund` is an object;
 * 2. `data.refund[0].refundStatus` when it is an array (the first element: the spec shows one);
 * 3. `data.status` (the spec's example carries one beside `refund`, with the same value 1) as fallback.
 */
export function appintfRefundStatusOf(data: Record<string, unknown>): string | null {
  return scalarText(refundEntry(data)?.refundStatus) ?? scalarText(data.status);
}

/** `data.refund` read as appintfRefundStatusOf says: the object, or the first element of an array. */
function refundEntry(data: Record<string, unknown>): Record<string, unknown> | null {
  return Array.isArray(data.refund) ? asRecord(data.refund[0]) : asRecord(data.refund);
}

function filingOf(data: Record<string, unknown>): AppintfRefundFiling {
  const entry = refundEntry(data);
  return {
    causeType: scalarText(entry?.causeType),
    cause: scalarText(entry?.causeTypeDesc),
    proofs: scalarText(entry?.proofs),
    processingDate: scalarText(entry?.processingDate),
  };
}

/**
 * getRefund.jsp's answer: the refund's status and number, or the failure (transport, HTTP, a status ≠ 1,
 * no readable refund status, or an answer about another refund/order than the one asked for).
 */
export function readAppintfRefundDetail(
  reply: HttpReply,
  asked: { orderId: string; refundId: string },
): { ok: true; detail: AppintfRefundDetail } | { ok: false; outcome: FailureOutcome } {
  const envelope = readEnvelope(reply);
  if (!envelope.ok) return envelope;
  const status = reply.kind === 'response' ? reply.status : 200;
  const data = asRecord(envelope.data);
  if (data === null) return { ok: false, outcome: unrecognisedReply(status, { problem: 'missing', field: 'data' }) };
  for (const key of ['orderId', 'refundId'] as const) {
    const answered = scalarText(data[key]);
    if (answered !== null && answered !== asked[key]) {
      return { ok: false, outcome: unrecognisedReply(status, { problem: 'mismatch', field: key, answered, asked: asked[key] }) };
    }
  }
  const refundStatus = appintfRefundStatusOf(data);
  if (refundStatus === null) return { ok: false, outcome: unrecognisedReply(status, { problem: 'missing', field: 'refundStatus' }) };
  return { ok: true, detail: { refundStatus, refundNo: scalarText(data.refundNo), filing: filingOf(data), raw: envelope.json } };
}

/**
 * The cancel answer (`{status: 1, msg}`): `submitted` (the platform took the cancel; the answer carries no
 * refund status, so platformStatus is null and a getRefund confirms it), or the classified failure
 * (18: the order state does not allow a cancel → terminal, rejected).
 */
export function interpretAppintfCancel(reply: HttpReply): SendOutcome {
  const envelope = readEnvelope(reply);
  return envelope.ok ? { kind: 'submitted', platformClaimId: null, platformStatus: null } : envelope.outcome;
}
