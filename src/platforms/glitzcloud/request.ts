/**
 * `POST ${baseUrl}/orders/saleAfter/add` (Glitzcloud's 新增赔付 document; docs/platforms.md): a JSON body with
 * apikey, secretkey, store_name and sign from config, the route's business fields converted to the spec's
 * String types, `expected_payout_amount` as "D.DD" from the claim amount, and unsigned attachments.
 */
import { formatMinorUnits } from '../../domain/money';
import { signGlitzcloud } from '../../verify/glitzcloud-sign';
import type { OutgoingClaim } from '../types';
import { compact, FieldRuleError, textField, withoutReserved } from '../shared/field-rules';
import { redactKeys } from '../shared/redact';
import { buildChecked, type BuiltRequest } from '../shared/send-once';
import type { GlitzcloudConfig } from './config';

export const GLITZCLOUD_PATH = '/orders/saleAfter/add';

/** 1库内丢失 2尾程物流异常 3发错货物 4NCI收费异常反冲 5协议/折扣性费用反冲 6其他. */
export const GLITZCLOUD_CLAIM_TYPES = ['1', '2', '3', '4', '5', '6'] as const;

/** Taken from config or computed, never from `fields`. */
const RESERVED_FIELDS = ['apikey', 'secretkey', 'sign', 'store_name', 'expected_payout_amount'];
const SECRET_FIELDS = ['apikey', 'secretkey', 'sign'];

interface Attachment {
  name: string;
  content: string;
}

function attachmentsField(value: unknown): Attachment[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const valid =
    Array.isArray(value) &&
    value.every((a) => typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.content === 'string');
  if (!valid) throw new FieldRuleError('attachments', { rule: 'attachments-shape' });
  return (value as Attachment[]).map(({ name, content }) => ({ name, content }));
}

function payoutAmount(claim: OutgoingClaim): string {
  if (claim.amountMinor === null || claim.amountMinor <= 0) {
    throw new FieldRuleError('expected_payout_amount', { rule: 'needs-positive-amount' });
  }
  return formatMinorUnits(claim.amountMinor);
}

/** The signed business params: everything but attachments, all as the spec's String type. */
function businessParams(claim: OutgoingClaim, config: GlitzcloudConfig): Record<string, unknown> {
  const fields = withoutReserved(claim.fields, RESERVED_FIELDS);
  const type = textField(fields, 'type', { required: true, oneOf: GLITZCLOUD_CLAIM_TYPES });
  const { attachments: _unsigned, ...extra } = fields;
  return compact({
    ...extra,
    store_name: config.storeName,
    type,
    connect_order_sn: textField(fields, 'connect_order_sn', { required: type === '2' }),
    expected_payout_amount: payoutAmount(claim),
    problem_description: textField(fields, 'problem_description', { required: true }),
  });
}

/** The stored copy of the body: secrets redacted, attachment contents replaced by their size. */
function redactedBody(body: Record<string, unknown>, attachments: Attachment[] | undefined): string {
  const copy = redactKeys(body, SECRET_FIELDS);
  if (attachments) copy.attachments = attachments.map((a) => ({ name: a.name, content: `<base64, ${a.content.length} chars>` }));
  return JSON.stringify(copy);
}

export function buildGlitzcloudRequest(claim: OutgoingClaim, config: GlitzcloudConfig): BuiltRequest {
  return buildChecked(() => {
    const params = businessParams(claim, config);
    const attachments = attachmentsField(claim.fields.attachments);
    const credentials = { apikey: config.apikey, secretkey: config.secretkey };
    const body: Record<string, unknown> = { ...credentials, sign: signGlitzcloud(params, credentials), ...params };
    if (attachments) body.attachments = attachments;
    const url = `${config.baseUrl.replace(/\/+$/, '')}${GLITZCLOUD_PATH}`;
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    return { method: 'POST', url, headers, body: JSON.stringify(body), redacted: { url, headers, body: redactedBody(body, attachments) } };
  });
}
