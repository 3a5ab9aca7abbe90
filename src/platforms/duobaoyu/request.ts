/**
 * `dby.scm.aftersale.apply` (Duobaoyu's 创建售后单 document; docs/platforms.md): POST JSON to the gateway with
 * `method`, `appKey`, `timestamp` (13-digit ms), `version=v1` and `sign` in the query. Business fields are
 * converted to the spec's Java types (`afterSaleType "4"` → 4) and checked against its rules: remark ≤ 100
 * characters; skuNum and pickUpWare.pickupWare required unless the type is 4 (仅退款).
 */
import { type DuobaoyuSecretStrategy, signDuobaoyu } from '../../verify/duobaoyu-sign';
import type { OutgoingClaim } from '../types';
import {
  compact, FieldRuleError, integerField, isAbsent, stringListField, textField, withoutReserved,
} from '../shared/field-rules';
import { redactQuery } from '../shared/redact';
import { buildChecked, type BuiltRequest } from '../shared/send-once';
import type { DuobaoyuConfig } from './config';

export const DUOBAOYU_METHOD = 'dby.scm.aftersale.apply';
export const DUOBAOYU_VERSION = 'v1';
export const DUOBAOYU_REMARK_MAX = 100;
/** 售后类型: 1退货退款 2换货 3维修 4仅退款. */
const REFUND_ONLY = 4;

const SYSTEM_KEYS = ['method', 'appKey', 'timestamp', 'version', 'sign', 'appSecret'];

function pickUpWareField(value: unknown, required: boolean): Record<string, unknown> | undefined {
  if (isAbsent(value)) {
    if (required) throw new FieldRuleError('pickUpWare', { rule: 'required-unless', otherField: 'afterSaleType', otherValue: '4 (仅退款)' });
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new FieldRuleError('pickUpWare', { rule: 'not-object' });
  const p = value as Record<string, unknown>;
  return compact({
    ...p,
    pickupWare: textField(p, 'pickupWare', { required }),
    consigneeProvinceCode: textField(p, 'consigneeProvinceCode'),
    consigneeCityCode: textField(p, 'consigneeCityCode'),
    consigneeCountyCode: textField(p, 'consigneeCountyCode'),
    consigneeTownCode: textField(p, 'consigneeTownCode'),
    consigneeAddress: textField(p, 'consigneeAddress'),
    reserveDateBegin: integerField(p, 'reserveDateBegin', { min: 0 }),
    reserveDateEnd: integerField(p, 'reserveDateEnd', { min: 0 }),
  });
}

function buyerReceivedField(value: unknown): string | undefined {
  if (isAbsent(value)) return undefined;
  const text = String(value);
  if (text !== 'true' && text !== 'false') throw new FieldRuleError('buyerReceived', { rule: 'not-boolean' });
  return text;
}

/** The JSON body: the spec's types, optional fields left out when absent. */
export function duobaoyuBody(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const f = withoutReserved(fields, SYSTEM_KEYS);
  const afterSaleType = integerField(f, 'afterSaleType', { required: true, min: 1, max: 4 }) as number;
  const needsGoods = afterSaleType !== REFUND_ONLY;
  return compact({
    ...f,
    orderItemId: textField(f, 'orderItemId', { required: true }),
    afterSaleType,
    buyerReceived: buyerReceivedField(f.buyerReceived),
    skuCode: textField(f, 'skuCode', { required: true }),
    skuNum: integerField(f, 'skuNum', { required: needsGoods, min: 1 }),
    reasonCode: textField(f, 'reasonCode', { required: true }),
    reasonName: textField(f, 'reasonName', { required: true }),
    remark: textField(f, 'remark', { maxLength: DUOBAOYU_REMARK_MAX }),
    refundFreightAmount: integerField(f, 'refundFreightAmount', { required: true, min: 0 }),
    vouchers: stringListField(f, 'vouchers'),
    pickUpWare: pickUpWareField(f.pickUpWare, needsGoods),
  });
}

export function buildDuobaoyuRequest(
  claim: OutgoingClaim,
  config: DuobaoyuConfig,
  now: Date,
  appendSecret?: DuobaoyuSecretStrategy,
): BuiltRequest {
  return buildChecked(() => {
    const body = duobaoyuBody(claim.fields);
    const system = { method: DUOBAOYU_METHOD, appKey: config.appKey, timestamp: String(now.getTime()), version: DUOBAOYU_VERSION };
    const json = JSON.stringify(body);
    const sign = signDuobaoyu(system, json, config.appSecret, appendSecret); // over the exact text sent
    const url = `${config.baseUrl}?${new URLSearchParams({ ...system, sign }).toString()}`;
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    return { method: 'POST', url, headers, body: json, redacted: { url: redactQuery(url, ['sign']), headers, body: json } };
  });
}
