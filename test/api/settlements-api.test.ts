import ExcelJS from 'exceljs';
import { AuditLog, Claim, ClaimEvent, Settlement } from '../../src/entities';
import { updateClaim } from '../../src/storage/claims/claim-repository';
import { inTransaction } from '../../src/storage/transactions';
import { TEST_DATABASES } from '../support/databases';
import { readAnswer } from '../support/http-answer';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { call } from './finance-fixture';

const MAX_STATEMENT_BYTES = 100_000;
const TOKENS = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789' };
const CONFIG = {
  platforms: { appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'session-secret-xyz' } },
  routes: [{ name: 'refund', platform: 'appintf', when: { established: true }, fields: { orderId: '123456', cause: '{judgeResult.judgeReason}' } }],
  finance: {
    tokens: [{ name: 'fin-viewer', token: TOKENS.viewer, role: 'viewer' }, { name: 'fin-op', token: TOKENS.operator, role: 'operator' }],
    maxStatementBytes: MAX_STATEMENT_BYTES,
  },
};
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DAY = 86_400_000;
const HEADER = 'platform,platformClaimId,amount,currency,settledAt,reference';

/**
 * Statements (对账单) imported against claims: each claim here is on appintf, accepted, holding the
 * refund id `R-<order>`; amounts as the push judged them.
 */
