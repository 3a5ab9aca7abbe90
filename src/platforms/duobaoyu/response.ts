/**
 * Reads `{"code":"0","msg":"请求成功","data":{"afterSaleOrderId":"…","result":true},"msgId":"…"}`; any
 * other `code` is a failure.
 */
import type { SendOutcome } from '../types';
import type { HttpReply } from '../shared/http-call';
import { asRecord, readJsonReply, scalarText, unrecognisedReply } from '../shared/transport-errors';
import { duobaoyuErrorOutcome } from './errors';

export function interpretDuobaoyuReply(reply: HttpReply): SendOutcome {
  const read = readJsonReply(reply);
  if ('outcome' in read) return read.outcome;
  const envelope = asRecord(read.json);
  const code = scalarText(envelope?.code);
  if (envelope === null || code === null) return unrecognisedReply(read.status, { problem: 'missing', field: 'code' });
  const message = scalarText(envelope.msg) ?? '';
  if (code !== '0') return duobaoyuErrorOutcome(code, message);
  const data = asRecord(envelope.data);
  if (data?.result === false) return duobaoyuErrorOutcome('result_false', message);
  return { kind: 'submitted', platformClaimId: scalarText(data?.afterSaleOrderId), platformStatus: null };
}
