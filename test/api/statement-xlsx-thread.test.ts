import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { types } from 'node:util';
import { ApiError } from '../../src/api/api-error';
import { readStatement } from '../../src/api/statement-reader';
import { xlsxRows } from '../../src/api/statement-xlsx';
import { XLSX_READS_AT_ONCE, xlsxReadThreads } from '../../src/api/statement-xlsx-thread';
import { pollUntil } from '../support/bounded-wait';

const HEADER = ['reference', 'platform', 'platformClaimId', 'amount', 'currency', 'settledAt', 'note'];
const LINES = 1234;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claim-relay-xlsx-thread-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a workbook of `lines` statement lines (streamed, shared strings) and answers its path. */
async function statementXlsx(name: string, lines: number, line = (i: number): unknown[] => [`L-${i}`, 'appintf', `R-${i}`, i / 100, 'CNY', new Date(Date.UTC(2026, 2, 1, 0, 0, i % 86_400)), `第${i}笔`], header = HEADER): Promise<string> {
  const path = join(dir, name);
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = book.addWorksheet('对账单');
  sheet.addRow(header).commit();
  for (let i = 0; i < lines; i++) {
    const row = sheet.addRow(line(i));
    row.getCell(6).numFmt = 'yyyy-mm-dd hh:mm:ss';
    row.commit();
  }
  sheet.commit();
  await book.commit();
  return path;
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** The error a reading ends with (none: undefined). */
async function failureOf(rows: AsyncIterable<unknown>): Promise<unknown> {
  try {
    await collect(rows);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('XLSX statements read in a worker thread', () => {
  it('hands over every row, batch after batch, exactly as the reader gives them in this thread, dates as Dates', async () => {
    const path = await statementXlsx('whole.xlsx', LINES);
    const before = xlsxReadThreads();
    const viaThread = await collect(readStatement(path, 'xlsx', { batchRows: 100 }));
    expect(viaThread).toHaveLength(LINES);
    expect(viaThread).toEqual(await collect(xlsxRows(path)));
    // A Date that crossed the thread is of the process's main realm, not of jest's vm context: types.isDate sees it.
    expect(types.isDate(viaThread[7].cells.settledAt)).toBe(true);
    expect(viaThread[7]).toEqual({ row: 9, cells: { platform: 'appintf', platformClaimId: 'R-7', amount: 0.07, currency: 'CNY', settledAt: new Date(Date.UTC(2026, 2, 1, 0, 0, 7)), reference: 'L-7' } });
    expect(xlsxReadThreads()).toEqual({ started: before.started + 1, live: before.live, waiting: 0 });
  });

  it('refuses a file that is not a workbook with the 400 of an unreadable XLSX', async () => {
    const path = join(dir, 'not-a-zip.xlsx');
    writeFileSync(path, 'PK\u0003\u0004 not a zip');
    const err = await failureOf(readStatement(path, 'xlsx'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, id: 'invalid-parameter', field: 'body', message: expect.stringMatching(/^body: not a readable XLSX workbook: /) });
  });

  it('refuses a header row without the needed columns with the same 400 as the reader in this thread', async () => {
    const path = await statementXlsx('no-header.xlsx', 3, (i) => [`L-${i}`, '1.00'], ['reference', 'amount']);
    const viaThread = await failureOf(readStatement(path, 'xlsx'));
    const here = (await failureOf(xlsxRows(path))) as ApiError;
    expect(viaThread).toBeInstanceOf(ApiError);
    expect(here.message).toMatch(/^body: the header row must name the columns /);
    expect(viaThread).toMatchObject({ status: here.status, id: here.id, field: here.field, message: here.message });
  });

  it('stops the thread when the reader stops early', async () => {
    const path = await statementXlsx('early.xlsx', LINES);
    const before = xlsxReadThreads();
    let read = 0;
    for await (const row of readStatement(path, 'xlsx', { batchRows: 100 })) {
      read = row.row;
      if (xlsxReadThreads().live !== before.live + 1) throw new Error('no thread is reading');
      break;
    }
    expect(read).toBe(2);
    expect(xlsxReadThreads()).toEqual({ started: before.started + 1, live: before.live, waiting: 0 });
  });

  it(`reads at most ${XLSX_READS_AT_ONCE} statements at once; the others wait for a turn and then read whole`, async () => {
    const path = await statementXlsx('turns.xlsx', LINES);
    const before = xlsxReadThreads();
    let mostLive = 0;
    const readings = Array.from({ length: XLSX_READS_AT_ONCE + 1 }, async () => {
      let rows = 0;
      for await (const row of readStatement(path, 'xlsx', { batchRows: 100 })) {
        mostLive = Math.max(mostLive, xlsxReadThreads().live);
        rows += row.row > 0 ? 1 : 0;
      }
      return rows;
    });
    await pollUntil('one reading waits for its turn', () => xlsxReadThreads().waiting === 1, 10_000);
    expect(await Promise.all(readings)).toEqual(Array(XLSX_READS_AT_ONCE + 1).fill(LINES));
    expect(mostLive).toBe(before.live + XLSX_READS_AT_ONCE);
    expect(xlsxReadThreads()).toEqual({ started: before.started + XLSX_READS_AT_ONCE + 1, live: before.live, waiting: 0 });
  });

  it('fails alone, with a 413 naming the cap, when the workbook needs more than the thread\'s heap cap', async () => {
    const wide = 'x'.repeat(400);
    const path = await statementXlsx('wide.xlsx', 30_000, (i) => [`${wide}-L-${i}`, 'appintf', `${wide}-R-${i}`, 1, 'CNY', '2026-03-01', '']);
    const started = Date.now();
    const err = await failureOf(readStatement(path, 'xlsx', { limits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 } }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 413, id: 'body-too-large', message: expect.stringMatching(/^body: the XLSX workbook needs more than the 16 MB an import may use/) });
    expect(Date.now() - started).toBeLessThan(30_000);
    // This process goes on: the same workbook reads whole under the service's cap.
    expect(await collect(readStatement(path, 'xlsx'))).toHaveLength(30_000);
  });
});
