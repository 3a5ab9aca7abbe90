import ExcelJS from 'exceljs';
import { Settlement } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { buildWorld, call, FINANCE_CONFIG, settleWorld, TOKENS, WorldRow } from './finance-fixture';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HOUR = 3_600_000;

/** The XLSX exports, read back with exceljs: typed cells, the list's filters, the chosen time zone. */
describe.each(TEST_DATABASES)('XLSX exports on %s', (kind) => {
  let svc: TestService;
  let ids: Record<WorldRow['key'], number>;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    ids = await buildWorld(svc);
    await settleWorld(svc, ids);
    // A yen statement line nothing holds: JPY amounts have no decimals.
    const at = new Date('2026-01-10T23:30:00.000Z');
    await svc.dataSource.getRepository(Settlement).insert({
      platform: 'appintf', reference: 'STATEMENT-JPY-1', platformClaimId: 'R-NONE', amountMinor: 150_000, currency: 'JPY', settledAt: at, importedAt: at, importedBy: 'fin-op', fileSha256: '1'.repeat(64),
    });
  });
  afterAll(() => svc.close());

  /** The export's answer and its one sheet as records keyed by the header row's text. */
  const xlsx = async (path: string) => {
    const res = await fetch(`${svc.baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets).toHaveLength(1);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const rows: Array<Record<string, ExcelJS.Cell>> = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1)])));
    });
    return { res, sheet, header, rows };
  };
  const byWorkOrder = (rows: Array<Record<string, ExcelJS.Cell>>, key: WorldRow['key']) => rows.find((r) => r.workOrderId.value === ids[key])!;

  it('exports the judgments as one sheet with a header row, the file named in Content-Disposition', async () => {
    const { res, sheet, header, rows } = await xlsx('/api/judgments.xlsx');
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="judgments-\d{8}-\d{6}Z\.xlsx"$/);
    expect(sheet.name).toBe('judgments');
    expect(header).toEqual([
      'workOrderId', 'externalOrderId', 'tenantId', 'bizType', 'responsibilityParty', 'warehouseRatio', 'deliveryRatio', 'claimAmount', 'paymentAmount',
      'currency', 'receivedAt (UTC)', 'revision', 'flags', 'claimStatuses',
    ]);
    expect(rows.map((r) => r.externalOrderId.value)).toEqual(['ORDER-F', 'ORDER-E', 'ORDER-D', 'ORDER-C', 'ORDER-B', 'ORDER-A']);
  });

  it('writes amounts as number cells in currency units, formatted with the currency\'s minor units', async () => {
    const b = byWorkOrder((await xlsx('/api/judgments.xlsx')).rows, 'B');
    expect(b.claimAmount.type).toBe(ExcelJS.ValueType.Number);
    expect(b.claimAmount.value).toBe(20);
    expect(b.paymentAmount.value).toBe(19.99);
    expect(b.claimAmount.numFmt).toBe('#,##0.00');
    expect([b.warehouseRatio.value, b.deliveryRatio.value]).toEqual([0, 100]);
    expect(b.workOrderId.type).toBe(ExcelJS.ValueType.Number);
  });

  it('writes times as date cells, in UTC by default', async () => {
    const b = byWorkOrder((await xlsx('/api/judgments.xlsx')).rows, 'B');
    expect(b['receivedAt (UTC)'].type).toBe(ExcelJS.ValueType.Date);
    expect(b['receivedAt (UTC)'].value).toEqual(new Date('2026-01-02T10:00:00.000Z'));
    expect(b['receivedAt (UTC)'].numFmt).toBe('yyyy-mm-dd hh:mm:ss');
  });

  it('writes times in the zone `tz` names, and names it in the header', async () => {
    const { header, rows } = await xlsx(`/api/judgments.xlsx?tz=${encodeURIComponent('Asia/Shanghai')}`);
    expect(header).toContain('receivedAt (Asia/Shanghai)');
    // A date cell has no zone: it holds the wall clock in Shanghai, 8 hours ahead of UTC.
    expect(byWorkOrder(rows, 'B')['receivedAt (Asia/Shanghai)'].value).toEqual(new Date(Date.parse('2026-01-02T10:00:00.000Z') + 8 * HOUR));
  });

  it('exports only the judgments the filter selects', async () => {
    const { rows } = await xlsx('/api/judgments.xlsx?tenantId=TMALL');
    expect(rows.map((r) => r.externalOrderId.value)).toEqual(['ORDER-D', 'ORDER-B']);
  });

  it('exports the claims with their filter, amounts as numbers, settled amounts and flags', async () => {
    const dead = (await xlsx('/api/claims.xlsx?status=dead')).rows;
    expect(dead).toHaveLength(1);
    expect(dead[0].workOrderId.value).toBe(ids.D);
    expect([dead[0].amount.value, dead[0].amount.numFmt, dead[0].lastError.value, dead[0].flags.value]).toEqual([10, '#,##0.00', '17: 订单不存在', 'claim-failed']);
    const { header, rows } = await xlsx('/api/claims.xlsx?workOrderId=' + ids.C);
    expect(header).toEqual(expect.arrayContaining(['createdAt (UTC)', 'updatedAt (UTC)', 'settledAt (UTC)', 'nextAttemptAt (UTC)']));
    expect(rows).toHaveLength(1);
    expect(rows[0].settledAmount.value).toBe(59.5);
    expect(rows[0]['createdAt (UTC)'].type).toBe(ExcelJS.ValueType.Date);
  });

  it('exports the statement lines, a yen amount without decimals, times in the chosen zone', async () => {
    const { header, rows } = await xlsx('/api/settlements.xlsx?tz=Asia/Tokyo');
    expect(header).toEqual(expect.arrayContaining(['settledAt (Asia/Tokyo)', 'importedAt (Asia/Tokyo)']));
    const yen = rows.find((r) => r.currency.value === 'JPY')!;
    expect([yen.amount.value, yen.amount.numFmt, yen.claimId.value]).toEqual([1500, '#,##0', null]);
    expect(yen['settledAt (Asia/Tokyo)'].value).toEqual(new Date('2026-01-11T08:30:00.000Z'));
    const yuan = rows.find((r) => r.currency.value === 'CNY')!;
    expect([yuan.amount.value, yuan.amount.numFmt, yuan.reference.value]).toEqual([59.5, '#,##0.00', 'STATEMENT-C-1']);
  });

  it('exports only the statement lines the filter selects', async () => {
    const { rows } = await xlsx('/api/settlements.xlsx?unmatched=1');
    expect(rows.map((r) => r.reference.value)).toEqual(['STATEMENT-JPY-1']);
  });

  it('writes the CSV\'s times in the zone `tz` names, and names it in the header', async () => {
    const { text } = await call(svc.baseUrl, '/api/judgments.csv?tenantId=TMALL&tz=Asia/Shanghai', { token: TOKENS.viewer });
    const [head, d, b] = text.replace(/^\ufeff/, '').trimEnd().split('\n');
    expect(head.split(',')).toContain('receivedAt (Asia/Shanghai)');
    expect(b).toContain('2026-01-02T18:00:00.000+08:00');
    expect(d).toContain('2026-01-04T18:00:00.000+08:00');
  });

  it.each(['/api/judgments.csv', '/api/judgments.xlsx', '/api/claims.xlsx', '/api/settlements.xlsx'])('refuses an unknown time zone on %s', async (path) => {
    const { status, json } = await call(svc.baseUrl, `${path}?tz=Mars/Olympus_Mons`, { token: TOKENS.viewer });
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: 'invalid-parameter', field: 'tz' });
  });

  it.each(['/api/judgments.xlsx', '/api/claims.xlsx', '/api/settlements.xlsx'])('answers 401 without a token on %s', async (path) => {
    expect((await call(svc.baseUrl, path)).status).toBe(401);
  });
});
