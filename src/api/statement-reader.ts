import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { Cell, STATEMENT_COLUMNS, StatementColumn } from '../domain/settlement-line';
import { badRequest } from './api-error';
import { columnIndexes, isBlank, noHeaderRow, StatementRow } from './statement-columns';
import { XlsxReadOptions, xlsxRowsInThread } from './statement-xlsx-thread';

export type { StatementRow } from './statement-columns';

/** The statement formats and the content types that name them. */
export const STATEMENT_TYPES = {
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
} as const;
export type StatementFormat = (typeof STATEMENT_TYPES)[keyof typeof STATEMENT_TYPES];

/**
 * The rows of a statement file, one at a time (never the whole file in memory); blank rows are skipped.
 * An XLSX is read in a worker thread with a capped heap (`options`: src/api/statement-xlsx-thread.ts).
 */
export function readStatement(path: string, format: StatementFormat, options: XlsxReadOptions = {}): AsyncIterable<StatementRow> {
  return format === 'csv' ? csvRows(path) : xlsxRowsInThread(path, options);
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
  if (!columns) throw noHeaderRow();
}
