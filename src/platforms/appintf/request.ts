/**
 * The cross-border app's refund (赔付) endpoints (shared/specs/appintf-refund.txt): session-cookie auth
 * (`common_session_id`), form-encoded POST to submit, GET to list. Submit fields are converted to the
 * spec's types (orderId, causeType int; cause, proofs string) and checked against its own rules before
 * sending: cause and causeType not empty (50), cause ≤ 200 characters (51), proofs not empty (52).
 * The unpublished sign rule is a hook (src/verify/appintf-sign.ts), a no-op by default.
 */
import { type AppintfSigner, APPINTF_SIGN_PARAM, applyAppintfSigner } from '../../verify/appintf-sign';
import type { OutgoingClaim } from '../types';
import { integerField, stringListField, textField } from '../shared/field-rules';
import type { PlatformHttpRequest } from '../shared/http-call';
import { REDACTED, redactKeys, redactQuery } from '../shared/redact';
import { buildChecked, type BuiltRequest } from '../shared/send-once';
import type { AppintfConfig } from './config';

export const APPINTF_SUBMIT_PATH = '/appIntf/refund/submitRefund.jsp';
export const APPINTF_LIST_PATH = '/appIntf/refund/refundList.jsp';
export const APPINTF_SESSION_COOKIE = 'common_session_id';
export const APPINTF_CAUSE_MAX = 200;

const endpoint = (config: AppintfConfig, path: string): string => `${config.baseUrl.replace(/\/+$/, '')}${path}`;

function cookieHeaders(config: AppintfConfig): { wire: Record<string, string>; redacted: Record<string, string> } {
  return {
    wire: { cookie: `${APPINTF_SESSION_COOKIE}=${config.sessionId}` },
    redacted: { cookie: `${APPINTF_SESSION_COOKIE}=${REDACTED}` },
  };
}

/** The submit form's params as text. */
export function appintfSubmitParams(fields: Readonly<Record<string, unknown>>): Record<string, string> {
  const orderId = integerField(fields, 'orderId', { required: true, min: 1 }) as number;
  const causeType = integerField(fields, 'causeType', { required: true, min: 1 }) as number;
  const cause = textField(fields, 'cause', { required: true, maxLength: APPINTF_CAUSE_MAX }) as string;
  const proofs = stringListField(fields, 'proofs', true) as string[];
  return { orderId: String(orderId), causeType: String(causeType), cause, proofs: proofs.join(',') };
}

export function buildAppintfSubmit(claim: OutgoingClaim, config: AppintfConfig, signer: AppintfSigner): BuiltRequest {
  return buildChecked(() => {
    const params = applyAppintfSigner(appintfSubmitParams(claim.fields), signer);
    const url = endpoint(config, APPINTF_SUBMIT_PATH);
    const cookie = cookieHeaders(config);
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    return {
      method: 'POST',
      url,
      headers: { ...form, ...cookie.wire },
      body: new URLSearchParams(params).toString(),
      redacted: { url, headers: { ...form, ...cookie.redacted }, body: new URLSearchParams(redactKeys(params, [APPINTF_SIGN_PARAM])).toString() },
    };
  });
}

/** `GET refundList.jsp?pageNo=…&pageSize=…` with the session cookie. */
export function buildAppintfRefundList(config: AppintfConfig, signer: AppintfSigner, pageNo: number, pageSize: number): PlatformHttpRequest {
  const params = applyAppintfSigner({ pageNo: String(pageNo), pageSize: String(pageSize) }, signer);
  const url = `${endpoint(config, APPINTF_LIST_PATH)}?${new URLSearchParams(params).toString()}`;
  const cookie = cookieHeaders(config);
  return { method: 'GET', url, headers: cookie.wire, body: null, redacted: { url: redactQuery(url, [APPINTF_SIGN_PARAM]), headers: cookie.redacted, body: '' } };
}
