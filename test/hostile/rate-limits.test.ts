/**
 * Request rate limits (issue 7, item 6): per app_key and per IP on /qimen, per IP on each callback,
 * off by default, answered in the caller's envelope. The service's clock is pinned, so refills are exact.
 */
import { request } from 'node:http';
import { parseConfig } from '../../src/config/load';
import { TokenBuckets } from '../../src/http/rate-limit';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const OTHER_APP = { appKey: '87654321', secret: 'othersecret0123456789abcdef01234' };

describe('rateLimits config', () => {
  const minimal = { qimen: { apps: [TEST_APP] } };

  it('is off when absent', () => {
    expect(parseConfig(minimal).rateLimits).toEqual({ maxKeys: 10_000 });
  });

  it('takes every limit, fractions included', () => {
    const c = parseConfig({ ...minimal, rateLimits: { qimen: { perAppKeyPerSecond: 50, perIpPerSecond: 0.5 }, callbacks: { perIpPerSecond: 20 }, maxKeys: 100 } });
    expect(c.rateLimits).toEqual({ qimen: { perAppKeyPerSecond: 50, perIpPerSecond: 0.5 }, callbacks: { perIpPerSecond: 20 }, maxKeys: 100 });
  });

  it.each([
    [{ qimen: { perIpPerSecnd: 5 } }, /rateLimits\.qimen\.perIpPerSecnd: unknown key/],
    [{ callbacks: { perAppKeyPerSecond: 5 } }, /rateLimits\.callbacks\.perAppKeyPerSecond: unknown key/],
    [{ qimen: { perIpPerSecond: 0 } }, /rateLimits\.qimen\.perIpPerSecond/],
    [{ qimen: { perIpPerSecond: '5' } }, /rateLimits\.qimen\.perIpPerSecond/],
    [{ maxKeys: 0 }, /rateLimits\.maxKeys/],
  ])('refuses %j', (rateLimits, message) => {
    expect(() => parseConfig({ ...minimal, rateLimits })).toThrow(message);
  });
});

describe('TokenBuckets', () => {
  it('lets a burst of perSecond through, then one more per 1/perSecond seconds, and says how long to wait', () => {
    let now = 0;
    const b = new TokenBuckets(4, 100, () => new Date(now));
    expect([1, 2, 3, 4, 5].map(() => b.take('k'))).toEqual([0, 0, 0, 0, 250]);
    now += 249;
    expect(b.take('k')).toBe(1);
    now += 1;
    expect(b.take('k')).toBe(0);
    now += 10_000; // refills to the burst, not beyond
    expect([1, 2, 3, 4, 5].map(() => b.take('k'))).toEqual([0, 0, 0, 0, 250]);
  });

  it('keeps keys apart and allows fractions (0.5: one every 2 s)', () => {
    let now = 0;
    const b = new TokenBuckets(0.5, 100, () => new Date(now));
    expect([b.take('a'), b.take('a'), b.take('b')]).toEqual([0, 2000, 0]);
    now += 2000;
    expect(b.take('a')).toBe(0);
  });

  it('remembers at most maxKeys keys, dropping the least recently used', () => {
    const now = 0;
    const b = new TokenBuckets(1, 3, () => new Date(now));
    for (const k of ['a', 'b', 'c']) b.take(k);
    b.take('a'); // a is now the most recent (refused: its token is spent)
    b.take('d'); // evicts b
    expect(b.size).toBe(3);
    expect(b.take('a')).toBeGreaterThan(0); // still remembered: still limited
    expect(b.take('b')).toBe(0); // forgotten: a full bucket again
    for (let i = 0; i < 10_000; i++) b.take(`flood-${i}`);
    expect(b.size).toBe(3);
  });
});

