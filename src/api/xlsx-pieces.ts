import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { currencyMinorDigits } from '../domain/money';
import { timeHeader, wallClock } from './export-time';

/**
 * One sheet of an XLSX export, written with exceljs' streaming WorkbookWriter: each batch of rows is
 * committed (written into the zip) as it comes, so the workbook is never held whole. Cells are typed:
 * amounts are number cells in currency units formatted with the currency's minor units (JPY 0 decimals,
 * CNY 2), times are date cells showing the export's time zone's wall clock.
 */

/** `text` and `integer` as they are; `percent` a ratio in percent (basis points in); `money` minor units in; `time` a Date. */
export type SheetColumnType = 'text' | 'integer' | 'percent' | 'money' | 'time';

export interface SheetColumn {
  field: string;
  type: SheetColumnType;
}

/** One row's cells in column order, and the currency its `money` cells are in. */
export interface SheetRow {
  cells: Array<string | number | Date | null>;
  currency: string | null;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const PERCENT_FORMAT = '0.00';
const INTEGER_FORMAT = '0';

/** The number format of an amount in this currency: `#,##0` (JPY), `#,##0.00` (CNY). */
export function moneyFormat(currency: string | null): string {
  const digits = currency ? currencyMinorDigits(currency) : 2;
  return digits === 0 ? '#,##0' : `#,##0.${'0'.repeat(digits)}`;
}

/** The header cell of a column: its field name, a time column's with the zone its times are in. */
export const sheetHeader = (column: SheetColumn, tz: string) => (column.type === 'time' ? timeHeader(column.field, tz) : column.field);

function cellOf(type: SheetColumnType, value: string | number | Date | null, currency: string | null, tz: string): { value: string | number | Date | null; numFmt?: string } {
  if (value === null) return { value: null };
  switch (type) {
    case 'money':
      // Minor units are hundredths in claim-relay (src/domain/money.ts), whatever the currency.
      return { value: Number(value) / 100, numFmt: moneyFormat(currency) };
    case 'percent':
      return { value: Number(value) / 100, numFmt: PERCENT_FORMAT };
    case 'integer':
      return { value: Number(value), numFmt: INTEGER_FORMAT };
    case 'time':
      return { value: wallClock(value as Date, tz), numFmt: DATE_FORMAT };
    default:
      return { value: String(value) };
  }
}

/**
 * The workbook's bytes: after each batch, the bytes the zip has given out so far as one piece (none yet
 * after a batch: no piece, the next batch is read; the zip compresses as it goes, so its bytes trail the
 * rows), then the rest when the workbook is committed. The next batch is read only when the caller asks
 * for the next piece.
 */
export async function* xlsxPieces(sheetName: string, columns: readonly SheetColumn[], batches: AsyncIterable<SheetRow[]>, tz: string): AsyncGenerator<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  ended.catch(() => undefined); // awaited below; a failure before then must not be an unhandled rejection
  const take = () => new Uint8Array(Buffer.concat(chunks.splice(0))); // its own memory: it is transferred to another thread
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c) => ({ key: c.field, width: c.type === 'time' ? 20 : Math.max(12, c.field.length + 2) }));
  sheet.addRow(columns.map((c) => sheetHeader(c, tz))).commit();
  for await (const batch of batches) {
    for (const row of batch) {
      const added = sheet.addRow([]);
      row.cells.forEach((value, i) => {
        const cell = added.getCell(i + 1);
        const typed = cellOf(columns[i].type, value, row.currency, tz);
        cell.value = typed.value;
        if (typed.numFmt) cell.numFmt = typed.numFmt;
      });
      added.commit();
    }
    // Lets the zip stream take in what the batch wrote before the piece is cut.
    await new Promise((resolve) => setImmediate(resolve));
    if (chunks.length > 0) yield take();
  }
  sheet.commit();
  await workbook.commit();
  await ended;
  yield take();
}
