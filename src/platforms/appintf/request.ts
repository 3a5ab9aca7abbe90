/**
 * The cross-border app's refund (赔付) endpoints (the app's wiki page app/refund; docs/platforms.md): session-cookie auth
 * (`common_session_id`), form-encoded POST to submit, GET to list. Submit fields are converted to the
 * spec's types (orderId, causeType int; cause, proofs string) and checked against its own rules before
 * sending: cause and causeType not empty (50), cause ≤ 200 characters (51), proofs not empty (52).
 * The unpublished sign rule is a hook (src/verify/appintf-sign.ts), a no-op by default.
 *
 * Look-up and cancel: `GET getRefund.jsp?refundId=…&orderId=…` reads one refund; the cancel (取消赔付申请)
 * is, as the spec lists it, a form POST of `orderId` + `refundId` to **refundList.jsp**, the same URL whose
 * GET is the list. That looks like a copy-paste slip in the wiki (one would expect a cancelRefund.jsp), but
 * it is the only URL the spec gives, so it is followed literally: {@link APPINTF_CANCEL_PATH}, one constant
 * to change when the real URL is known.
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
export const APPINTF_GET_REFUND_PATH = '/appIntf/refund/getRefund.jsp';
/** ODDITY of the spec: cancel is listed under refundList.jsp (POST), the list's own URL (GET). Followed as written. */
export const APPINTF_CANCEL_PATH = APPINTF_LIST_PATH;
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
  return buildChecked(() => signedFormPost(config, signer, APPINTF_SUBMIT_PATH, appintfSubmitParams(claim.fields)));
}

/** `GET refundList.jsp?pageNo=…&pageSize=…` with the session cookie. */
export function buildAppintfRefundList(config: AppintfConfig, signer: AppintfSigner, pageNo: number, pageSize: number): PlatformHttpRequest {
  const params = applyAppintfSigner({ pageNo: String(pageNo), pageSize: String(pageSize) }, signer);
  const url = `${endpoint(config, APPINTF_LIST_PATH)}?${new URLSearchParams(params).toString()}`;
  const cookie = cookieHeaders(config);
  return { method: 'GET', url, headers: cookie.wire, body: null, redacted: { url: redactQuery(url, [APPINTF_SIGN_PARAM]), headers: cookie.redacted, body: '' } };
}

/** An order or refund id as the decimal text the spec's `int` params take; throws FieldRuleError otherwise. */
export function appintfIdParam(name: 'orderId' | 'refundId', value: string | number): string {
  return String(integerField({ [name]: value }, name, { required: true, min: 1 }));
}

/** `GET getRefund.jsp?refundId=…&orderId=…` with the session cookie. Throws FieldRuleError on a non-integer id. */
export function buildAppintfGetRefund(config: AppintfConfig, signer: AppintfSigner, orderId: string | number, refundId: string | number): PlatformHttpRequest {
  const params = applyAppintfSigner({ refundId: appintfIdParam('refundId', refundId), orderId: appintfIdParam('orderId', orderId) }, signer);
  const url = `${endpoint(config, APPINTF_GET_REFUND_PATH)}?${new URLSearchParams(params).toString()}`;
  const cookie = cookieHeaders(config);
  return { method: 'GET', url, headers: cookie.wire, body: null, redacted: { url: redactQuery(url, [APPINTF_SIGN_PARAM]), headers: cookie.redacted, body: '' } };
}

/** The cancel: a form POST of `orderId` + `refundId` to refundList.jsp (see APPINTF_CANCEL_PATH). */
export function buildAppintfCancel(config: AppintfConfig, signer: AppintfSigner, orderId: string | number, refundId: string | number): BuiltRequest {
  return buildChecked(() =>
    signedFormPost(config, signer, APPINTF_CANCEL_PATH, { orderId: appintfIdParam('orderId', orderId), refundId: appintfIdParam('refundId', refundId) }),
  );
}

/** A form POST with the session cookie, signed by the signer hook; the stored copy has neither cookie nor sign. */
function signedFormPost(config: AppintfConfig, signer: AppintfSigner, path: string, unsigned: Record<string, string>): PlatformHttpRequest {
  const params = applyAppintfSigner(unsigned, signer);
  const url = endpoint(config, path);
  const cookie = cookieHeaders(config);
  const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  return {
    method: 'POST',
    url,
    headers: { ...form, ...cookie.wire },
    body: new URLSearchParams(params).toString(),
    redacted: { url, headers: { ...form, ...cookie.redacted }, body: new URLSearchParams(redactKeys(params, [APPINTF_SIGN_PARAM])).toString() },
  };
}
