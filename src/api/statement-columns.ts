import { Cell, STATEMENT_COLUMNS, StatementColumn } from '../domain/settlement-line';
import { badRequest } from './api-error';

/** A data row of a statement: its row number as a spreadsheet shows it (the header is row 1) and its cells by column. */
export interface StatementRow {
  row: number;
  cells: Record<StatementColumn, Cell>;
}

/** Where each needed column is in the header row (0-based), or a 400 naming the missing ones. */
export function columnIndexes(header: readonly string[]): Record<StatementColumn, number> {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const missing = STATEMENT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) throw badRequest('body', `the header row must name the columns ${STATEMENT_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`);
  return Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<StatementColumn, number>;
}

export const isBlank = (cells: readonly Cell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

export const noHeaderRow = () => badRequest('body', 'the statement has no header row');
