import { TEST_DATABASES } from '../support/databases';
import { signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { call, FINANCE_CONFIG, TOKENS } from '../api/finance-fixture';

/** Keys an attacker chooses are data: names of Object.prototype members, and numbers JavaScript cannot hold. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const cursorOf = (key: unknown) => Buffer.from(typeof key === 'string' ? key : JSON.stringify(key), 'utf8').toString('base64url');

describe.each(TEST_DATABASES)('crafted keys on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
  });
  afterAll(() => svc.close());

  describe.each(['hmac', 'hmac-sha256', 'md5'] as const)('POST /qimen signed with %s', (signMethod) => {
    it.each(PROTOTYPE_NAMES)('takes top-sign-list: %s as an absent header (signed as empty), not an internal error', async (name) => {
      const judgment = { ...specExample(), externalOrderId: `CRAFTED-${signMethod}-${name}` };
      // md5 joins the absent header as "<name>" + ""; hmac skips it: sign what the SDK would.
      const push = signedPush(JSON.stringify(judgment), { signMethod, extra: signMethod === 'md5' ? { [name]: '' } : {} });
      const query = new URLSearchParams(push.query);
      query.delete(name);
      const res = await fetch(`${svc.baseUrl}/qimen?${query}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'top-sign-list': name }, body: push.body,
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { errorId: string }).errorId).toBe('success');
    });
  });

  it.each([
    ['/api/judgments', '["2026-01-01T00:00:00.000Z",1e400]'],
    ['/api/judgments', '["2026-01-01T00:00:00.000Z",1e20]'],
    ['/api/judgments', '["2026-01-01T00:00:00.000Z",-1]'],
    ['/api/judgments', '["+275760-09-13T00:00:00.000Z",1]'],
    ['/api/judgments', '["2026",1]'],
    ['/api/claims', '[1e400]'],
    ['/api/claims', '[1.5]'],
    ['/api/claims', '[9007199254740993]'],
  ])('answers %s with a cursor holding %s 400 invalid-parameter in the API envelope', async (path, key) => {
    const { status, json } = await call(svc.baseUrl, `${path}?cursor=${cursorOf(key)}`, { token: TOKENS.viewer });
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'invalid-parameter', message: 'cursor: is not a cursor this API gave out', field: 'cursor' });
  });

  it('still pages with the cursors the API gives out', async () => {
    for (let i = 0; i < 3; i++) await svc.push({ ...specExample(), externalOrderId: `PAGED-${i}` });
    const first = await call(svc.baseUrl, '/api/judgments?limit=1', { token: TOKENS.viewer });
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await call(svc.baseUrl, `/api/judgments?limit=1&cursor=${first.json.nextCursor}`, { token: TOKENS.viewer });
    expect(second.status).toBe(200);
    expect(second.json.items[0].workOrderId).toBeLessThan(first.json.items[0].workOrderId);
  });
});
