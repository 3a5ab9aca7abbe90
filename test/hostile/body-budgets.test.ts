/**
 * Bodies in flight on the callbacks and the finance API are bounded, as on /qimen (issue 16): a request whose
 * body would take the bytes held past `callbacks.maxInFlightBodyBytes` (both callback routes together) or
 * `finance.maxInFlightBodyBytes` is answered server-busy (HTTP 503) in its edge's envelope, its body unread,
 * and the bytes come back when the request holding them is answered.
 */
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { BodyBudget, bodyBudgetGate } from '../../src/http/body-budget';
import { financeEdgeAnswer } from '../../src/api/api-error';
import { createHttpServer } from '../../src/http/server';
import { DUOBAOYU_FAKE_APP } from '../fakes/duobaoyu-fake';
import { SHOPEX_FAKE_TOKEN } from '../fakes/shopex-fake';
import { rawExchange, unfinishedBody } from '../support/raw-http';
import { startTestService, TestService } from '../support/test-service';

const MIB = 1024 * 1024;
const TOKEN = 'operator-token-0123456789';
const PLATFORMS = {
  shopex: { baseUrl: 'http://127.0.0.1:9/api', certiId: 'C', fromNodeId: 'F', toNodeId: 'T', token: SHOPEX_FAKE_TOKEN, callbackUrl: 'http://127.0.0.1:9/callbacks/shopex' },
  duobaoyu: { baseUrl: 'http://127.0.0.1:9', ...DUOBAOYU_FAKE_APP },
};
const TIMEOUT_MS = 600;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the callbacks\' body budget (callbacks.maxInFlightBodyBytes: 1 MiB)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite', { platforms: PLATFORMS, callbacks: { maxInFlightBodyBytes: MIB } }, { server: { requestTimeoutMs: TIMEOUT_MS, headersTimeoutMs: TIMEOUT_MS } });
  });
  afterAll(() => svc.close());

  const post = (path: string, body: string, contentType: string) => fetch(`${svc.baseUrl}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  /** A callback that declares `bytes` and sends only its start: it holds its bytes until its request timeout. */
  const hold = (path: string, bytes: number) => rawExchange(svc.baseUrl, unfinishedBody('POST', path, 'application/json', 'x'.repeat(bytes - 100)));
  const chunkedHold = (path: string) => rawExchange(svc.baseUrl, `POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"id"\r\n`);

  it('answers a ShopEx callback that would pass the budget 503 in ShopEx\'s envelope (e00090: repeat), then takes it once the bytes are back', async () => {
    const held = hold('/callbacks/duobaoyu', 700_000);
    await pause(200);
    const refused = await post('/callbacks/shopex', `msg_id=1&data=${'y'.repeat(400_000)}`, 'application/x-www-form-urlencoded');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.json()).toEqual({ rsp: 'fail', res: 'e00090', err_msg: expect.stringContaining('in flight'), msg_id: '' });
    expect((await held).status).toBe(408);
    const taken = await post('/callbacks/shopex', `msg_id=1&data=${'y'.repeat(400_000)}`, 'application/x-www-form-urlencoded');
    expect(taken.status).toBe(200); // read, and refused for its sign
    expect(await taken.json()).toMatchObject({ rsp: 'fail', res: '4003' });
  });

  it('answers a Duobaoyu push that would pass the budget 503 FAIL while a chunked callback holds the largest body', async () => {
    const held = chunkedHold('/callbacks/shopex');
    await pause(200);
    const refused = await post('/callbacks/duobaoyu', '{"id":"1"}', 'application/json');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe('FAIL');
    await held;
    expect((await post('/callbacks/duobaoyu', '{"id":"1"}', 'application/json')).status).toBe(200);
  });

  it('leaves a body declared over the largest callback to the route, which refuses it 413 unread', async () => {
    const res = await post('/callbacks/shopex', `data=${'z'.repeat(MIB + 10)}`, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ rsp: 'fail', res: '413' });
  });

  it('counts the refusals as server-busy in /metrics', async () => {
    const held = hold('/callbacks/shopex', 900_000);
    await pause(200);
    expect((await post('/callbacks/shopex', `data=${'y'.repeat(200_000)}`, 'application/x-www-form-urlencoded')).status).toBe(503);
    await held;
    const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/claim_relay_callbacks_total\{platform="shopex",outcome="server-busy"\} [1-9]/);
  });
});

describe('the finance API\'s body budget (finance.maxInFlightBodyBytes)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite', { finance: { tokens: [{ name: 'op', token: TOKEN, role: 'operator' }], maxInFlightBodyBytes: 1000 } });
  });
  afterAll(() => svc.close());

  const post = (body: string, token?: string) =>
    fetch(`${svc.baseUrl}/api/claims/999999/retry`, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it('answers a caller\'s body that would pass the budget 503 server-busy in the finance envelope', async () => {
    const res = await post('x'.repeat(2000), TOKEN);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'server-busy', message: expect.stringContaining('in flight') });
  });

  it('lets a body within the budget through to the route', async () => {
    const res = await post('x'.repeat(500), TOKEN);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not-found' });
  });

  it('holds no bytes for an unauthenticated body: it is refused 401 unread', async () => {
    expect((await post('x'.repeat(2000))).status).toBe(401);
  });
});

describe('bodyBudgetGate', () => {
  /** A route that reads its body slowly, behind a gate over a 1,000-byte budget whose chunked bodies reserve 600. */
  async function start(): Promise<{ url: string; close: () => Promise<void> }> {
    const app = new Koa();
    const busy = financeEdgeAnswer({ id: 'server-busy', status: 503, message: 'busy' });
    app.use(bodyBudgetGate(new BodyBudget({ maxBytes: 1000 }), 600, busy));
    app.use(async (ctx) => {
      ctx.body = { bytes: (await getRawBody(ctx.req, { limit: 600, length: ctx.request.length })).length };
    });
    const server = createHttpServer(app.callback(), { requestTimeoutMs: TIMEOUT_MS, headersTimeoutMs: TIMEOUT_MS });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('reserves each declared body until its answer, and gives the bytes back after it', async () => {
    const { url, close } = await start();
    const held = rawExchange(url, unfinishedBody('POST', '/', 'text/plain', 'a'.repeat(400))); // declares 500
    await pause(150);
    const send = (n: number) => fetch(url, { method: 'POST', body: 'b'.repeat(n) });
    expect((await send(500)).status).toBe(200); // 500 + 500 fit
    expect((await send(501)).status).toBe(503);
    await held;
    expect((await send(501)).status).toBe(200);
    await close();
  });
});
