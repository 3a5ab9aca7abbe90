/**
 * Reads the answer to `saleAfter/add`: `{"status":200,"reqMsg":"success","result":{order_sn,…}}` or an
 * error `{"status":2582,"reqMsg":"Invalid Outflow Sn","result":[]}`.
 */
import type { SendOutcome } from '../types';
import type { HttpReply } from '../shared/http-call';
import { asRecord, readJsonReply, scalarText, unrecognisedReply } from '../shared/transport-errors';
import { glitzcloudErrorOutcome } from './errors';
import { glitzcloudPlatformStatus } from './statuses';

export function interpretGlitzcloudReply(reply: HttpReply): SendOutcome {
  const read = readJsonReply(reply);
  if ('outcome' in read) return read.outcome;
  const envelope = asRecord(read.json);
  const code = scalarText(envelope?.status);
  if (envelope === null || code === null) return unrecognisedReply(read.status, { problem: 'missing', field: 'status' });
  if (code !== '200') return glitzcloudErrorOutcome(code, scalarText(envelope.reqMsg) ?? '');
  const result = asRecord(envelope.result);
  return {
    kind: 'submitted',
    platformClaimId: scalarText(result?.order_sn),
    platformStatus: glitzcloudPlatformStatus(scalarText(result?.status), scalarText(result?.customer_status)),
  };
}
