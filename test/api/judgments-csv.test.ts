import { seedJudgments, seededAmounts, SEED_STATUSES } from '../../bench/seed-judgments';
import ExcelJS from 'exceljs';
import { CSV_COLUMNS, csvHeader } from '../../src/api/judgments-csv';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { call, FINANCE_CONFIG, TOKENS } from './finance-fixture';

const ROWS = 2000;
const NEWEST = new Date('2026-03-01T00:00:00.000Z');

/** Splits a CSV without quoted fields (the seeded data has none) into rows of cells. */
const parse = (text: string) => text.trimEnd().split('\n').map((line) => line.split(','));

describe.each(TEST_DATABASES)('GET /api/judgments.csv on %s', (kind) => {
  let svc: TestService;
  let firstId: number;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    ({ firstId } = await seedJudgments(svc.dataSource, { count: ROWS, newestAt: NEWEST, stepMs: 60_000 }));
  });
  afterAll(() => svc.close());

  const csv = async (query = '') => {
    const res = await fetch(`${svc.baseUrl}/api/judgments.csv${query}`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  it(`streams all ${ROWS} rows: BOM, header (times named UTC), newest first, Chinese text and decimal strings`, async () => {
    const { res, bytes } = await csv();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="judgments-\d{8}-\d{6}Z\.csv"$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(csvHeader('UTC'));
    expect(rows[0][CSV_COLUMNS.indexOf('receivedAt')]).toBe('receivedAt (UTC)');
    expect(rows).toHaveLength(ROWS + 1);
    const record = (cells: string[]) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, cells[i]]));
    const newest = record(rows[1]);
    const i = ROWS - 1;
    expect(newest).toEqual({
      workOrderId: String(firstId + i), externalOrderId: `SEED-${i}`, tenantId: '天猫国际', bizType: '临期问题', responsibilityParty: 'DELIVERY',
      warehouseRatio: '0.00', deliveryRatio: '100.00', claimAmount: (seededAmounts(i).claimMinor / 100).toFixed(2), paymentAmount: (seededAmounts(i).paymentMinor / 100).toFixed(2),
      currency: 'CNY', receivedAt: NEWEST.toISOString(), revision: '1', flags: SEED_STATUSES[i % 4] === 'dead' ? 'claim-failed' : '', claimStatuses: `seed-route:${SEED_STATUSES[i % 4]}`,
    });
    const ids = rows.slice(1).map((r) => Number(r[0]));
    expect(new Set(ids).size).toBe(ROWS);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const flagged = rows.slice(1).filter((r) => record(r).flags.includes('payment-differs')).length;
    expect(flagged).toBe(Array.from({ length: ROWS }, (_, n) => n).filter((n) => n % 7 === 0).length);
  });

  it('writes receivedAt in the zone `tz` names, with its offset, and names the zone in the header', async () => {
    const { bytes } = await csv('?tz=America/New_York');
    const [header, newest] = parse(bytes.subarray(3).toString('utf8'));
    const at = CSV_COLUMNS.indexOf('receivedAt');
    expect(header[at]).toBe('receivedAt (America/New_York)');
    expect(newest[at]).toBe('2026-02-28T19:00:00.000-05:00');
  });

  it(`streams all ${ROWS} rows as XLSX, batch after batch, newest first`, async () => {
    const res = await fetch(`${svc.baseUrl}/api/judgments.xlsx`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const ids: number[] = [];
    workbook.worksheets[0].eachRow((row, n) => {
      if (n > 1) ids.push(row.getCell(1).value as number);
    });
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('exports only what the filter selects', async () => {
    const { bytes } = await csv(`?tenantId=${encodeURIComponent('天猫国际')}&status=dead`);
    const rows = parse(bytes.subarray(3).toString('utf8')).slice(1);
    expect(rows.length).toBe(ROWS / 4);
    expect(rows.every((r) => r[2] === '天猫国际' && r[13] === 'seed-route:dead')).toBe(true);
  });

  it('answers a bad filter as a JSON 400 before any CSV', async () => {
    const { status, json } = await call(svc.baseUrl, '/api/judgments.csv?to=2026-02-31', { token: TOKENS.viewer });
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'invalid-parameter', message: 'to: is not a real date', field: 'to' });
  });

  it.each(['csv', 'xlsx'])('answers a JSON 500, not a cut download, when the %s export cannot query the database', async (format) => {
    // The export's page query joins judgment_revision; taken away (then given back), the query fails in the thread.
    const q = (name: string) => svc.dataSource.driver.escape(name);
    await svc.dataSource.query(`ALTER TABLE ${q('judgment_revision')} RENAME TO ${q('judgment_revision_away')}`);
    try {
      const { status, json } = await call(svc.baseUrl, `/api/judgments.${format}`, { token: TOKENS.viewer });
      expect(status).toBe(500);
      expect(json).toEqual({ error: 'internal-error', message: 'internal error' });
    } finally {
      await svc.dataSource.query(`ALTER TABLE ${q('judgment_revision_away')} RENAME TO ${q('judgment_revision')}`);
    }
    expect((await csv()).res.status).toBe(200);
  });
});
