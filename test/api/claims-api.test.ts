import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimEvent } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const TOKENS = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789' };
const CONFIG = {
  platforms: { appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'session-secret-xyz' } },
  routes: [{ name: 'appintf-refund', platform: 'appintf', when: { established: true }, fields: { orderId: '123456', cause: '{judgeResult.judgeReason}' } }],
  finance: { tokens: [{ name: 'fin-viewer', token: TOKENS.viewer, role: 'viewer' }, { name: 'fin-op', token: TOKENS.operator, role: 'operator' }] },
};

describe.each(TEST_DATABASES)('finance API for claims on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, CONFIG);
  });
  afterEach(() => svc.close());

  const api = async (path: string, opts: { token?: string; method?: string } = {}) => {
    const res = await fetch(`${svc.baseUrl}${path}`, {
      method: opts.method ?? 'GET',
      headers: opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` },
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const pushed = async (externalOrderId: string, claimAmount = 89.9) => {
    const j = specExample();
    j.externalOrderId = externalOrderId;
    j.judgeResult.claimAmount = claimAmount;
    return (await svc.push(j)).json.data.workOrderId as number;
  };

  it('answers 401 without a token and with an unknown one', async () => {
    expect((await api('/api/claims')).status).toBe(401);
    expect((await api('/api/claims', { token: 'nope' })).json).toEqual({ error: 'unauthorized', message: 'a valid bearer token is required' });
  });

  it('lists claims with the amount as a decimal string', async () => {
    const workOrderId = await pushed('A-1');
    const { status, json } = await api('/api/claims', { token: TOKENS.viewer });
    expect(status).toBe(200);
    expect(json.items).toEqual([expect.objectContaining({ workOrderId, route: 'appintf-refund', platform: 'appintf', status: 'pending', amount: '89.90', currency: 'CNY', attempts: 0, lastError: null })]);
    expect(json.nextCursor).toBeNull();
  });

  it('filters by workOrderId, platform and status', async () => {
    const a = await pushed('A-1');
    await pushed('A-2');
    expect((await api(`/api/claims?workOrderId=${a}`, { token: TOKENS.viewer })).json.items).toHaveLength(1);
    expect((await api('/api/claims?platform=appintf&status=pending', { token: TOKENS.viewer })).json.items).toHaveLength(2);
    expect((await api('/api/claims?status=dead', { token: TOKENS.viewer })).json.items).toHaveLength(0);
  });

  it('answers 400 naming the field for an unknown filter value', async () => {
    const { status, json } = await api('/api/claims?status=lost', { token: TOKENS.viewer });
    expect(status).toBe(400);
    expect(json.message).toMatch(/^status: must be one of/);
  });

  it('pages with a cursor, in id order, without repeats', async () => {
    for (let i = 0; i < 5; i++) await pushed(`P-${i}`);
    const first = await api('/api/claims?limit=2', { token: TOKENS.viewer });
    const second = await api(`/api/claims?limit=2&cursor=${first.json.nextCursor}`, { token: TOKENS.viewer });
    const third = await api(`/api/claims?limit=2&cursor=${second.json.nextCursor}`, { token: TOKENS.viewer });
    const ids = [...first.json.items, ...second.json.items, ...third.json.items].map((c: any) => c.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(5);
    expect(third.json.nextCursor).toBeNull();
  });

  it('forbids a viewer to retry or cancel (403)', async () => {
    await pushed('A-1');
    const [claim] = await svc.dataSource.getRepository(Claim).find();
    expect((await api(`/api/claims/${claim.id}/cancel`, { token: TOKENS.viewer, method: 'POST' })).status).toBe(403);
  });

  it('lets an operator retry a dead claim: pending again, due now, history kept in an event', async () => {
    await pushed('A-1');
    const [claim] = await svc.dataSource.getRepository(Claim).find();
    await svc.dataSource.getRepository(Claim).update({ id: claim.id }, { status: 'dead', attempts: 8, lastError: '17: 订单不存在', nextAttemptAt: null });
    const { status, json } = await api(`/api/claims/${claim.id}/retry`, { token: TOKENS.operator, method: 'POST' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'pending', attempts: 8, lastError: null });
    const detail = await api(`/api/judgments/${claim.workOrderId}`, { token: TOKENS.viewer });
    expect(detail.json.claims[0].events.at(-1)).toMatchObject({ from: 'dead', to: 'pending', source: 'operator', reason: 'retried by operator fin-op' });
  });

  it('answers an operator action with the claim exactly as GET /api/claims then lists it, flags included', async () => {
    await pushed('A-1');
    const [claim] = await svc.dataSource.getRepository(Claim).find();
    await svc.dataSource.getRepository(Claim).update({ id: claim.id }, { status: 'rejected', acceptedAmountMinor: 100, nextAttemptAt: null });
    const retried = await api(`/api/claims/${claim.id}/retry`, { token: TOKENS.operator, method: 'POST' });
    expect(retried.json.flags).toEqual(['accepted-differs']);
    expect(retried.json).toEqual((await api('/api/claims', { token: TOKENS.viewer })).json.items[0]);
  });

  it('refuses to retry a claim that is not dead or rejected (409)', async () => {
    await pushed('A-1');
    const [claim] = await svc.dataSource.getRepository(Claim).find();
    expect((await api(`/api/claims/${claim.id}/retry`, { token: TOKENS.operator, method: 'POST' })).status).toBe(409);
  });

  it('lets an operator cancel a pending claim', async () => {
    await pushed('A-1');
    const [claim] = await svc.dataSource.getRepository(Claim).find();
    const { json } = await api(`/api/claims/${claim.id}/cancel`, { token: TOKENS.operator, method: 'POST' });
    expect(json.status).toBe('cancelled');
    expect((await svc.dataSource.getRepository(Claim).findOneByOrFail({ id: claim.id })).nextAttemptAt).toBeNull();
  });

  it('answers 404 for an unknown claim', async () => {
    expect((await api('/api/claims/999999/cancel', { token: TOKENS.operator, method: 'POST' })).status).toBe(404);
  });

  it('shows a work order with its revisions, raw push without secrets, and claims with attempts and events', async () => {
    const workOrderId = await pushed('A-1');
    const { status, json } = await api(`/api/judgments/${workOrderId}`, { token: TOKENS.viewer });
    expect(status).toBe(200);
    expect(json).toMatchObject({ workOrderId, externalOrderId: 'A-1', tenantId: 'MAOCHAO', claimAmount: '89.90', warehouseRatio: '100.00', deliveryRatio: '0.00', currency: 'CNY', revision: 1 });
    expect(json.revisions).toHaveLength(1);
    expect(json.revisions[0].rawPush.query.sign).toBeUndefined();
    expect(JSON.parse(json.revisions[0].rawPush.body).externalOrderId).toBe('A-1');
    expect(json.claims[0]).toMatchObject({ route: 'appintf-refund', attempts: [], events: [expect.objectContaining({ to: 'pending', source: 'push' })] });
    expect(JSON.stringify(json)).not.toContain('session-secret-xyz');
  });
});

describe.each(TEST_DATABASES)('claim events and last errors with their ids in the finance API on %s', (kind) => {
  // One route that sends to a closed port (connect fails), one whose fields break appintf's rules (cause missing).
  const fields = { orderId: '123456', causeType: '1', cause: '{judgeResult.judgeReason}', proofs: 'http://proof' };
  const config = {
    ...CONFIG,
    routes: [
      { name: 'appintf-refund', platform: 'appintf', when: { established: true }, fields },
      { name: 'appintf-no-cause', platform: 'appintf', when: { established: true }, fields: { ...fields, cause: '' } },
    ],
  };
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, config);
  });
  afterEach(() => svc.close());

  const detail = async (workOrderId: number) => {
    const res = await fetch(`${svc.baseUrl}/api/judgments/${workOrderId}`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    return ((await res.json()) as any).claims as any[];
  };
  const byRoute = (claims: any[], route: string) => claims.find((c) => c.route === route);
  const pushAndSend = async () => {
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    const workOrderId = (await svc.push(j)).json.data.workOrderId as number;
    const worker = new DispatchWorker({
      dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: 'silent' }),
      now: () => new Date(Date.now() + 1000),
    });
    await worker.runOnce();
    return workOrderId;
  };

  it('gives a claim\'s creating event the reason id route-matches, with the revision, route, checks and amount as params', async () => {
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    const workOrderId = (await svc.push(j)).json.data.workOrderId as number;
    const [event] = byRoute(await detail(workOrderId), 'appintf-refund').events;
    expect(event).toMatchObject({
      reasonId: 'route-matches',
      reasonParams: {
        revision: 1, route: 'appintf-refund', amount: '89.90', currency: 'CNY', fieldsTooLargeBytes: null,
        checks: [{ key: 'established', wanted: true, got: true, matches: true }],
      },
    });
    expect(event.reason).toBe('revision 1 matches route appintf-refund (established matches: wanted true, got true); amount 89.90 CNY');
  });

  it('gives a precheck failure the lastError id precheck with the field and rule, and its event the id attempt-failed', async () => {
    const workOrderId = await pushAndSend();
    const claim = byRoute(await detail(workOrderId), 'appintf-no-cause');
    expect(claim).toMatchObject({ status: 'dead', lastError: 'precheck:cause: cause is required', lastErrorId: 'precheck', lastErrorParams: { field: 'cause', rule: 'required' } });
    expect(claim.events.at(-1)).toMatchObject({
      from: 'pending', to: 'dead', reasonId: 'attempt-failed', reasonParams: { attempt: 1, error: { id: 'precheck', params: { field: 'cause', rule: 'required' } } },
    });
  });

  it('gives the attempt the same error id and params as the claim\'s lastError', async () => {
    const workOrderId = await pushAndSend();
    const [attempt] = byRoute(await detail(workOrderId), 'appintf-no-cause').attempts;
    expect(attempt).toMatchObject({ errorCode: 'precheck:cause', errorMessage: 'cause is required', errorId: 'precheck', errorParams: { field: 'cause', rule: 'required' } });
  });

  it('gives a failed connection the lastError id connect-failed, the system\'s error text kept as its detail', async () => {
    const workOrderId = await pushAndSend();
    const claim = byRoute(await detail(workOrderId), 'appintf-refund');
    expect(claim).toMatchObject({ status: 'pending', lastErrorId: 'connect-failed', lastErrorParams: { detail: expect.stringContaining('ECONNREFUSED') } });
    expect(claim.lastError).toMatch(/^connect_failed: ECONNREFUSED/);
  });

  it('clears the lastError id with the lastError when an operator retries, and records operator-retried with the operator\'s name', async () => {
    const workOrderId = await pushAndSend();
    const dead = byRoute(await detail(workOrderId), 'appintf-no-cause');
    const res = await fetch(`${svc.baseUrl}/api/claims/${dead.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.operator}` } });
    expect(await res.json()).toMatchObject({ status: 'pending', lastError: null, lastErrorId: null, lastErrorParams: null });
    expect(byRoute(await detail(workOrderId), 'appintf-no-cause').events.at(-1)).toMatchObject({ reasonId: 'operator-retried', reasonParams: { operator: 'fin-op' } });
  });

  it('shows an event stored before ids with its text only: reasonId and reasonParams null', async () => {
    const j = specExample();
    const workOrderId = (await svc.push(j)).json.data.workOrderId as number;
    await svc.dataSource.createQueryBuilder().update(ClaimEvent).set({ reasonId: null, reasonParams: null }).execute();
    const [event] = byRoute(await detail(workOrderId), 'appintf-refund').events;
    expect(event).toMatchObject({ reasonId: null, reasonParams: null, reason: expect.stringMatching(/^revision 1 matches route appintf-refund/) });
  });
});
