/**
 * `store.trade.aftersale.add` (ShopEx matrix API document; docs/platforms.md): a form post of the system
 * params (from config and the clock) and the business fields (strings; `aftersale_items` and
 * `logistics_info` as JSON text), signed with the node token (src/verify/shopex-sign.ts). Async: the
 * matrix answers `running` + `msg_id`, the result comes to `callback_url`.
 */
import { formatQimenTimestamp, parseQimenTimestamp } from '../../verify/qimen-timestamp';
import { signShopexParams } from '../../verify/shopex-sign';
import type { OutgoingClaim } from '../types';
import { FieldRuleError, formText, isAbsent, textField, withoutReserved } from '../shared/field-rules';
import { redactKeys } from '../shared/redact';
import { buildChecked, type BuiltRequest } from '../shared/send-once';
import type { ShopexConfig } from './config';

export const SHOPEX_METHOD = 'store.trade.aftersale.add';
/** Protocol and API versions. ASSUMED for from_api_v/to_api_v (optional; docs/signing.md's vector uses 1.0). */
const PROTOCOL_VERSION = '1.0';
const API_VERSION = '1.0';

/** ShopEx times are `yyyy-MM-dd HH:mm:ss` in Beijing time: the same format as Qimen's timestamp. */
const beijingTime = (date: Date): string => formatQimenTimestamp(date.getTime());

const SYSTEM_KEYS = [
  'method', 'certi_id', 'from_node_id', 'from_api_v', 'to_node_id', 'to_api_v', 'callback_url', 'v', 'timestamp', 'format', 'sign',
];
/** Application status 1申请中 … 9已拒绝退款. */
const AFTERSALE_STATUSES = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

function systemParams(config: ShopexConfig, now: Date): Record<string, string> {
  return {
    method: SHOPEX_METHOD,
    certi_id: config.certiId,
    from_node_id: config.fromNodeId,
    from_api_v: API_VERSION,
    to_node_id: config.toNodeId,
    to_api_v: API_VERSION,
    callback_url: config.callbackUrl,
    v: PROTOCOL_VERSION,
    timestamp: beijingTime(now),
    format: 'json',
  };
}

/**
 * Business fields as form text. `tid` is required by us (an after-sale needs its trade); `aftersale_id`
 * defaults to our claim id and `created` to the claim's creation time in Beijing time.
 */
function businessParams(claim: OutgoingClaim): Record<string, string> {
  const fields = withoutReserved(claim.fields, SYSTEM_KEYS);
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (!isAbsent(value)) params[key] = formText(value);
  params.tid = textField(fields, 'tid', { required: true }) as string;
  params.aftersale_id = textField(fields, 'aftersale_id') ?? String(claim.claimId);
  params.created = textField(fields, 'created') ?? beijingTime(claim.createdAt);
  if (parseQimenTimestamp(params.created) === null) throw new FieldRuleError('created', { rule: 'not-datetime', format: 'yyyy-MM-dd HH:mm:ss' });
  textField(fields, 'status', { oneOf: AFTERSALE_STATUSES });
  return params;
}

export function buildShopexRequest(claim: OutgoingClaim, config: ShopexConfig, now: Date): BuiltRequest {
  return buildChecked(() => {
    const params: Record<string, string> = { ...systemParams(config, now), ...businessParams(claim) };
    params.sign = signShopexParams(params, config.token);
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const body = new URLSearchParams(params).toString();
    const redactedBody = new URLSearchParams(redactKeys(params, ['sign'])).toString();
    return { method: 'POST', url: config.baseUrl, headers, body, redacted: { url: config.baseUrl, headers, body: redactedBody } };
  });
}
