/**
 * Every edge answers every failure in its caller's envelope (issue 16): Qimen's JSON envelope, ShopEx's
 * `{"rsp":"fail",…}`, Duobaoyu's text FAIL and the finance API's `{"error","message"}` — for a path no route
 * serves (404), a method the route does not take (405), a body over the limit (413), headers over the HTTP
 * server's limit (431), a rate limit, and an internal error (the database gone).
 */
import { SHOPEX_CALLBACK_MAX_BYTES } from '../../src/controllers/shopex-callback.controller';
import { signDuobaoyuPush } from '../../src/platforms/duobaoyu/push';
import { signShopexParams } from '../../src/verify/shopex-sign';
import { DUOBAOYU_FAKE_APP } from '../fakes/duobaoyu-fake';
import { SHOPEX_FAKE_TOKEN } from '../fakes/shopex-fake';
import type { Answer } from '../support/openapi-answers';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { oversizedHeaders, rawExchange } from '../support/raw-http';
import { startTestService, TestService } from '../support/test-service';

const TOKEN = 'viewer-token-0123456789';
const PLATFORMS = {
  shopex: { baseUrl: 'http://127.0.0.1:9/api', certiId: 'C', fromNodeId: 'F', toNodeId: 'T', token: SHOPEX_FAKE_TOKEN, callbackUrl: 'http://127.0.0.1:9/callbacks/shopex' },
  duobaoyu: { baseUrl: 'http://127.0.0.1:9', ...DUOBAOYU_FAKE_APP },
};
const CONFIG = { qimen: { apps: [TEST_APP], maxBodyBytes: 4096, maxInFlightBodyBytes: 4096 }, platforms: PLATFORMS, finance: { tokens: [{ name: 'v', token: TOKEN, role: 'viewer' }] } };

type Edge = 'qimen' | 'shopex' | 'duobaoyu' | 'finance';

/** Throws unless `answer` is a failure in `edge`'s envelope, and nothing but it. */
function expectEnvelope(edge: Edge, answer: Answer): void {
  const type = answer.headers['content-type'] ?? '';
  if (edge === 'duobaoyu') {
    expect(type).toMatch(/^text\/plain/);
    expect(answer.text).toBe('FAIL');
    return;
  }
  expect(type).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text);
  if (edge === 'qimen') {
    expect(Object.keys(body).sort()).toEqual(['error', 'errorId', 'errorMessage']);
    expect(body.error).not.toBe('200');
  } else if (edge === 'shopex') {
    expect(body).toEqual({ rsp: 'fail', res: expect.any(String), err_msg: expect.any(String), msg_id: expect.any(String) });
  } else {
    expect(body).toEqual({ error: expect.any(String), message: expect.any(String) });
  }
}

const toAnswer = async (res: Response): Promise<Answer> => ({ status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() });

