import { stringify } from 'csv-stringify/sync';
import type { DataSource } from 'typeorm';
import type { ReconciliationRules } from '../domain/reconciliation';
import { DEFAULT_EXPORT_TZ, timeHeader, zonedIso } from './export-time';
import type { JudgmentFilter } from './judgment-filter';
import { JudgmentKey, JudgmentRow, loadJudgmentPage } from './judgment-list';
import { presentJudgment } from './present';

/**
 * The list item's fields without `claims`, in the item's order, then `claimStatuses` (docs/http-contract.md).
 * In the header row a time column names the export's zone too (csvHeader).
 */
export const CSV_COLUMNS = [
  'workOrderId', 'externalOrderId', 'tenantId', 'bizType', 'responsibilityParty', 'warehouseRatio', 'deliveryRatio', 'claimAmount',
  'paymentAmount', 'currency', 'receivedAt', 'revision', 'flags', 'claimStatuses',
] as const;

/** Columns whose cells are times, written in the export's zone. */
const TIME_COLUMNS: ReadonlySet<string> = new Set(['receivedAt']);

/** The header row: the column names, each time column's with its zone (`receivedAt (Asia/Shanghai)`). */
export function csvHeader(tz: string): string[] {
  return CSV_COLUMNS.map((c) => (TIME_COLUMNS.has(c) ? timeHeader(c, tz) : c));
}

/** Rows read from the database per keyset query: memory stays flat whatever the export's size. */
export const CSV_BATCH_ROWS = 500;

/** Excel reads a UTF-8 CSV (Chinese text) correctly only with the byte order mark. */
const BOM = '\ufeff';

/** A text cell a spreadsheet would run as a formula (or whose first character it would drop) starts with one of these. */
const FORMULA_PREFIX = /^[=+\-@\t\r]/;

/**
 * A text cell as the HTTP contract (docs/http-contract.md) writes it: one that begins with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading `'`, so that no spreadsheet runs it as a formula (CSV formula injection).
 */
export function spreadsheetSafeText(text: string): string {
  return FORMULA_PREFIX.test(text) ? `'${text}` : text;
}

/** Numbers as their plain text; every text cell made spreadsheet-safe. */
const CELL_CASTS = { number: (n: number) => String(n), string: spreadsheetSafeText };

/** One row of the list as the cells of CSV_COLUMNS, in order (null is an empty cell), times in zone `tz`. */
export function csvRow(row: JudgmentRow, tz: string = DEFAULT_EXPORT_TZ): Array<string | number | null> {
  const j = presentJudgment(row.workOrder, row.latest);
  return [
    j.workOrderId, j.externalOrderId, j.tenantId, j.bizType, j.responsibilityParty, j.warehouseRatio, j.deliveryRatio, j.claimAmount, j.paymentAmount,
    j.currency, zonedIso(row.workOrder.receivedAt, tz), j.revision, row.flags.join(' '), row.claims.map(({ claim }) => `${claim.route}:${claim.status}`).join('; '),
  ];
}

/**
 * The export as CSV text, one piece per keyset batch: the first piece is the BOM, the header row and the
 * first batch (so a query that fails, fails before any byte is sent), then one piece per batch. The next
 * batch is read only when the caller asks for it, so a slow client holds one batch at most.
 */
export async function* judgmentCsvPieces(dataSource: DataSource, filter: JudgmentFilter, rules: ReconciliationRules, batchRows = CSV_BATCH_ROWS, tz = DEFAULT_EXPORT_TZ) {
  let piece = BOM + stringify([csvHeader(tz)]);
  let after: JudgmentKey | null = null;
  for (;;) {
    const page = await loadJudgmentPage(dataSource, filter, rules, after, batchRows);
    if (page.rows.length > 0) piece += stringify(page.rows.map((row) => csvRow(row, tz)), { cast: CELL_CASTS });
    if (piece) yield piece;
    piece = '';
    if (!page.hasMore || !page.lastKey) return;
    after = page.lastKey;
  }
}
