/**
 * SQL-meta characters in every finance filter (issue 7, item 4): quotes, backslashes, LIKE wildcards,
 * statement separators, comments, TypeORM parameter syntax, unicode. Each answer is a 400 naming the
 * field or the exactly filtered result — never a 500 — and the database is intact afterwards.
 */
import fc from 'fast-check';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { readAnswer } from '../support/http-answer';

const TOKEN = 'sql-meta-viewer-token-0123456789';
const CONFIG = {
  platforms: { glitzcloud: { baseUrl: 'http://127.0.0.1:9', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' } },
  routes: [{ name: 'all', platform: 'glitzcloud', fields: { type: '1', problem_description: '{tenantId}' } }],
  finance: { tokens: [{ name: 'viewer', token: TOKEN, role: 'viewer' }] },
};

/** Values stored as data too, so an exact filter must find exactly their rows. */
const STORED = ["O'Brien", '50%_off', '%', '_', 'back\\slash', 'semi;--', 'a"b', '丹鸟😀', "x' OR '1'='1", ':fTenant', 'MAOCHAO'];

const META = [
  "'", "''", '"', '\\', '\\\\', "\\'", '%', '_', '%_%', '%%', ';', '--', '/*', '*/', '#', "' OR '1'='1", "' OR 1=1 --", "'; DROP TABLE work_order; --",
  '" OR ""="', '`', '$1', '?', ':fTenant', ':...ids', '(:fQ)', '\u0000', '\r\n', '\t', ' ', '😀', '丹鸟', '\u202e', '\ud800', 'NULL', 'null', '0', '-1',
  '1e309', '[object Object]', '__proto__', 'x'.repeat(200), ...STORED,
];

const JUDGMENT_ENDPOINTS = ['/api/judgments', '/api/judgments.csv', '/api/summary', '/api/summary/daily'];
const JUDGMENT_PARAMS = ['from', 'to', 'tenantId', 'responsibilityParty', 'currency', 'status', 'platform', 'q', 'flag', 'cursor', 'limit', 'utcOffsetMinutes'];
const CLAIM_PARAMS = ['workOrderId', 'platform', 'status', 'flag', 'cursor', 'limit'];

const TABLES = ['work_order', 'judgment_revision', 'raw_push', 'responsibility_package', 'claim', 'claim_event', 'audit_log', 'callback_inbox'];

describe.each(TEST_DATABASES)('SQL-meta characters in the finance filters on %s', (kind) => {
  let svc: TestService;
  let counts: string;

  const tableCounts = async () => {
    const [row] = await svc.dataSource.query(`SELECT ${TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`);
    return TABLES.map((t) => `${t}=${Number(row[t])}`).join(' ');
  };

  beforeAll(async () => {
    svc = await startTestService(kind, CONFIG);
    for (const [i, value] of STORED.entries()) {
      const j = specExample();
      j.tenantId = value;
      j.externalOrderId = `ORDER-${i}-${value}`;
      j.logisticsOrderNo = value;
      j.responsibilityPackageNos = [`PKG-${value}`];
      j.judgeResult.responsibilityParty = value;
      j.judgeResult.claimAmount = 10;
      expect((await svc.push(j)).json.errorId).toBe('success');
    }
    counts = await tableCounts();
  });
  afterAll(() => svc?.close());

  async function get(path: string, params: Record<string, string>): Promise<{ status: number; text: string; json: any }> {
    return readAnswer(await fetch(`${svc.baseUrl}${path}?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
  }

  /** 200, or a 400 `invalid-parameter` naming the field; never anything else. */
  function expectAnsweredOrRefused(a: { status: number; text: string; json: any }, field: string, where: string) {
    if (a.status === 400) {
      expect({ where, body: a.json }).toEqual({ where, body: { error: 'invalid-parameter', message: expect.stringContaining(field), field: expect.any(String) } });
    } else {
      expect({ where, status: a.status, text: a.text.slice(0, 200) }).toEqual({ where, status: 200, text: expect.any(String) });
    }
  }

  it(`answers ${JUDGMENT_ENDPOINTS.length} endpoints × ${JUDGMENT_PARAMS.length} filters × ${META.length} values with 200 or 400, never 500`, async () => {
    const requests: Array<{ path: string; field: string; value: string }> = [];
    for (const path of JUDGMENT_ENDPOINTS) {
      for (const field of JUDGMENT_PARAMS) {
        if (field === 'utcOffsetMinutes' && path !== '/api/summary/daily') continue;
        if ((field === 'cursor' || field === 'limit') && path !== '/api/judgments') continue;
        for (const value of META) requests.push({ path, field, value });
      }
    }
    for (const field of CLAIM_PARAMS) for (const value of META) requests.push({ path: '/api/claims', field, value });
    // Eight at a time: the answers do not depend on each other, and a loaded machine still gets through them in time.
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < requests.length) {
        const { path, field, value } = requests[next++];
        expectAnsweredOrRefused(await get(path, { [field]: value }), field, `${path} ${field}=${JSON.stringify(value)}`);
      }
    }));
    expect(await tableCounts()).toBe(counts);
  }, 120_000);

  /** The rows an exact text filter must find: the stored values equal to the trimmed filter. */
  const expected = (value: string) => {
    const v = value.trim();
    if (v === '') return STORED.length; // an empty filter is no filter
    return STORED.filter((s) => s === v).length;
  };

  it.each(['tenantId', 'responsibilityParty', 'q'])('finds exactly the rows whose %s equals the value, wildcards and quotes taken literally', async (field) => {
    for (const value of META) {
      const where = `${field}=${JSON.stringify(value)}`;
      const list = await get('/api/judgments', { [field]: value, limit: '500' });
      if (value.trim().length > (field === 'responsibilityParty' ? 64 : 128)) {
        expect({ where, status: list.status }).toEqual({ where, status: 400 });
        continue;
      }
      expect({ where, status: list.status, n: list.json.items?.length }).toEqual({ where, status: 200, n: expected(value) });
      const summary = await get('/api/summary', { [field]: value });
      const judged = (summary.json.currencies as Array<{ judgments: number }>).reduce((n, c) => n + c.judgments, 0);
      expect({ where, judged }).toEqual({ where, judged: expected(value) });
      const csv = await get('/api/judgments.csv', { [field]: value });
      expect({ where, status: csv.status }).toEqual({ where, status: 200 });
      const rows = csv.text.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).length - 1;
      expect({ where, rows }).toEqual({ where, rows: expected(value) });
    }
  }, 60_000);

  it('finds exactly the matching rows for 200 generated meta-character strings in tenantId and q', async () => {
    const alphabet = fc.constantFrom(...["'", '"', '\\', '%', '_', ';', '-', '*', '/', '#', ':', '?', '(', ')', ' ', 'O', 'B', 'r', 'i', 'e', 'n', '5', '0', 'o', 'f', '😀', '丹', '鸟', 'x', '=', '1']);
    const value = fc.oneof(fc.string({ unit: alphabet, maxLength: 14 }), fc.constantFrom(...STORED));
    await fc.assert(
      fc.asyncProperty(value, fc.constantFrom('tenantId', 'q'), async (v, field) => {
        const list = await get('/api/judgments', { [field]: v, limit: '500' });
        if (list.status !== 200 || list.json.items.length !== expected(v)) throw new Error(`${field}=${JSON.stringify(v)}: HTTP ${list.status}, ${list.text.slice(0, 200)}`);
      }),
      { numRuns: 200 },
    );
    expect(await tableCounts()).toBe(counts);
  }, 60_000);

  it('leaves the database intact and working afterwards', async () => {
    expect(await tableCounts()).toBe(counts);
    const all = await get('/api/judgments', { limit: '500' });
    expect(all.json.items).toHaveLength(STORED.length);
    expect((await svc.push({ ...specExample(), externalOrderId: 'AFTER' })).json.errorId).toBe('success');
  });
});
