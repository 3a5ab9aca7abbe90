/**
 * A fake ShopEx matrix endpoint for `store.trade.aftersale.add` (ShopEx matrix API document,
 * envelope and codes from docs/platforms.md). Form posts; the sign is checked with the node token
 * (src/verify/shopex-sign.ts): a bad one answers `res 4003`, another method `res 4001`. With a
 * `callback_url` the call is async: `running` + `msg_id`, and `sendCallback(msgId)` later posts the signed
 * result to that URL (loopback only). Without one it answers `succ` at once.
 *
 * With `autoCallback`, the fake behaves like the matrix: `delayMs` after accepting an async request it
 * posts the signed callback (form: rsp, res, err_msg, data = JSON text of `{"trade":{tid, aftersale_id,
 * created, status}}`, msg_id, sign over every other field with the token) to the request's callback_url,
 * and repeats it every `retryMs` until our answer is JSON with `rsp === 'succ'`, at most `maxTries` tries
 * per application. Every try is recorded in `callbackTries`; `callbackDone(msgId)` resolves when a loop
 * ends. Faults for the next tries (`callbackFaults(kind, n)`, consumed one per try in order, across
 * applications): `drop` (the try is lost: nothing is sent, it still counts), `duplicate` (the same
 * callback is posted twice in a row), `badsign` (signed with another token), `fail` (the callback reports
 * the application failed: rsp=fail, res w01001, err_msg 售后单已存在). `setTradeStatus` sets the `status`
 * the callbacks report (default '1', 申请中). Loopback targets only; timers and in-flight callbacks end on
 * close().
 *
 * ASSUMPTIONS of this fake: a missing system parameter answers `res fake_missing_param` (the matrix's
 * real code for it is not documented). No dedupe: the matrix's behaviour on a repeated aftersale_id is
 * not documented either. `w01001` for a failed application is a code of our own (none is documented).
 * A callback try whose answer is not success (HTTP error, not JSON, rsp ≠ succ, no connection) is retried.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { signShopexParams, verifyShopexSign } from '../../src/verify/shopex-sign';
import { type FakeListenOptions, assertLoopback, closableSleeps, type FakeReply, type FakeServer, param, type RecordedRequest, startFakeServer } from './fake-server';

export const SHOPEX_FAKE_TOKEN = 'TEST_TOKEN_0123456789abcdef';
const METHOD = 'store.trade.aftersale.add';
const PATH = '/api';
const REQUIRED_SYSTEM = ['method', 'from_node_id', 'v', 'timestamp', 'format', 'sign'];

export interface ShopexAutoCallback {
  /** Wait after accepting the request before the first try. */
  delayMs: number;
  /** Wait between tries. */
  retryMs: number;
  /** Tries per application at most (a `drop`ped try counts; a `duplicate` counts once). */
  maxTries: number;
}

export interface ShopexFakeOptions extends FakeListenOptions {
  token?: string;
  /** Post the callback by itself, repeating until answered with success. Off by default. */
  autoCallback?: ShopexAutoCallback;
}

export interface ShopexFakeApplication {
  msgId: string;
  callbackUrl: string | null;
  trade: { tid: string; aftersale_id: string; created: string };
  params: Record<string, string>;
  /** The trade `status` this application's callbacks report; default the fake's (see setTradeStatus). */
  tradeStatus?: string;
}

export type ShopexCallbackFault = 'drop' | 'duplicate' | 'badsign' | 'fail';

/** One callback try of the auto-callback loop (a `duplicate` try is recorded twice, one per post). */
export interface ShopexCallbackTry {
  msgId: string;
  /** 1-based try number within the application's loop. */
  attempt: number;
  fault: ShopexCallbackFault | null;
  /** The fields posted, or null when the try was dropped. */
  fields: Record<string, string> | null;
  /** Our service's HTTP status, or null when nothing was sent or no answer came. */
  status: number | null;
  /** Our service's answer text, or null when nothing was sent or no answer came. */
  body: string | null;
  /** Why no answer came (a connection error, or a non-loopback callback_url). */
  error?: string;
}

export interface ShopexCallbackLoopResult {
  msgId: string;
  /** True when our service answered a try with rsp=succ. */
  delivered: boolean;
  /** Tries made (at most maxTries). */
  tries: number;
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
  /** Every auto-callback try, in order. */
  callbackTries: ShopexCallbackTry[];
  /** Applies `kind` to the next `n` auto-callback tries. */
  callbackFaults(kind: ShopexCallbackFault, n: number): void;
  /** The trade `status` later callbacks report ('1'…'9'): of one application, or the default of all. */
  setTradeStatus(status: string, msgId?: string): void;
  /** Resolves when the auto-callback loop of `msgId` ends (delivered, out of tries, or the fake closed). */
  callbackDone(msgId: string): Promise<ShopexCallbackLoopResult>;
}

