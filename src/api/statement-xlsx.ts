import ExcelJS from 'exceljs';
import { Cell, STATEMENT_COLUMNS, StatementColumn } from '../domain/settlement-line';
import { ApiError, badRequest } from './api-error';
import { columnIndexes, isBlank, noHeaderRow, StatementRow } from './statement-columns';

/** An XLSX cell's value as a statement cell: rich text and formulas by their text and result, dates as dates. */
function xlsxCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return xlsxCell((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  return null;
}

/**
 * The rows of an XLSX statement's first sheet, read with exceljs' streaming reader in the current thread.
 * The service runs it in a thread of its own (src/api/statement-xlsx-thread.ts): the reader holds the
 * workbook's shared strings, every one of them, for as long as it reads.
 */
export async function* xlsxRows(path: string): AsyncGenerator<StatementRow> {
  // Styles are read so that date cells come as dates; the first sheet only (the others are skipped unread).
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let sheets = 0;
  let columns: Record<StatementColumn, number> | null = null;
  try {
    for await (const sheet of reader) {
      if (sheets++ > 0) continue;
      for await (const r of sheet) {
        const row = r as ExcelJS.Row;
        if (!columns) {
          columns = columnIndexes(Array.from({ length: row.cellCount }, (_, i) => String(xlsxCell(row.getCell(i + 1).value) ?? '')));
          continue;
        }
        const cells = Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, xlsxCell(row.getCell(columns![c] + 1).value)])) as Record<StatementColumn, Cell>;
        if (!isBlank(Object.values(cells))) yield { row: row.number, cells };
      }
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest('body', `not a readable XLSX workbook: ${(err as Error).message}`);
  }
  if (!columns) throw noHeaderRow();
}
