import type { DataSource } from 'typeorm';
import type { ReconciliationRules } from '../domain/reconciliation';
import type { SettlementFilter } from '../storage/settlements/settlement-repository';
import type { ClaimFilter } from './claim-filter';
import { CLAIM_SHEET, claimSheetRows, JUDGMENT_SHEET, judgmentSheetRows, SETTLEMENT_SHEET, settlementSheetRows } from './export-sheets';
import type { JudgmentFilter } from './judgment-filter';
import { judgmentCsvPieces } from './judgments-csv';
import { xlsxPieces } from './xlsx-pieces';

/**
 * One export as the export thread runs it (src/api/csv-export.worker.ts): which list, in which format,
 * its filter, and the time zone its times are written in. Only the judgments have a CSV.
 */
export type ExportJob = { batchRows: number; tz: string } & (
  | { list: 'judgments'; format: 'csv' | 'xlsx'; filter: JudgmentFilter; rules: ReconciliationRules }
  | { list: 'claims'; format: 'xlsx'; filter: ClaimFilter; rules: ReconciliationRules }
  | { list: 'settlements'; format: 'xlsx'; filter: SettlementFilter }
);

/** The export's bytes (CSV text or XLSX bytes), one piece per batch, the next batch read when the next piece is asked for. */
export function exportPieces(dataSource: DataSource, job: ExportJob): AsyncGenerator<string | Uint8Array> {
  switch (job.list) {
    case 'judgments':
      if (job.format === 'csv') return judgmentCsvPieces(dataSource, job.filter, job.rules, job.batchRows, job.tz);
      return xlsxPieces('judgments', JUDGMENT_SHEET, judgmentSheetRows(dataSource, job.filter, job.rules, job.batchRows), job.tz);
    case 'claims':
      return xlsxPieces('claims', CLAIM_SHEET, claimSheetRows(dataSource, job.filter, job.rules, job.batchRows), job.tz);
    case 'settlements':
      return xlsxPieces('settlements', SETTLEMENT_SHEET, settlementSheetRows(dataSource, job.filter, job.batchRows), job.tz);
  }
}