/** The `err_msg`/`res` a `fail` callback carries (res is a code of this fake's own). */
export const SHOPEX_FAKE_FAIL_CALLBACK = { res: 'w01001', errMsg: '售后单已存在' };
const CALLBACK_TIMEOUT_MS = 5000;

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
    const application: ShopexFakeApplication = { msgId, callbackUrl, trade, params };
    applications.push(application);
    if (callbackUrl) startLoop(application);
    if (callbackUrl) return { body: { rsp: 'running', msg_id: msgId, data: '', err_msg: '', res: '' } };
    return { body: { rsp: 'succ', msg_id: msgId, data: JSON.stringify({ trade }), err_msg: '', res: '' } };
  }

  const agent = new Agent();
  const sleeps = closableSleeps();
  const { sleep } = sleeps;
  const loops = new Map<string, Promise<ShopexCallbackLoopResult>>();
  const callbackTries: ShopexCallbackTry[] = [];
  const faults: ShopexCallbackFault[] = [];
  let defaultTradeStatus = '1';

  function callbackFields(application: ShopexFakeApplication, cb: ShopexCallbackOptions): Record<string, string> {
    const trade = { ...application.trade, status: application.tradeStatus ?? defaultTradeStatus };
    const fields: Record<string, string> = {
      rsp: cb.rsp ?? 'succ',
      res: cb.res ?? '',
      err_msg: cb.errMsg ?? '',
      data: cb.data ?? JSON.stringify({ trade }),
      msg_id: application.msgId,
    };
    fields.sign = signShopexParams(fields, cb.signWithToken ?? token);
    return fields;
  }

  async function post(url: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
    assertLoopback(url);
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      dispatcher: agent,
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
    });
    return { status: res.statusCode, body: await res.body.text() };
  }

  async function sendCallback(msgId: string, cb: ShopexCallbackOptions = {}): Promise<{ status: number; body: string }> {
    const application = applications.find((a) => a.msgId === msgId);
    if (!application?.callbackUrl) throw new Error(`no async application with msg_id ${msgId}`);
    return post(application.callbackUrl, callbackFields(application, cb));
  }


  /** True when our answer is JSON with rsp=succ. */
  function isSuccess(answer: { status: number; body: string }): boolean {
    try {
      return (JSON.parse(answer.body) as { rsp?: unknown } | null)?.rsp === 'succ';
    } catch {
      return false;
    }
  }

  async function oneTry(application: ShopexFakeApplication, attempt: number, fault: ShopexCallbackFault | null): Promise<boolean> {
    const msgId = application.msgId;
    if (fault === 'drop') {
      callbackTries.push({ msgId, attempt, fault, fields: null, status: null, body: null });
      return false;
    }
    const fields = callbackFields(application, {
      ...(fault === 'badsign' ? { signWithToken: `not-${token}` } : {}),
      ...(fault === 'fail' ? { rsp: 'fail' as const, res: SHOPEX_FAKE_FAIL_CALLBACK.res, errMsg: SHOPEX_FAKE_FAIL_CALLBACK.errMsg } : {}),
    });
    let delivered = false;
    for (let copy = 0; copy < (fault === 'duplicate' ? 2 : 1) && !sleeps.closed; copy++) {
      const tried: ShopexCallbackTry = { msgId, attempt, fault, fields, status: null, body: null };
      callbackTries.push(tried);
      try {
        const answer = await post(application.callbackUrl as string, fields);
        tried.status = answer.status;
        tried.body = answer.body;
        delivered = isSuccess(answer) || delivered;
      } catch (error) {
        tried.error = error instanceof Error ? error.message : String(error);
      }
    }
    return delivered;
  }

  async function runLoop(application: ShopexFakeApplication, plan: ShopexAutoCallback): Promise<ShopexCallbackLoopResult> {
    const maxTries = Math.max(0, Math.floor(plan.maxTries));
    let tries = 0;
    let delivered = false;
    if (!(await sleep(plan.delayMs))) return { msgId: application.msgId, delivered, tries };
    while (tries < maxTries && !delivered && !sleeps.closed) {
      tries++;
      delivered = await oneTry(application, tries, faults.shift() ?? null);
      if (!delivered && tries < maxTries && !(await sleep(plan.retryMs))) break;
    }
    return { msgId: application.msgId, delivered, tries };
  }

  function startLoop(application: ShopexFakeApplication): void {
    const plan = options.autoCallback;
    if (!plan || !application.callbackUrl) return;
    loops.set(application.msgId, runLoop(application, plan));
  }

  const server = await startFakeServer(handle, options.port);
  return {
    baseUrl: `${server.origin}${PATH}`,
    requests: server.requests,
    failNext: server.failNext,
    applications,
    sendCallback,
    callbackTries,
    callbackFaults(kind, n) {
      for (let i = 0; i < n; i++) faults.push(kind);
    },
    setTradeStatus(status, msgId) {
      if (msgId === undefined) {
        defaultTradeStatus = status;
        return;
      }
      const application = applications.find((a) => a.msgId === msgId);
      if (!application) throw new Error(`no application with msg_id ${msgId}`);
      application.tradeStatus = status;
    },
    callbackDone(msgId) {
      const loop = loops.get(msgId);
      if (!loop) return Promise.reject(new Error(`no auto-callback loop for msg_id ${msgId}`));
      return loop;
    },
    async close() {
      sleeps.close();
      await agent.destroy();
      await Promise.allSettled([...loops.values()]);
      await server.close();
    },
  };
}