describe('rate limits on the service', () => {
  let svc: TestService;
  let clock: number;
  const start = async (rateLimits?: object) => {
    clock = Date.now();
    svc = await startTestService('sqlite', { qimen: { apps: [TEST_APP, OTHER_APP] }, ...(rateLimits ? { rateLimits } : {}) }, { now: () => clock });
  };
  afterEach(() => svc?.close());

  /** A signed push; `from` is the local address it is sent from (any 127.x address reaches the service). */
  const push = async (opts: { appKey?: string; secret?: string; from?: string } = {}) => {
    const signed = signedPush(JSON.stringify({ ...specExample(), externalOrderId: `RL-${Math.random()}` }), { appKey: opts.appKey, secret: opts.secret, timestampMs: clock });
    const url = new URL(`${svc.baseUrl}/qimen?${signed.query}`);
    return new Promise<{ status: number; retryAfter: string | null; json: any }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', localAddress: opts.from ?? '127.0.0.1' }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(signed.body);
    });
  };
  const ids = async (n: number, opts: Parameters<typeof push>[0] = {}) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await push(opts)).json.errorId);
    return out;
  };
  const workOrders = async () => Number((await svc.dataSource.query('SELECT COUNT(*) AS n FROM work_order'))[0].n);

  it('limits nothing by default', async () => {
    await start();
    expect(new Set(await ids(40))).toEqual(new Set(['success']));
  });

  it('answers /qimen over the per-IP limit with rate-limited (error 429, HTTP 200, Retry-After) and stores nothing', async () => {
    await start({ qimen: { perIpPerSecond: 3 } });
    expect(await ids(3)).toEqual(['success', 'success', 'success']);
    const refused = await push();
    expect(refused).toEqual({
      status: 200, retryAfter: '1', json: { errorMessage: 'too many requests, please push again later', errorId: 'rate-limited', error: '429' },
    });
    expect(await workOrders()).toBe(3);
    // Any request counts, signed or not: a flood of bad pushes is refused before its body is read.
    expect((await push({ secret: 'wrong' })).json.errorId).toBe('rate-limited');
    clock += 334;
    expect(await ids(2)).toEqual(['success', 'rate-limited']);
    clock += 1000;
    expect(await ids(4)).toEqual(['success', 'success', 'success', 'rate-limited']);
  });

  it('counts each IP apart', async () => {
    await start({ qimen: { perIpPerSecond: 2 } });
    expect(await ids(3)).toEqual(['success', 'success', 'rate-limited']);
    expect(await ids(3, { from: '127.0.0.2' })).toEqual(['success', 'success', 'rate-limited']);
    expect(await ids(1, { from: '127.0.0.3' })).toEqual(['success']);
  });

  it('limits each configured app_key apart, and gives unknown app keys no bucket', async () => {
    await start({ qimen: { perAppKeyPerSecond: 2 } });
    expect(await ids(3)).toEqual(['success', 'success', 'rate-limited']);
    expect(await ids(3, OTHER_APP)).toEqual(['success', 'success', 'rate-limited']);
    expect(await ids(5, { appKey: '99999999' })).toEqual(Array(5).fill('invalid-app-key'));
    clock += 500;
    expect(await ids(2)).toEqual(['success', 'rate-limited']);
  });

  it('counts only verified pushes against the app_key limit: badly signed pushes naming it cannot use it up', async () => {
    await start({ qimen: { perAppKeyPerSecond: 2 } });
    expect(await ids(20, { secret: 'not-the-secret-of-this-app-key' })).toEqual(Array(20).fill('sign-check-failure'));
    expect(await ids(3)).toEqual(['success', 'success', 'rate-limited']);
  });

  it('answers a ShopEx callback over the limit with {"rsp":"fail","res":"429"} and a Duobaoyu push with FAIL, each route apart', async () => {
    await start({ callbacks: { perIpPerSecond: 2 } });
    const shopex = async () => {
      const res = await fetch(`${svc.baseUrl}/callbacks/shopex`, { method: 'POST', body: new URLSearchParams({ msg_id: 'm1', sign: 'x' }) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
    };
    const duobaoyu = async () => {
      const res = await fetch(`${svc.baseUrl}/callbacks/duobaoyu`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"1"}' });
      return { status: res.status, body: await res.text() };
    };
    expect((await shopex()).body).toMatchObject({ rsp: 'fail', res: '4003' }); // through: refused by its sign
    expect((await shopex()).body).toMatchObject({ res: '4003' });
    expect(await shopex()).toEqual({ status: 429, retryAfter: '1', body: { rsp: 'fail', res: '429', err_msg: 'too many requests, please repeat later', msg_id: '' } });
    expect(await duobaoyu()).toEqual({ status: 200, body: 'FAIL' }); // through: unsigned
    expect(await duobaoyu()).toEqual({ status: 200, body: 'FAIL' });
    expect(await duobaoyu()).toEqual({ status: 429, body: 'FAIL' });
    // /qimen is not limited by the callbacks' setting.
    expect(new Set(await ids(5))).toEqual(new Set(['success']));
    clock += 1000;
    expect((await shopex()).body.res).toBe('4003');
  });
});