describe.each(TEST_DATABASES)('settlements on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, CONFIG);
  });
  afterEach(() => svc.close());

  /** A judgment whose claim appintf accepted as refund R-<order>, `agreedDaysAgo` days ago; answers the claim id. */
  async function acceptedClaim(order: string, amount = 89.9, agreedDaysAgo = 1): Promise<number> {
    const j = specExample();
    j.externalOrderId = order;
    j.judgeResult.claimAmount = amount;
    const workOrderId = (await svc.push(j)).json.data.workOrderId as number;
    const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId });
    await svc.dataSource.getRepository(Claim).update({ id: claim.id }, { status: 'accepted', attempts: 1, nextAttemptAt: null, platformClaimId: `R-${order}` });
    await svc.dataSource.getRepository(ClaimEvent).insert({
      claimId: claim.id, fromStatus: 'submitted', toStatus: 'accepted', source: 'poll', reason: 'test', payload: null, createdAt: new Date(Date.now() - agreedDaysAgo * DAY),
    });
    return claim.id;
  }
  const upload = async (body: string | Buffer, opts: { query?: string; token?: string; type?: string } = {}) => {
    const res = await fetch(`${svc.baseUrl}/api/settlements/import${opts.query ? `?${opts.query}` : ''}`, {
      method: 'POST',
      headers: { ...(opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? TOKENS.operator}` }), 'content-type': opts.type ?? CSV },
      body,
    });
    return readAnswer(res);
  };
  const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n');
  const claimOf = async (id: number) => (await call(svc.baseUrl, `/api/claims?limit=500`, { token: TOKENS.viewer })).json.items.find((c: any) => c.id === id);
  const count = (entity: typeof Settlement | typeof AuditLog) => svc.dataSource.getRepository(entity).count();
  /** The claim learns the platform's id as every path that learns one writes it (a send's answer, a callback, a poll). */
  const learnPlatformId = (id: number, platformClaimId: string) => inTransaction(svc.dataSource, (em) => updateClaim(em, { id }, { platformClaimId }));

  it('answers a dry run with each line matched, unmatched, duplicate or invalid, and stores nothing', async () => {
    const id = await acceptedClaim('A');
    const statement = '\uFEFF' + csv(
      'appintf,R-A,89.90,CNY,2026-03-01 10:00:00,L-1',
      'appintf,R-UNKNOWN,10.00,CNY,2026-03-01,L-2',
      'appintf,R-A,1.00,CNY,2026-03-01,L-1',
      'appintf,R-A,12.345,CNY,2026-03-01,L-3',
    );
    const { status, json } = await upload(statement, { query: 'dryRun=1' });
    expect(status).toBe(200);
    expect(json).toEqual({
      rows: 4, matched: 1, unmatched: 1, duplicates: 1, invalid: 1, differing: 0,
      lines: [
        { line: 2, outcome: 'matched', claimId: id, message: '', messageId: null, params: null },
        { line: 3, outcome: 'unmatched', claimId: null, message: 'no claim of this platform holds this platformClaimId (yet); the line is kept', messageId: 'unmatched', params: null },
        { line: 4, outcome: 'duplicate', claimId: null, message: 'this platform and reference were imported before (or earlier in this file)', messageId: 'duplicate', params: null },
        {
          line: 5, outcome: 'invalid', claimId: null, message: 'amount: must be a decimal amount with at most 2 decimals in CNY',
          messageId: 'amount-invalid', params: { column: 'amount', decimals: 2, currency: 'CNY' },
        },
      ],
    });
    expect(await count(Settlement)).toBe(0);
    expect(await count(AuditLog)).toBe(0);
    expect(await claimOf(id)).toMatchObject({ settledAmount: null, settledAt: null });
  });

  it('stores the lines, gives the claim its settled amount and time, and audits the import with the file hash and counts', async () => {
    const id = await acceptedClaim('A');
    const statement = csv('appintf,R-A,50.00,CNY,2026-03-01 10:00:00,L-1', 'appintf,R-A,39.90,CNY,2026-03-02T08:00:00Z,L-2');
    const { json } = await upload(statement);
    expect(json).toMatchObject({ rows: 2, matched: 2, unmatched: 0, duplicates: 0, invalid: 0, differing: 0 });
    expect(await claimOf(id)).toMatchObject({ settledAmount: '89.90', settledAt: '2026-03-02T08:00:00.000Z', flags: [] });
    const [entry] = await svc.dataSource.getRepository(AuditLog).find();
    const sha256 = (await import('node:crypto')).createHash('sha256').update(statement).digest('hex');
    expect(entry).toMatchObject({ actor: 'fin-op', actorRole: 'operator', action: 'settlement.import', targetType: 'statement', targetId: sha256 });
    expect(JSON.parse(entry.afterJson!)).toMatchObject({ fileSha256: sha256, format: 'csv', rows: 2, matched: 2, unmatched: 0, duplicates: 0, invalid: 0, complete: true });
  });

  it('reads yyyy-MM-dd HH:mm:ss as Beijing time', async () => {
    await acceptedClaim('A');
    await upload(csv('appintf,R-A,89.90,CNY,2026-03-01 10:00:00,L-1'));
    const { json } = await call(svc.baseUrl, '/api/settlements', { token: TOKENS.viewer });
    expect(json.items[0].settledAt).toBe('2026-03-01T02:00:00.000Z');
  });

  it('changes nothing when the same statement is imported again: every line a duplicate', async () => {
    const id = await acceptedClaim('A');
    const statement = csv('appintf,R-A,89.90,CNY,2026-03-01,L-1', 'appintf,R-NONE,5.00,CNY,2026-03-01,L-2');
    await upload(statement);
    const again = await upload(statement);
    expect(again.json).toMatchObject({ rows: 2, matched: 0, unmatched: 0, duplicates: 2 });
    expect(await count(Settlement)).toBe(2);
    expect((await claimOf(id)).settledAmount).toBe('89.90');
  });

  it('keeps a line for an unknown claim, listed with unmatched=1, and matches it once a claim holds that id', async () => {
    const id = await acceptedClaim('A');
    await upload(csv('appintf,R-LATER,89.90,CNY,2026-03-01,L-9'));
    const unmatched = await call(svc.baseUrl, '/api/settlements?unmatched=1', { token: TOKENS.viewer });
    expect(unmatched.json.items).toEqual([expect.objectContaining({ reference: 'L-9', platformClaimId: 'R-LATER', claimId: null, amount: '89.90', currency: 'CNY', importedBy: 'fin-op' })]);
    await learnPlatformId(id, 'R-LATER');
    expect((await call(svc.baseUrl, '/api/settlements?unmatched=1', { token: TOKENS.viewer })).json.items).toEqual([]);
    expect((await call(svc.baseUrl, '/api/settlements?unmatched=0', { token: TOKENS.viewer })).json.items[0].claimId).toBe(id);
    expect(await claimOf(id)).toEqual(expect.objectContaining({ settledAmount: '89.90', settledAt: '2026-03-01T00:00:00.000Z' }));
  });

  it("stops counting a claim's lines while the claim is in another currency, and counts them again when it is back", async () => {
    const id = await acceptedClaim('A');
    await upload(csv('appintf,R-A,89.90,CNY,2026-03-01,L-1'));
    const setCurrency = (currency: string) => inTransaction(svc.dataSource, (em) => updateClaim(em, { id }, { currency }));
    await setCurrency('USD');
    expect(await claimOf(id)).toEqual(expect.objectContaining({ currency: 'USD', settledAmount: null, settledAt: null }));
    await setCurrency('CNY');
    expect(await claimOf(id)).toEqual(expect.objectContaining({ currency: 'CNY', settledAmount: '89.90', settledAt: '2026-03-01T00:00:00.000Z' }));
  });

  it("keeps each claim's settled total equal to its stored lines while statements import and claims learn their platform ids at once", async () => {
    const orders = ['A', 'B', 'C', 'D', 'E', 'F'];
    const ids = new Map<string, number>();
    for (const order of orders) ids.set(order, await acceptedClaim(order));
    // Half the claims do not know their platform id yet: they learn it while the statements import.
    const late = orders.filter((_o, i) => i % 2 === 1);
    for (const order of late) await svc.dataSource.getRepository(Claim).update({ id: ids.get(order)! }, { platformClaimId: null });
    const statements = [1, 2, 3, 4].map((n) => csv(...orders.map((order, i) => `appintf,R-${order},${n}.${String(i).padStart(2, '0')},CNY,2026-03-0${n},S${n}-${order}`)));
    const [answers] = await Promise.all([
      Promise.all(statements.map((body) => upload(body))),
      Promise.all(late.map((order) => learnPlatformId(ids.get(order)!, `R-${order}`))),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const [i, order] of orders.entries()) {
      const lines = await svc.dataSource.getRepository(Settlement).findBy({ platformClaimId: `R-${order}` });
      expect(lines).toHaveLength(4);
      const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ id: ids.get(order)! });
      // 1.0i + 2.0i + 3.0i + 4.0i: 10 units and 4 × i hundredths.
      expect({ order, settled: claim.settledAmountMinor, at: claim.settledAt?.toISOString() }).toEqual({ order, settled: 1000 + 4 * i, at: '2026-03-04T00:00:00.000Z' });
    }
  });

  it('flags a claim settled-differs when its lines add up to another amount, and says so in the report', async () => {
    const id = await acceptedClaim('A', 60);
    const { json } = await upload(csv('appintf,R-A,59.50,CNY,2026-03-01,L-1'));
    expect(json).toMatchObject({ matched: 1, differing: 1, lines: [{
      line: 2, outcome: 'matched', claimId: id, message: 'settled 59.50 CNY in all, claimed 60.00',
      messageId: 'settled-differs', params: { settled: '59.50', claimed: '60.00', currency: 'CNY' },
    }] });
    expect(await claimOf(id)).toMatchObject({ settledAmount: '59.50', flags: ['settled-differs'] });
    const flagged = await call(svc.baseUrl, '/api/claims?flag=settled-differs', { token: TOKENS.viewer });
    expect(flagged.json.items.map((c: any) => c.id)).toEqual([id]);
    const judgments = await call(svc.baseUrl, '/api/judgments?flag=settled-differs', { token: TOKENS.viewer });
    expect(judgments.json.items.map((j: any) => j.claims[0].id)).toEqual([id]);
  });

  it('refuses a line in another currency than its claim as invalid', async () => {
    const id = await acceptedClaim('A');
    const { json } = await upload(csv('appintf,R-A,89.90,USD,2026-03-01,L-1'));
    expect(json.lines).toEqual([{
      line: 2, outcome: 'invalid', claimId: id, message: 'currency: the claim holding this platformClaimId is in CNY', messageId: 'currency-differs', params: { column: 'currency', currency: 'CNY' },
    }]);
    expect(await count(Settlement)).toBe(0);
  });

  it('flags an accepted claim with nothing settled after finance.unsettledStaleDays unsettled-stale, until a line settles it', async () => {
    const stale = await acceptedClaim('OLD', 89.9, 31);
    const fresh = await acceptedClaim('NEW', 89.9, 29);
    expect((await claimOf(stale)).flags).toEqual(['unsettled-stale']);
    expect((await claimOf(fresh)).flags).toEqual([]);
    expect((await call(svc.baseUrl, '/api/claims?flag=unsettled-stale', { token: TOKENS.viewer })).json.items.map((c: any) => c.id)).toEqual([stale]);
    await upload(csv('appintf,R-OLD,89.90,CNY,2026-03-01,L-1'));
    expect((await claimOf(stale)).flags).toEqual([]);
    expect((await call(svc.baseUrl, '/api/claims?flag=unsettled-stale', { token: TOKENS.viewer })).json.items).toEqual([]);
  });

  it('imports an XLSX statement: number cells as amounts, date cells as Beijing wall-clock times, the first sheet only', async () => {
    const id = await acceptedClaim('A', 1234.5);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('对账单');
    sheet.addRow(['reference', 'platform', 'platformClaimId', 'amount', 'currency', 'settledAt', 'note']);
    sheet.addRow(['L-1', 'appintf', 'R-A', 1234.5, 'CNY', new Date(Date.UTC(2026, 2, 1, 10, 0, 0)), '第一笔']);
    sheet.getCell('F2').numFmt = 'yyyy-mm-dd hh:mm:ss';
    sheet.addRow([]);
    sheet.addRow(['L-2', 'appintf', 'R-UNKNOWN', '7.5', 'CNY', '2026-03-02', '']);
    book.addWorksheet('other').addRow(['reference', 'platform', 'platformClaimId', 'amount', 'currency', 'settledAt']);
    const { status, json } = await upload(Buffer.from(await book.xlsx.writeBuffer()), { type: XLSX });
    expect(status).toBe(200);
    expect(json).toMatchObject({ rows: 2, matched: 1, unmatched: 1, lines: [{ line: 2, outcome: 'matched', claimId: id }, { line: 4, outcome: 'unmatched' }] });
    expect(await claimOf(id)).toMatchObject({ settledAmount: '1234.50', settledAt: '2026-03-01T02:00:00.000Z' });
  });

  it('stores each line once when the same statement of several batches is imported twice at once', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `appintf,R-${i},1.00,CNY,2026-03-01,L-${i}`);
    const statement = csv(...lines, ...lines.slice(0, 10)); // the file repeats its first lines, too
    const [a, b] = await Promise.all([upload(statement), upload(statement)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.unmatched + b.json.unmatched).toBe(1200);
    expect(a.json.duplicates + b.json.duplicates).toBe(1200 + 20);
    expect(await count(Settlement)).toBe(1200);
    expect(await count(AuditLog)).toBe(2);
  });

  it('refuses a body that is neither CSV nor XLSX (415), and a header row without the needed columns (400)', async () => {
    expect((await upload('{}', { type: 'application/json' })).json).toEqual({ error: 'unsupported-media-type', message: expect.stringMatching(/^Content-Type: /) });
    const missing = await upload('platform,amount\r\nappintf,1.00');
    expect(missing.status).toBe(400);
    expect(missing.json.message).toBe('body: the header row must name the columns platform, platformClaimId, amount, currency, settledAt, reference; missing: platformClaimId, currency, settledAt, reference');
    expect((await upload('PK\u0003\u0004 not a zip', { type: XLSX })).status).toBe(400);
  });

  it('refuses a statement over finance.maxStatementBytes (413), declared or sent in chunks, and stores nothing', async () => {
    const big = csv(...Array.from({ length: 3000 }, (_, i) => `appintf,R-${i},1.00,CNY,2026-03-01,L-${i}`));
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_STATEMENT_BYTES);
    expect((await upload(big)).json).toEqual({ error: 'body-too-large', message: `body: a statement may be at most ${MAX_STATEMENT_BYTES} bytes` });
    const chunks = [Buffer.from(big.slice(0, 60_000)), Buffer.from(big.slice(60_000))];
    const chunked = await fetch(`${svc.baseUrl}/api/settlements/import`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKENS.operator}`, 'content-type': CSV },
      body: new ReadableStream({ pull(controller) { const next = chunks.shift(); if (next) controller.enqueue(next); else controller.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await count(Settlement)).toBe(0);
  });

  it('needs a token to list or import, and the operator role to import (a viewer gets 403)', async () => {
    expect((await upload(csv(), { token: null as never })).status).toBe(401);
    expect((await upload(csv(), { token: TOKENS.viewer })).json).toEqual({ error: 'forbidden', message: 'the viewer role may not do this' });
    expect((await call(svc.baseUrl, '/api/settlements')).status).toBe(401);
    expect((await call(svc.baseUrl, '/api/settlements', { token: TOKENS.viewer })).status).toBe(200);
  });

  it('lists lines newest first, filtered by platform and settled time, with a cursor', async () => {
    await upload(csv('appintf,R-1,1.00,CNY,2026-03-01,L-1', 'appintf,R-2,2.00,CNY,2026-03-02,L-2', 'appintf,R-3,3.00,CNY,2026-03-03,L-3'));
    const list = async (query: string) => (await call(svc.baseUrl, `/api/settlements?${query}`, { token: TOKENS.viewer })).json;
    expect((await list('')).items.map((i: any) => i.reference)).toEqual(['L-3', 'L-2', 'L-1']);
    expect((await list('from=2026-03-02&to=2026-03-02')).items.map((i: any) => i.reference)).toEqual(['L-2']);
    expect((await list('platform=glitzcloud')).items).toEqual([]);
    const first = await list('limit=2');
    expect((await list(`limit=2&cursor=${first.nextCursor}`)).items.map((i: any) => i.reference)).toEqual(['L-1']);
    expect((await call(svc.baseUrl, '/api/settlements?unmatched=yes', { token: TOKENS.viewer })).json.message).toMatch(/^unmatched: /);
  });
});