describe('every failure of every edge is answered in its caller\'s envelope', () => {
  let svc: TestService;
  let broken: TestService;
  let limited: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite', CONFIG);
    broken = await startTestService('sqlite', CONFIG);
    await broken.dataSource.destroy();
    const frozen = Date.now();
    limited = await startTestService('sqlite', { ...CONFIG, rateLimits: { qimen: { perIpPerSecond: 1 }, callbacks: { perIpPerSecond: 1 } } }, { now: () => frozen });
  });
  afterAll(() => Promise.all([svc?.close(), broken?.close(), limited?.close()]));

  const send = (base: string, path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init).then(toAnswer);
  const post = (base: string, path: string, body: string | Buffer, contentType = 'application/json') => send(base, path, { method: 'POST', body, headers: { 'content-type': contentType } });
  const push = (base: string, body: string) => {
    const signed = signedPush(body);
    return post(base, `/qimen?${signed.query}`, signed.body);
  };
  const financeGet = (base: string, path: string) => send(base, path, { headers: { authorization: `Bearer ${TOKEN}` } });
  /** Sends until the rate limit refuses (at most 3 tries). */
  const untilRefused = async (call: () => Promise<Answer>) => {
    let answer = await call();
    for (let i = 0; i < 2 && answer.headers['retry-after'] === undefined; i++) answer = await call();
    return answer;
  };

  type Case = [edge: Edge, status: number, what: string, call: () => Promise<Answer>, detail?: (answer: Answer) => void];
  const json = (a: Answer) => JSON.parse(a.text);
  const CASES: Case[] = [
    ['qimen', 404, 'a path under /qimen', () => post(svc.baseUrl, '/qimen/other', '{}'), (a) => expect(json(a).errorId).toBe('invalid-parameter')],
    ['qimen', 405, 'GET /qimen', () => send(svc.baseUrl, '/qimen'), (a) => expect(a.headers.allow).toBe('POST')],
    ['qimen', 200, 'a body over qimen.maxBodyBytes', () => push(svc.baseUrl, JSON.stringify({ ...specExample(), note: 'x'.repeat(5000) })), (a) => expect(json(a)).toMatchObject({ errorId: 'body-too-large', error: '413' })],
    ['qimen', 431, 'headers over the limit', () => rawExchange(svc.baseUrl, oversizedHeaders('POST', '/qimen')), (a) => expect(json(a).errorId).toBe('invalid-parameter')],
    ['qimen', 200, 'over the rate limit', () => untilRefused(() => push(limited.baseUrl, '{}')), (a) => expect(json(a)).toMatchObject({ errorId: 'rate-limited', error: '429' })],
    ['qimen', 500, 'the database gone', () => push(broken.baseUrl, JSON.stringify(specExample())), (a) => expect(json(a).errorId).toBe('internal-error')],

    ['shopex', 404, 'a path under /callbacks/shopex', () => post(svc.baseUrl, '/callbacks/shopex/other', 'a=1'), (a) => expect(json(a).res).toBe('404')],
    ['shopex', 405, 'GET /callbacks/shopex', () => send(svc.baseUrl, '/callbacks/shopex'), (a) => expect([a.headers.allow, json(a).res]).toEqual(['POST', '405'])],
    ['shopex', 413, 'a body over the limit', () => post(svc.baseUrl, '/callbacks/shopex', `data=${'x'.repeat(SHOPEX_CALLBACK_MAX_BYTES)}`, 'application/x-www-form-urlencoded'), (a) => expect(json(a).res).toBe('413')],
    ['shopex', 431, 'headers over the limit', () => rawExchange(svc.baseUrl, oversizedHeaders('POST', '/callbacks/shopex')), (a) => expect(json(a).res).toBe('431')],
    ['shopex', 429, 'over the rate limit', () => untilRefused(() => post(limited.baseUrl, '/callbacks/shopex', 'a=1', 'application/x-www-form-urlencoded')), (a) => expect(json(a).res).toBe('429')],
    ['shopex', 500, 'the database gone', () => storeShopex(broken.baseUrl), (a) => expect(json(a).res).toBe('e00090')],

    ['duobaoyu', 404, 'a path under /callbacks/duobaoyu', () => post(svc.baseUrl, '/callbacks/duobaoyu/other', '{}')],
    ['duobaoyu', 405, 'GET /callbacks/duobaoyu', () => send(svc.baseUrl, '/callbacks/duobaoyu'), (a) => expect(a.headers.allow).toBe('POST')],
    ['duobaoyu', 413, 'a body over 1 MB', () => post(svc.baseUrl, '/callbacks/duobaoyu', JSON.stringify({ id: '1', note: 'r'.repeat(1_100_000) }))],
    ['duobaoyu', 431, 'headers over the limit', () => rawExchange(svc.baseUrl, oversizedHeaders('POST', '/callbacks/duobaoyu'))],
    ['duobaoyu', 429, 'over the rate limit', () => untilRefused(() => post(limited.baseUrl, '/callbacks/duobaoyu', '{}'))],
    ['duobaoyu', 500, 'the database gone', () => storeDuobaoyu(broken.baseUrl)],

    ['finance', 404, 'a path under /api', () => financeGet(svc.baseUrl, '/api/nothing-here'), (a) => expect(json(a).error).toBe('not-found')],
    ['finance', 405, 'DELETE /api/claims', () => send(svc.baseUrl, '/api/claims', { method: 'DELETE' }), (a) => expect([a.headers.allow, json(a).error]).toEqual(['HEAD, GET', 'method-not-allowed'])],
    ['finance', 431, 'headers over the limit', () => rawExchange(svc.baseUrl, oversizedHeaders('GET', '/api/claims')), (a) => expect(json(a).error).toBe('headers-too-large')],
    ['finance', 500, 'the database gone', () => financeGet(broken.baseUrl, '/api/claims'), (a) => expect(json(a)).toEqual({ error: 'internal-error', message: 'internal error' })],
  ];

  const noDetail = () => undefined;
  it.each(CASES.map(([edge, status, what, call, detail]): Required<Case> => [edge, status, what, call, detail ?? noDetail]))('%s answers %i in its envelope: %s', async (edge, status, _what, call, detail) => {
    const answer = await call();
    expect(`${answer.status} ${answer.text.slice(0, 200)}`).toMatch(new RegExp(`^${status} `));
    expectEnvelope(edge, answer);
    detail(answer);
  });

  /** A correctly signed ShopEx callback (stored, were the database there). */
  async function storeShopex(base: string): Promise<Answer> {
    const fields: Record<string, string> = { rsp: 'succ', res: '', err_msg: '', msg_id: 'm-1', data: '{"trade":{"tid":"T-1"}}' };
    fields.sign = signShopexParams(fields, SHOPEX_FAKE_TOKEN);
    return post(base, '/callbacks/shopex', new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  }

  /** A correctly signed Duobaoyu push (stored, were the database there). */
  async function storeDuobaoyu(base: string): Promise<Answer> {
    const body: Record<string, unknown> = { id: 'p-1', afterSaleOrderId: 'AS-1', afterSaleStatus: '审核通过', pushTime: String(Date.now()) };
    body.sign = signDuobaoyuPush(body, DUOBAOYU_FAKE_APP.appSecret);
    return post(base, '/callbacks/duobaoyu', JSON.stringify(body));
  }
});
