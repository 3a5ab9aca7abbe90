import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { Cell, STATEMENT_COLUMNS, StatementColumn } from '../domain/settlement-line';
import { ApiError, badRequest } from './api-error';

/** The statement formats and the content types that name them. */
export const STATEMENT_TYPES = {
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
} as const;
export type StatementFormat = (typeof STATEMENT_TYPES)[keyof typeof STATEMENT_TYPES];

/** A data row of a statement: its row number as a spreadsheet shows it (the header is row 1) and its cells by column. */
export interface StatementRow {
  row: number;
  cells: Record<StatementColumn, Cell>;
}

/** Where each needed column is in the header row (0-based), or a 400 naming the missing ones. */
function columnIndexes(header: readonly string[]): Record<StatementColumn, number> {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const missing = STATEMENT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) throw badRequest('body', `the header row must name the columns ${STATEMENT_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`);
  return Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<StatementColumn, number>;
}

const isBlank = (cells: readonly Cell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/** The rows of a statement file, one at a time (never the whole file in memory); blank rows are skipped. */
export function readStatement(path: string, format: StatementFormat): AsyncIterable<StatementRow> {
  return format === 'csv' ? csvRows(path) : xlsxRows(path);
}

async function* csvRows(path: string): AsyncIterable<StatementRow> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  let columns: Record<StatementColumn, number> | null = null;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      if (!columns) {
        columns = columnIndexes(record);
        continue;
      }
      const cells = Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, record[columns![c]] ?? null])) as Record<StatementColumn, Cell>;
      if (!isBlank(Object.values(cells))) yield { row, cells };
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('CSV_')) throw badRequest('body', `not a readable CSV: ${(err as Error).message}`);
    throw err;
  }
  if (!columns) throw badRequest('body', 'the statement has no header row');
}

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

async function* xlsxRows(path: string): AsyncIterable<StatementRow> {
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
  if (!columns) throw badRequest('body', 'the statement has no header row');
}
