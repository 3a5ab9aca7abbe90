import { connect, Socket } from 'node:net';
import fc from 'fast-check';
import { BodyBudget } from '../../src/http/body-budget';
import { qimenSign, qimenSigner } from '../../src/verify/qimen-sign';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const MiB = 1024 * 1024;

describe('the in-flight body budget', () => {
  it('refuses growth past the budget and takes it back on release', () => {
    const budget = new BodyBudget({ maxBytes: 100, bigBodyBytes: 1000 });
    const a = budget.open();
    const b = budget.open();
    expect(a.grow(60)).toBe(true);
    expect(b.grow(50)).toBe(false);
    expect(b.grow(40)).toBe(true);
    a.release();
    expect(budget.heldBytes).toBe(40);
    expect(b.grow(60)).toBe(true);
  });

  it('keeps a reserve that big bodies cannot take, so ordinary pushes still have room', () => {
    const budget = new BodyBudget({ maxBytes: 40 * MiB, bigBodyBytes: MiB, smallBodyReserve: 8 * MiB });
    expect(budget.open().grow(30 * MiB)).toBe(true);
    expect(budget.open().grow(3 * MiB)).toBe(false); // big: only 32 MiB for big bodies
    const small = budget.open();
    for (let i = 0; i < 8; i++) expect(small.grow(100_000)).toBe(true);
  });

  it('counts a body that grows past bigBodyBytes as big from then on', () => {
    const budget = new BodyBudget({ maxBytes: 16 * MiB, bigBodyBytes: MiB, smallBodyReserve: 4 * MiB });
    const grower = budget.open();
    for (let i = 0; i < 12; i++) expect(grower.grow(MiB)).toBe(true);
    expect(grower.grow(MiB)).toBe(false);
    expect(budget.open().grow(512 * 1024)).toBe(true);
  });
});

describe('the signature computed as the body streams in', () => {
  it('equals the signature of the whole body, however the body is cut into chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 6 }), fc.constantFrom('md5', 'hmac', 'hmac-sha256' as const), (bytes, cuts, method) => {
        const body = Buffer.from(bytes);
        const params = new Map([['app_key', '12345678'], ['timestamp', '2024-01-02 10:00:00']]);
        const signer = qimenSigner(method, 'secret', params);
        let at = 0;
        for (const cut of [...cuts].sort((x, y) => x - y)) {
          const end = Math.min(cut, body.length);
          signer.update(body.subarray(at, Math.max(at, end)));
          at = Math.max(at, end);
        }
        signer.update(body.subarray(at));
        expect(signer.sign()).toBe(qimenSign(method, 'secret', params, body));
      }),
      { numRuns: 300 },
    );
  });
});

describe('POST /qimen under a flood of big bodies', () => {
  let svc: TestService;
  const held: Socket[] = [];
  beforeAll(async () => {
    svc = await startTestService('sqlite', { qimen: { apps: [TEST_APP], maxBodyBytes: 8 * MiB, maxInFlightBodyBytes: 12 * MiB } });
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await svc.close();
  });

  /** Starts a push declaring `length` bytes and sends only its headers: the body never finishes. */
  const holdBigBody = (length: number) =>
    new Promise<Socket>((resolve) => {
      const url = new URL(svc.baseUrl);
      const signed = signedPush('{}');
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST /qimen?${signed.query} HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n{`);
        held.push(socket);
        setTimeout(() => resolve(socket), 100);
      });
    });

  it('answers server-busy (HTTP 503, error "503") to a big body past the budget, and still stores an ordinary push', async () => {
    await holdBigBody(5 * MiB);
    await holdBigBody(4 * MiB); // 9 MiB of big bodies held: the budget keeps 3 MiB for small ones
    const signed = signedPush(Buffer.alloc(2 * MiB, 0x20));
    const busy = await fetch(`${svc.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body });
    expect(busy.status).toBe(503);
    expect(await busy.json()).toEqual({ errorMessage: 'too many request bodies in flight, please push again', errorId: 'server-busy', error: '503' });

    const ordinary = await svc.push({ ...specExample(), externalOrderId: 'BUDGET-1' });
    expect(ordinary.json.errorId).toBe('success');
  });

  it('gives the budget back when a held body\'s connection goes away', async () => {
    for (const s of held.splice(0)) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const signed = signedPush(Buffer.alloc(6 * MiB, 0x20));
    const res = await fetch(`${svc.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body });
    expect(await res.json()).toMatchObject({ errorId: 'invalid-json' }); // read, verified and parsed: not refused for room
  });
});
