import { AuditLog, Claim } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { buildWorld, call, FINANCE_CONFIG, TOKENS } from './finance-fixture';
import { concretePath, registeredRoutes } from './registered-routes';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config/load';
import { createLogger } from '../../src/logging';

/** Routes an operator only may call; every other /api route is read-only and open to viewers. */
const OPERATOR_ONLY = ['POST /api/claims/:id/retry', 'POST /api/claims/:id/cancel', 'POST /api/settlements/import'];

const app = createApp({ config: parseConfig({ qimen: { apps: [{ appKey: '1', secret: 's' }] } }), dataSource: {} as never, logger: createLogger({ level: 'silent' }) });
const API_ROUTES = registeredRoutes(app).filter((r) => r.path.startsWith('/api/'));

describe.each(TEST_DATABASES)('finance auth on every route (%s)', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    await buildWorld(svc);
  });
  afterAll(() => svc.close());

  it('covers every /api route', () => {
    expect(API_ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(OPERATOR_ONLY));
    expect(API_ROUTES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: 401 without a token or with a wrong one', async (_name, route) => {
    for (const token of [undefined, 'wrong-token', '']) {
      const res = await call(svc.baseUrl, concretePath(route), { method: route.method, token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.json).toEqual({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  });

  it.each(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: 403 for a viewer where only an operator may', async (name, route) => {
    const viewer = await call(svc.baseUrl, concretePath(route), { method: route.method, token: TOKENS.viewer });
    const operator = await call(svc.baseUrl, concretePath(route), { method: route.method, token: TOKENS.operator });
    expect(operator.status).not.toBe(401);
    expect(operator.status).not.toBe(403);
    if (OPERATOR_ONLY.includes(name)) expect(viewer.json).toEqual({ error: 'forbidden', message: 'the viewer role may not do this' });
    else expect(viewer.status).toBe(operator.status);
  });

  it('serves the page and the OpenAPI document without a token', async () => {
    for (const path of ['/finance/', '/finance/assets/finance.js', '/finance/assets/finance.css', '/openapi.json']) {
      expect(`${path} ${(await call(svc.baseUrl, path)).status}`).toBe(`${path} 200`);
    }
  });
});

describe.each(TEST_DATABASES)('audit log of operator actions (%s)', (kind) => {
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    ids = await buildWorld(svc);
  });
  afterAll(() => svc.close());

  it('records who retried and cancelled what, when, before and after; a refused action records nothing', async () => {
    const dead = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.D, route: 'whole-refund' });
    const pending = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.D, route: 'warehouse-share' });
    const started = Date.now();
    const retry = await fetch(`${svc.baseUrl}/api/claims/${dead.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.operator}`, 'x-request-id': 'req-audit-1' } });
    expect(retry.status).toBe(200);
    expect((await call(svc.baseUrl, `/api/claims/${pending.id}/cancel`, { method: 'POST', token: TOKENS.operator })).status).toBe(200);
    expect((await call(svc.baseUrl, `/api/claims/${pending.id}/retry`, { method: 'POST', token: TOKENS.operator })).status).toBe(409);
    expect((await call(svc.baseUrl, `/api/claims/${pending.id}/cancel`, { method: 'POST', token: TOKENS.viewer })).status).toBe(403);

    const entries = await svc.dataSource.getRepository(AuditLog).find({ order: { id: 'ASC' } });
    expect(entries.map((e) => [e.actor, e.actorRole, e.action, e.targetType, e.targetId])).toEqual([
      ['fin-op', 'operator', 'claim.retry', 'claim', String(dead.id)],
      ['fin-op', 'operator', 'claim.cancel', 'claim', String(pending.id)],
    ]);
    expect(entries[0].requestId).toBe('req-audit-1');
    expect(entries[0].at.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(JSON.parse(entries[0].beforeJson!)).toMatchObject({ id: dead.id, status: 'dead', lastError: '17: 订单不存在', attempts: 8 });
    expect(JSON.parse(entries[0].afterJson!)).toMatchObject({ id: dead.id, status: 'pending', lastError: null, attempts: 8 });

    const detail = await call(svc.baseUrl, `/api/judgments/${ids.D}`, { token: TOKENS.viewer });
    const audited = detail.json.claims.find((c: any) => c.id === dead.id).audit;
    expect(audited).toEqual([expect.objectContaining({ actor: 'fin-op', action: 'claim.retry', before: expect.objectContaining({ status: 'dead' }), after: expect.objectContaining({ status: 'pending' }) })]);
    expect(JSON.stringify(detail.json)).not.toContain(TOKENS.operator);
  });
});
