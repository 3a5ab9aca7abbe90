import { Claim } from '../../src/entities';
import { updateClaim } from '../../src/storage/claims/claim-repository';
import { inTransaction } from '../../src/storage/transactions';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { buildWorld, call, FINANCE_CONFIG, settleWorld, TOKENS } from './finance-fixture';

const NO_FLAGS = {
  'payment-differs': 0, 'share-uncovered': 0, 'over-claimed': 0, 'out-of-order': 0, 'sub-fen-amount': 0, 'claim-failed': 0, 'submitted-stale': 0, 'accepted-differs': 0, 'resent-blind': 0, 'claim-outdated': 0,
  'settled-differs': 0, 'unsettled-stale': 0,
};

/** Totals hand-computed from the table in finance-fixture.ts. */
const CNY = {
  currency: 'CNY', judgments: 5, judgedClaimAmount: '219.90', paidAmount: '219.89', claims: 5, claimedAmount: '169.90', acceptedAmount: '75.00', completedAmount: '60.00',
  flags: { ...NO_FLAGS, 'payment-differs': 1, 'share-uncovered': 1, 'claim-failed': 1, 'submitted-stale': 1, 'accepted-differs': 1, 'resent-blind': 1, 'claim-outdated': 1 },
  byResponsibilityParty: [
    { responsibilityParty: 'DELIVERY', judgments: 1, judgedClaimAmount: '20.00', paidAmount: '19.99', claims: 1, claimedAmount: '20.00', acceptedAmount: '15.00', completedAmount: '0.00' },
    { responsibilityParty: 'WAREHOUSE', judgments: 4, judgedClaimAmount: '199.90', paidAmount: '199.90', claims: 4, claimedAmount: '149.90', acceptedAmount: '60.00', completedAmount: '60.00' },
  ],
  byPlatform: [
    { platform: 'appintf', claims: 2, amount: '30.00', claimedAmount: '20.00', acceptedAmount: '15.00', completedAmount: '0.00', settledAmount: '0.00', outstandingAmount: '15.00' },
    { platform: 'glitzcloud', claims: 3, amount: '154.90', claimedAmount: '149.90', acceptedAmount: '60.00', completedAmount: '60.00', settledAmount: '0.00', outstandingAmount: '60.00' },
  ],
  byStatus: [
    { status: 'accepted', claims: 1, amount: '20.00' },
    { status: 'completed', claims: 1, amount: '60.00' },
    { status: 'dead', claims: 1, amount: '10.00' },
    { status: 'pending', claims: 1, amount: '5.00' },
    { status: 'submitted', claims: 1, amount: '89.90' },
  ],
};
const USD = {
  currency: 'USD', judgments: 1, judgedClaimAmount: '12.34', paidAmount: '12.34', claims: 1, claimedAmount: '0.00', acceptedAmount: '0.00', completedAmount: '0.00',
  flags: NO_FLAGS,
  byResponsibilityParty: [{ responsibilityParty: 'WAREHOUSE', judgments: 1, judgedClaimAmount: '12.34', paidAmount: '12.34', claims: 1, claimedAmount: '0.00', acceptedAmount: '0.00', completedAmount: '0.00' }],
  byPlatform: [{ platform: 'glitzcloud', claims: 1, amount: '12.34', claimedAmount: '0.00', acceptedAmount: '0.00', completedAmount: '0.00', settledAmount: '0.00', outstandingAmount: '0.00' }],
  byStatus: [{ status: 'pending', claims: 1, amount: '12.34' }],
};

/** The fixture's config with the views read on every request (their cache has tests of its own below). */
const UNCACHED = { ...FINANCE_CONFIG, finance: { ...FINANCE_CONFIG.finance, viewCacheSeconds: 0 } };

/** An aggregate view's figures, once its `asOf` is checked to be a time (the daily view has none). */
function figures(json: any) {
  if (!('asOf' in json)) return json;
  const { asOf, ...rest } = json;
  expect(new Date(asOf).toISOString()).toBe(asOf);
  return rest;
}

