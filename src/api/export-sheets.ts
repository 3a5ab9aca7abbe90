import type { DataSource } from 'typeorm';
import { claimFlags, ReconciliationRules } from '../domain/reconciliation';
import { loadClaimFacts } from './claim-facts';
import { ClaimFilter, claimPage } from './claim-filter';
import type { JudgmentFilter } from './judgment-filter';
import { JudgmentKey, loadJudgmentPage } from './judgment-list';
import { settlementPage, type SettlementFilter } from '../storage/settlements/settlement-repository';
import type { SheetColumn, SheetRow } from './xlsx-pieces';

/**
 * What the XLSX exports hold: for each list (judgments, claims, settlements) its columns, named as the
 * JSON list's fields (docs/http-contract.md), and its rows read in keyset batches in the list's order.
 */

const col = (field: string, type: SheetColumn['type'] = 'text'): SheetColumn => ({ field, type });

export const JUDGMENT_SHEET: readonly SheetColumn[] = [
  col('workOrderId', 'integer'), col('externalOrderId'), col('tenantId'), col('bizType'), col('responsibilityParty'), col('warehouseRatio', 'percent'),
  col('deliveryRatio', 'percent'), col('claimAmount', 'money'), col('paymentAmount', 'money'), col('currency'), col('receivedAt', 'time'),
  col('revision', 'integer'), col('flags'), col('claimStatuses'),
];

export const CLAIM_SHEET: readonly SheetColumn[] = [
  col('id', 'integer'), col('workOrderId', 'integer'), col('route'), col('platform'), col('status'), col('amount', 'money'), col('acceptedAmount', 'money'),
  col('settledAmount', 'money'), col('currency'), col('platformClaimId'), col('platformStatus'), col('attempts', 'integer'), col('lastError'),
  col('nextAttemptAt', 'time'), col('settledAt', 'time'), col('revision', 'integer'), col('createdAt', 'time'), col('updatedAt', 'time'), col('flags'),
];

export const SETTLEMENT_SHEET: readonly SheetColumn[] = [
  col('id', 'integer'), col('platform'), col('reference'), col('platformClaimId'), col('claimId', 'integer'), col('amount', 'money'), col('currency'),
  col('settledAt', 'time'), col('importedAt', 'time'), col('importedBy'), col('fileSha256'),
];

/** Batches of rows from a keyset reader: `read(after)` gives a batch and the key after it (null: the last batch). */
async function* keysetBatches<K, R>(read: (after: K | null) => Promise<{ rows: R[]; next: K | null }>): AsyncGenerator<R[]> {
  let after: K | null = null;
  for (;;) {
    const { rows, next } = await read(after);
    if (rows.length > 0) yield rows;
    if (next === null) return;
    after = next;
  }
}

export function judgmentSheetRows(dataSource: DataSource, filter: JudgmentFilter, rules: ReconciliationRules, batchRows: number): AsyncGenerator<SheetRow[]> {
  return keysetBatches<JudgmentKey, SheetRow>(async (after) => {
    const page = await loadJudgmentPage(dataSource, filter, rules, after, batchRows);
    const rows = page.rows.map(({ workOrder: w, latest: r, flags, claims }) => ({
      currency: r.currency,
      cells: [
        w.id, r.externalOrderId, r.tenantId, r.bizType, r.responsibilityParty, r.warehouseRatioBp, r.deliveryRatioBp, r.claimAmountMinor, r.paymentAmountMinor,
        r.currency, w.receivedAt, w.latestRevision, flags.join(' '), claims.map(({ claim }) => `${claim.route}:${claim.status}`).join('; '),
      ],
    }));
    return { rows, next: page.hasMore ? page.lastKey : null };
  });
}

export function claimSheetRows(dataSource: DataSource, filter: ClaimFilter, rules: ReconciliationRules, batchRows: number): AsyncGenerator<SheetRow[]> {
  return keysetBatches<number, SheetRow>(async (after) => {
    const claims = await claimPage(dataSource, filter, rules, after, batchRows + 1);
    const own = claims.slice(0, batchRows);
    const rows = (await loadClaimFacts(dataSource, own)).map(({ claim: c, facts }) => ({
      currency: c.currency,
      cells: [
        c.id, c.workOrderId, c.route, c.platform, c.status, c.amountMinor, c.acceptedAmountMinor, facts.settledAmountMinor, c.currency, c.platformClaimId,
        c.platformStatus, c.attempts, c.lastError, c.nextAttemptAt, c.settledAt, c.revision, c.createdAt, c.updatedAt, claimFlags(facts, rules).join(' '),
      ],
    }));
    return { rows, next: claims.length > batchRows ? own[own.length - 1].id : null };
  });
}

export function settlementSheetRows(dataSource: DataSource, filter: SettlementFilter, batchRows: number): AsyncGenerator<SheetRow[]> {
  return keysetBatches<number, SheetRow>(async (before) => {
    const lines = await settlementPage(dataSource, filter, before, batchRows + 1);
    const own = lines.slice(0, batchRows);
    const rows = own.map(({ line: s, claimId }) => ({
      currency: s.currency,
      cells: [s.id, s.platform, s.reference, s.platformClaimId, claimId, s.amountMinor, s.currency, s.settledAt, s.importedAt, s.importedBy, s.fileSha256],
    }));
    return { rows, next: lines.length > batchRows ? own[own.length - 1].line.id : null };
  });
}
