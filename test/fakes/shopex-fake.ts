/**
 * A fake ShopEx matrix endpoint for `store.trade.aftersale.add` (shared/specs/shopex-trade-aftersale-add.txt,
 * envelope and codes from shared/specs/SIGNING.md). Form posts; the sign is checked with the node token
 * (src/verify/shopex-sign.ts): a bad one answers `res 4003`, another method `res 4001`. With a
 * `callback_url` the call is async: `running` + `msg_id`, and `sendCallback(msgId)` later posts the signed
 * result to that URL (loopback only). Without one it answers `succ` at once.
 *
 * ASSUMPTION of this fake: a missing system parameter answers `res fake_missing_param` (the matrix's
 * real code for it is not documented). No dedupe: the matrix's behaviour on a repeated aftersale_id is
 * not documented either.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { signShopexParams, verifyShopexSign } from '../../src/verify/shopex-sign';
import { assertLoopback, type FakeReply, type FakeServer, param, type RecordedRequest, startFakeServer } from './fake-server';

export const SHOPEX_FAKE_TOKEN = 'TEST_TOKEN_0123456789abcdef';
const METHOD = 'store.trade.aftersale.add';
const PATH = '/api';
const REQUIRED_SYSTEM = ['method', 'from_node_id', 'v', 'timestamp', 'format', 'sign'];

export interface ShopexFakeOptions {
  token?: string;
}

export interface ShopexFakeApplication {
  msgId: string;
  callbackUrl: string | null;
  trade: { tid: string; aftersale_id: string; created: string };
  params: Record<string, string>;
}

export interface ShopexCallbackOptions {
  /** Default `succ`. */
  rsp?: 'succ' | 'fail';
  res?: string;
  errMsg?: string;
  /** The `data` field as sent; default the application's `{"trade":{tid, aftersale_id, created}}`. */
  data?: string;
  /** Sign with this token instead of the fake's (a forged callback). */
  signWithToken?: string;
}

export interface ShopexFake extends Omit<FakeServer, 'origin'> {
  /** The full endpoint, as the config's baseUrl. */
  baseUrl: string;
  applications: ShopexFakeApplication[];
  /** Posts the signed async result of `msgId` to its callback_url; resolves to our service's answer. */
  sendCallback(msgId: string, options?: ShopexCallbackOptions): Promise<{ status: number; body: string }>;
}

const fail = (res: string, errMsg: string, msgId = ''): FakeReply => ({ body: { rsp: 'fail', res, err_msg: errMsg, msg_id: msgId, data: '' } });

export async function startFakeShopex(options: ShopexFakeOptions = {}): Promise<ShopexFake> {
  const token = options.token ?? SHOPEX_FAKE_TOKEN;
  const applications: ShopexFakeApplication[] = [];

  function handle(req: RecordedRequest, forcedCode: string | null): FakeReply {
    if (req.path !== PATH || req.method !== 'POST') return { status: 404, body: 'Not Found' };
    const params = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string>;
    const msgId = randomBytes(16).toString('hex');
    if (forcedCode) return fail(forcedCode, 'forced error', msgId);
    const missing = REQUIRED_SYSTEM.find((key) => param(params, key) === '');
    if (missing) return fail('fake_missing_param', `missing ${missing}`, msgId);
    if (params.method !== METHOD) return fail('4001', 'bad method', msgId);
    if (!verifyShopexSign(params, token)) return fail('4003', 'sign error', msgId);
    const trade = { tid: param(params, 'tid'), aftersale_id: param(params, 'aftersale_id'), created: param(params, 'created') };
    const callbackUrl = param(params, 'callback_url') || null;
    applications.push({ msgId, callbackUrl, trade, params });
    if (callbackUrl) return { body: { rsp: 'running', msg_id: msgId, data: '', err_msg: '', res: '' } };
    return { body: { rsp: 'succ', msg_id: msgId, data: JSON.stringify({ trade }), err_msg: '', res: '' } };
  }

  async function sendCallback(msgId: string, cb: ShopexCallbackOptions = {}): Promise<{ status: number; body: string }> {
    const application = applications.find((a) => a.msgId === msgId);
    if (!application?.callbackUrl) throw new Error(`no async application with msg_id ${msgId}`);
    assertLoopback(application.callbackUrl);
    const fields: Record<string, string> = {
      rsp: cb.rsp ?? 'succ',
      res: cb.res ?? '',
      err_msg: cb.errMsg ?? '',
      data: cb.data ?? JSON.stringify({ trade: application.trade }),
      msg_id: msgId,
    };
    fields.sign = signShopexParams(fields, cb.signWithToken ?? token);
    const res = await request(application.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    return { status: res.statusCode, body: await res.body.text() };
  }

  const server = await startFakeServer(handle);
  return { baseUrl: `${server.origin}${PATH}`, requests: server.requests, failNext: server.failNext, close: server.close, applications, sendCallback };
}