describe.each(TEST_DATABASES)('GET /api/summary on %s', (kind) => {
  let svc: TestService;
  const get = async (path: string) => {
    const res = await call(svc.baseUrl, path, { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    return figures(res.json);
  };
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  beforeAll(async () => {
    svc = await startTestService(kind, UNCACHED);
    ids = await buildWorld(svc);
  });
  afterAll(() => svc.close());

  it('totals every currency by party, platform and status, in exact decimals', async () => {
    expect(await get('/api/summary')).toEqual({ currencies: [CNY, USD] });
  });

  it('totals only what the filter selects', async () => {
    const tmall = await get('/api/summary?tenantId=TMALL');
    expect(tmall.currencies).toHaveLength(1);
    expect(tmall.currencies[0]).toMatchObject({
      currency: 'CNY', judgments: 2, judgedClaimAmount: '30.00', paidAmount: '29.99', claims: 3, claimedAmount: '20.00', acceptedAmount: '15.00', completedAmount: '0.00',
      flags: { ...NO_FLAGS, 'payment-differs': 1, 'claim-failed': 1, 'accepted-differs': 1 },
    });
    // A claim filter narrows the claim totals to the claims that meet it.
    const dead = await get('/api/summary?status=dead');
    expect(dead.currencies[0]).toMatchObject({ judgments: 1, judgedClaimAmount: '10.00', claims: 1, claimedAmount: '0.00', byStatus: [{ status: 'dead', claims: 1, amount: '10.00' }] });
    expect((await get('/api/summary?flag=share-uncovered')).currencies[0]).toMatchObject({ judgments: 1, judgedClaimAmount: '100.00', completedAmount: '60.00' });
    expect(await get('/api/summary?from=2030-01-01')).toEqual({ currencies: [] });
  });

  it('answers the daily amounts in the viewer\'s time zone', async () => {
    const utc = await get('/api/summary/daily');
    expect(utc.currencies.map((c: any) => [c.currency, c.days.map((d: any) => d.day)])).toEqual([
      ['CNY', ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05']],
      ['USD', ['2026-01-05']],
    ]);
    expect(utc.currencies[0].days[2]).toEqual({
      day: '2026-01-03', judgments: 1, judgedClaimAmount: '100.00', paidAmount: '100.00', claims: 1, claimedAmount: '60.00', acceptedAmount: '60.00', completedAmount: '60.00',
    });
    const beijing = await get('/api/summary/daily?utcOffsetMinutes=480');
    expect(beijing.currencies[1].days.map((d: any) => d.day)).toEqual(['2026-01-06']);
    const newYork = await get('/api/summary/daily?utcOffsetMinutes=-600&tenantId=TMALL');
    expect(newYork.currencies[0].days.map((d: any) => [d.day, d.judgedClaimAmount])).toEqual([['2026-01-02', '20.00'], ['2026-01-04', '10.00']]);
    expect(newYork.utcOffsetMinutes).toBe(-600);
  });

  it('answers 400 naming the field for a bad filter', async () => {
    for (const [query, field] of [['from=2026-1-1', 'from'], ['status=gone', 'status'], ['utcOffsetMinutes=900', 'utcOffsetMinutes'], ['nope=1', 'nope']]) {
      const path = query.startsWith('utc') ? `/api/summary/daily?${query}` : `/api/summary?${query}`;
      const { status, json } = await call(svc.baseUrl, path, { token: TOKENS.viewer });
      expect([status, json.message.split(':')[0]]).toEqual([400, field]);
    }
  });

  /** The reconciliation view's answer for a query, and the summary's byPlatform for the same query. */
  const bothViews = async (query: string) => {
    const summary = await get(`/api/summary${query}`);
    return {
      reconciliation: await get(`/api/reconciliation${query}`),
      fromSummary: { currencies: summary.currencies.map((c: any) => ({ currency: c.currency, byPlatform: c.byPlatform })) },
    };
  };

  it('answers the reconciliation view per currency and platform, as the summary counts it', async () => {
    const { reconciliation, fromSummary } = await bothViews('');
    expect(reconciliation).toEqual({ currencies: [{ currency: 'CNY', byPlatform: CNY.byPlatform }, { currency: 'USD', byPlatform: USD.byPlatform }] });
    expect(reconciliation).toEqual(fromSummary);
  });

  it('narrows the reconciliation view by claim conditions and by judgment conditions alike', async () => {
    for (const query of ['?status=dead', '?platform=appintf', '?flag=claim-failed', '?tenantId=TMALL', '?currency=USD', '?flag=share-uncovered', '?from=2026-01-03', '?from=2030-01-01']) {
      const { reconciliation, fromSummary } = await bothViews(query);
      expect([query, reconciliation]).toEqual([query, fromSummary]);
    }
    expect((await get('/api/reconciliation?platform=appintf')).currencies).toEqual([{ currency: 'CNY', byPlatform: [CNY.byPlatform[0]] }]);
  });

  it('answers 400 naming the field for a bad reconciliation filter', async () => {
    const { status, json } = await call(svc.baseUrl, '/api/reconciliation?platform=nowhere', { token: TOKENS.viewer });
    expect([status, json.message.split(':')[0]]).toEqual([400, 'platform']);
  });

  // Last: it adds the world's statements.
  it('totals per platform what the statements settled and what is still outstanding of the accepted amount', async () => {
    await settleWorld(svc, ids); // C's completed 60.00 on glitzcloud settled 59.50
    const [cny] = (await get('/api/summary')).currencies;
    expect(cny.byPlatform).toEqual([
      expect.objectContaining({ platform: 'appintf', acceptedAmount: '15.00', settledAmount: '0.00', outstandingAmount: '15.00' }),
      expect.objectContaining({ platform: 'glitzcloud', acceptedAmount: '60.00', settledAmount: '59.50', outstandingAmount: '0.50' }),
    ]);
    expect((await get('/api/reconciliation')).currencies[0].byPlatform).toEqual(cny.byPlatform);
  });
});

describe.each(TEST_DATABASES)('the aggregate views read once for many requests on %s', (kind) => {
  const TTL_SECONDS = 3600;
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  const view = async (path: string, token = TOKENS.viewer) => {
    const res = await call(svc.baseUrl, path, { token });
    expect(res.status).toBe(200);
    return res.json;
  };
  beforeEach(async () => {
    svc = await startTestService(kind, { ...FINANCE_CONFIG, finance: { ...FINANCE_CONFIG.finance, viewCacheSeconds: TTL_SECONDS } });
    ids = await buildWorld(svc);
  });
  afterEach(() => svc.close());

  it('answers requests for the same view and filter at once from one read, saying when it was read', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => view('/api/reconciliation')));
    expect(new Set(answers.map((a) => a.asOf)).size).toBe(1);
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
  });

  it('answers a change made outside the finance API only once the figures are older than finance.viewCacheSeconds', async () => {
    const before = await view('/api/reconciliation');
    const c = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.C, route: 'warehouse-share' });
    await svc.dataSource.getRepository(Claim).update({ id: c.id }, { settledAmountMinor: 100, settledAt: new Date() });
    expect(await view('/api/reconciliation')).toEqual(before);
    // Another filter is another read, which sees the change.
    expect((await view('/api/reconciliation?platform=glitzcloud')).currencies[0].byPlatform[0].settledAmount).toBe('1.00');
  });

  it('reads the views again after a statement is imported through the finance API', async () => {
    await view('/api/summary');
    const c = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.C, route: 'warehouse-share' });
    await inTransaction(svc.dataSource, (em) => updateClaim(em, { id: c.id }, { platformClaimId: 'G-C' }));
    const res = await fetch(`${svc.baseUrl}/api/settlements/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.operator}`, 'content-type': 'text/csv' },
      body: 'platform,platformClaimId,amount,currency,settledAt,reference\r\nglitzcloud,G-C,59.50,CNY,2026-03-01,S-1',
    });
    expect(res.status).toBe(200);
    const glitzcloud = (await view('/api/summary')).currencies[0].byPlatform.find((p: any) => p.platform === 'glitzcloud');
    expect(glitzcloud.settledAmount).toBe('59.50');
  });
});
