import { CLAIM_FLAGS, FLAGS } from '../../src/domain/reconciliation';
import { WorkOrder } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { buildWorld, call, FINANCE_CONFIG, settleWorld, TOKENS, WORLD, worldJudgment } from './finance-fixture';

const ITEM_FIELDS = [
  'workOrderId', 'externalOrderId', 'tenantId', 'bizType', 'responsibilityParty', 'warehouseRatio', 'deliveryRatio', 'claimAmount', 'paymentAmount',
  'currency', 'receivedAt', 'revision', 'flags', 'claims',
];

describe.each(TEST_DATABASES)('GET /api/judgments on %s', (kind) => {
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  const byId = () => Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  const list = async (query: string) => {
    const res = await call(svc.baseUrl, `/api/judgments${query ? `?${query}` : ''}`, { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    return res.json.items.map((i: any) => byId()[i.workOrderId]).join('');
  };

  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    ids = await buildWorld(svc);
    await settleWorld(svc, ids);
  });
  afterAll(() => svc.close());

  it('lists newest first, each item exactly as docs/http-contract.md (plus flags), claims included', async () => {
    const { json } = await call(svc.baseUrl, '/api/judgments', { token: TOKENS.viewer });
    expect(json.nextCursor).toBeNull();
    expect(json.items.map((i: any) => byId()[i.workOrderId]).join('')).toBe('FEDCBA');
    const b = json.items.find((i: any) => i.workOrderId === ids.B);
    expect(Object.keys(b)).toEqual(ITEM_FIELDS);
    expect(b).toMatchObject({
      externalOrderId: 'ORDER-B', tenantId: 'TMALL', bizType: 'EXPIRATION_PROBLEM', responsibilityParty: 'DELIVERY', warehouseRatio: '0.00',
      deliveryRatio: '100.00', claimAmount: '20.00', paymentAmount: '19.99', currency: 'CNY', receivedAt: '2026-01-02T10:00:00.000Z', revision: 1,
      flags: ['payment-differs', 'accepted-differs', 'unsettled-stale'],
    });
    expect(b.claims).toEqual([expect.objectContaining({
      route: 'whole-refund', platform: 'appintf', status: 'accepted', amount: '20.00', acceptedAmount: '15.00', settledAmount: null, settledAt: null, flags: ['accepted-differs', 'unsettled-stale'],
    })]);
  });

  it.each([
    ['from=2026-01-03', 'FEDC'],
    ['to=2026-01-02', 'BA'],
    ['from=2026-01-02T10:00:00Z&to=2026-01-04T10:00:00Z', 'CB'],
    ['from=2026-01-05T12:00:00%2B08:00', 'FE'],
    ['tenantId=TMALL', 'DB'],
    ['responsibilityParty=DELIVERY', 'B'],
    ['currency=USD', 'F'],
    ['currency=cny&tenantId=MAOCHAO', 'ECA'],
    ['status=dead', 'D'],
    ['status=pending', 'FD'],
    ['platform=appintf', 'DB'],
    ['platform=glitzcloud&status=pending', 'FD'],
    ['platform=appintf&status=pending', ''],
    ['q=ORDER-C', 'C'],
    ['q=LOGI-A', 'A'],
    ['q=WB-D', 'D'],
    ['q=PKG-B-2', 'B'],
    ['q=nothing-like-it', ''],
    ['flag=payment-differs', 'B'],
    ['flag=share-uncovered', 'C'],
    ['flag=claim-failed', 'D'],
    ['flag=submitted-stale', 'A'],
    ['flag=accepted-differs', 'B'],
    ['flag=resent-blind', 'C'],
    ['flag=settled-differs', 'C'],
    ['flag=unsettled-stale', 'B'],
    ['tenantId=MAOCHAO&responsibilityParty=WAREHOUSE&from=2026-01-03&flag=share-uncovered', 'C'],
  ])('filters %s', async (query, expected) => {
    expect(await list(query)).toBe(expected);
  });

  it('flags each item exactly as the flag filter finds it (SQL and plain functions agree)', async () => {
    const { json } = await call(svc.baseUrl, '/api/judgments', { token: TOKENS.viewer });
    for (const flag of FLAGS) {
      const expected = json.items.filter((i: any) => i.flags.includes(flag)).map((i: any) => byId()[i.workOrderId]).join('');
      expect(`${flag}: ${await list(`flag=${flag}`)}`).toBe(`${flag}: ${expected}`);
    }
  });

  it.each([
    ['from=2026-13-01', 'from'],
    ['from=2026-02-30', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-01-01T10:00:00', 'from'],
    ['from=2026-01-05&to=2026-01-01', 'to'],
    ['status=lost', 'status'],
    ['platform=ebay', 'platform'],
    ['flag=odd', 'flag'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['cursor=bm9wZQ', 'cursor'],
    ['sort=asc', 'sort'],
    ['status=dead&status=pending', 'status'],
    ['q=x…(200)', 'q'],
  ])('answers 400 naming the field for %s', async (given, field) => {
    const query = given.replace('x…(200)', 'x'.repeat(200));
    const { status, json } = await call(svc.baseUrl, `/api/judgments?${query}`, { token: TOKENS.viewer });
    expect(status).toBe(400);
    expect(json.error).toBe('invalid-parameter');
    expect(json.message.startsWith(`${field}: `)).toBe(true);
  });

  it('treats a filter value as a value, never as SQL', async () => {
    expect(await list(`q=${encodeURIComponent("x' OR '1'='1")}`)).toBe('');
    expect(await list(`tenantId=${encodeURIComponent("TMALL' --")}`)).toBe('');
  });

  it('answers the detail with flags, and 404 for an unknown work order', async () => {
    const detail = await call(svc.baseUrl, `/api/judgments/${ids.D}`, { token: TOKENS.viewer });
    expect(detail.json.flags).toEqual(['claim-failed']);
    expect(detail.json.claims.map((c: any) => [c.route, c.status, c.flags])).toEqual([['warehouse-share', 'pending', []], ['whole-refund', 'dead', ['claim-failed']]]);
    expect((await call(svc.baseUrl, '/api/judgments/999999', { token: TOKENS.viewer })).status).toBe(404);
    expect((await call(svc.baseUrl, '/api/judgments/abc', { token: TOKENS.viewer })).status).toBe(400);
  });

  it('flags each claim exactly as the claim flag filter finds it (SQL and plain functions agree)', async () => {
    const { json } = await call(svc.baseUrl, '/api/claims?limit=500', { token: TOKENS.viewer });
    for (const flag of CLAIM_FLAGS) {
      const expected = json.items.filter((c: any) => c.flags.includes(flag)).map((c: any) => c.id);
      expect(expected.length).toBeGreaterThan(0); // the world holds a claim with every claim flag
      const filtered = await call(svc.baseUrl, `/api/claims?flag=${flag}&limit=500`, { token: TOKENS.viewer });
      expect(`${flag}: ${filtered.json.items.map((c: any) => c.id)}`).toBe(`${flag}: ${expected}`);
    }
  });

  it('filters claims by flag too', async () => {
    const { json } = await call(svc.baseUrl, '/api/claims?flag=claim-failed', { token: TOKENS.viewer });
    expect(json.items.map((c: any) => [c.workOrderId, c.route, c.flags])).toEqual([[ids.D, 'whole-refund', ['claim-failed']]]);
    expect((await call(svc.baseUrl, '/api/claims?flag=payment-differs', { token: TOKENS.viewer })).status).toBe(400);
  });

  it('previews what the routes would file, beside what was filed', async () => {
    const { status, json } = await call(svc.baseUrl, `/api/judgments/${ids.D}/route-preview`, { token: TOKENS.viewer });
    expect(status).toBe(200);
    expect(json.routes).toEqual([
      expect.objectContaining({
        route: 'warehouse-share', platform: 'glitzcloud', share: 'warehouseRatio', matched: true, amount: '5.00', currency: 'CNY',
        reasons: ['established matches: wanted true, got true', 'responsibilityParty matches: wanted "WAREHOUSE", got "WAREHOUSE"'],
        fields: { type: '1', connect_order_sn: 'LOGI-D', problem_description: '仓内拣选导致临期' },
        filed: expect.objectContaining({ status: 'pending', amount: '5.00', fields: { type: '1', connect_order_sn: 'LOGI-D', problem_description: '仓内拣选导致临期' } }),
        matchesFiled: true,
      }),
      expect.objectContaining({ route: 'whole-refund', matched: true, amount: '10.00', filed: expect.objectContaining({ status: 'dead', amount: '10.00' }), matchesFiled: true }),
    ]);
    const e = await call(svc.baseUrl, `/api/judgments/${ids.E}/route-preview`, { token: TOKENS.viewer });
    expect(e.json.routes.map((r: any) => [r.matched, r.filed, r.matchesFiled])).toEqual([[false, null, null], [false, null, null]]);
    expect(e.json.routes[0].reasons[0]).toBe('established does not match: wanted true, got false');
  });

  it('gives each when key\'s verdict as data too (key, wanted, got, matches), for a page to say in its own words', async () => {
    const d = await call(svc.baseUrl, `/api/judgments/${ids.D}/route-preview`, { token: TOKENS.viewer });
    expect(d.json.routes[0].checks).toEqual([
      { key: 'established', wanted: true, got: true, matches: true },
      { key: 'responsibilityParty', wanted: 'WAREHOUSE', got: 'WAREHOUSE', matches: true },
    ]);
    const e = await call(svc.baseUrl, `/api/judgments/${ids.E}/route-preview`, { token: TOKENS.viewer });
    expect(e.json.routes[0].checks[0]).toEqual({ key: 'established', wanted: true, got: false, matches: false });
  });
});

describe.each(TEST_DATABASES)('judgment pagination on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
  });
  afterAll(() => svc.close());

  it('pages across inserts and revisions with no repeats and no gaps', async () => {
    const row = WORLD[0];
    const push = async (n: string, claimAmount = 10) => {
      const j = worldJudgment(row);
      j.externalOrderId = `PAGE-${n}`;
      j.judgeResult.claimAmount = claimAmount;
      return (await svc.push(j)).json.data.workOrderId as number;
    };
    const initial: number[] = [];
    for (let i = 0; i < 9; i++) initial.push(await push(String(i)));
    // Ties on received time are ordered by id: three rows share one instant.
    const tie = new Date('2026-01-01T00:00:00.000Z');
    for (const id of initial.slice(2, 5)) await svc.dataSource.getRepository(WorkOrder).update({ id }, { receivedAt: tie });

    const seen: number[] = [];
    let cursor: string | null = '';
    let round = 0;
    while (cursor !== null) {
      const res: any = await call(svc.baseUrl, `/api/judgments?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: TOKENS.viewer });
      seen.push(...res.json.items.map((i: any) => i.workOrderId));
      cursor = res.json.nextCursor;
      // While paging: a new work order arrives, and an already listed one gets a new revision.
      await push(`new-${round}`);
      await push(String(round % 9), 20 + round);
      round++;
    }
    expect(seen).toHaveLength(initial.length);
    expect(new Set(seen)).toEqual(new Set(initial));
  });
});
