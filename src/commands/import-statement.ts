import { type DataSource, type EntityManager, In } from 'typeorm';
import type { AuditActor } from '../api/audit';
import { recordAudit } from '../api/audit';
import { formatMinorUnits } from '../domain/money';
import { Claim } from '../entities';
import { LINE_NOTES, LineNote, readSettlementLine, SettlementLine } from '../domain/settlement-line';
import { isUniqueViolation } from '../storage/database-errors';
import { addToSettledTotals, claimsByPlatformIds, ClaimToSettle, insertSettlements, SettledAddition, storedReferences } from '../storage/settlements/settlement-repository';
import { inTransaction } from '../storage/transactions';
import { groupBy } from '../group-by';
import type { StatementRow } from '../api/statement-reader';
import { LineOutcomes } from './line-outcomes';

/** The answer of POST /api/settlements/import (docs/http-contract.md), `differing` beyond the contract's minimum. */
export interface ImportReport {
  rows: number;
  matched: number;
  unmatched: number;
  duplicates: number;
  invalid: number;
  /** Claims this statement settles whose settled total (stored lines and these) differs from the amount claimed. */
  differing: number;
  lines: LineOutcomes;
}

/** The report as JSON text, in chunks: the counts, then the lines a thousand at a time. */
export function* reportJson(report: ImportReport): Generator<string> {
  const { lines, ...counts } = report;
  yield `${JSON.stringify(counts).slice(0, -1)},"lines":[`;
  yield* lines.jsonChunks();
  yield ']}';
}

export interface ImportOptions {
  /** Answer the report and store nothing. */
  dryRun: boolean;
  actor: AuditActor;
  at: Date;
  file: { sha256: string; bytes: number; format: string };
  platforms: readonly string[];
  requestId?: string | null;
}

/** Lines are matched and stored in batches of this many: memory holds one batch (and the report). */
export const IMPORT_BATCH_LINES = 500;

interface Pending {
  /** Its index in the report's lines. */
  index: number;
  line: SettlementLine;
}

/**
 * Imports a statement, a batch of lines at a time, each batch in its own transaction: a line is
 * matched to the claim of its platform with its `platformClaimId` (and currency); a (platform, reference)
 * stored before, or earlier in the same file, is a duplicate and changes nothing; unmatched lines are
 * kept. The import is audited (who, when, the file's hash, the counts) once its last batch is stored,
 * or when it fails after storing some (`complete: false`: importing the file again stores the rest).
 */
export async function importStatement(dataSource: DataSource, rows: AsyncIterable<StatementRow>, opts: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, matched: 0, unmatched: 0, duplicates: 0, invalid: 0, differing: 0, lines: new LineOutcomes() };
  /** A dry run's earlier lines to store (an import finds its earlier batches stored, so it keeps none). */
  const seen = new Set<string>();
  /** Per claim, what this file's matched lines add (the dry run's view of the totals). */
  const added = new Map<number, number>();
  let stored = 0;
  let batch: Pending[] = [];

  const flush = async () => {
    const lines = batch;
    batch = [];
    if (lines.length === 0) return;
    let storeThese: Pending[];
    if (opts.dryRun) {
      storeThese = (await matchBatch(dataSource, report.lines, lines, seen, false)).store;
      for (const p of storeThese) seen.add(keyOf(p.line));
    } else {
      storeThese = await storeBatch(dataSource, report.lines, lines, opts);
      stored += storeThese.length;
    }
    for (const p of lines) count(report, report.lines.get(p.index).outcome);
    for (const p of storeThese) {
      const { outcome, claimId } = report.lines.get(p.index);
      if (outcome === 'matched') added.set(claimId!, (added.get(claimId!) ?? 0) + p.line.amountMinor);
    }
  };

  try {
    for await (const row of rows) {
      report.rows += 1;
      const reading = readSettlementLine(row.cells, opts.platforms);
      const index = report.lines.add(row.row);
      if (!reading.ok) {
        report.lines.setNote(index, reading.note);
        report.invalid += 1;
        continue;
      }
      batch.push({ index, line: reading.line });
      if (batch.length >= IMPORT_BATCH_LINES) await flush();
    }
    await flush();
  } catch (err) {
    if (stored > 0) await audit(dataSource, opts, { ...counts(report), stored, complete: false, error: (err as Error).message });
    throw err;
  }

  report.differing = await markDiffering(dataSource, report, added, opts.dryRun);
  if (!opts.dryRun) await audit(dataSource, opts, { ...counts(report), stored, complete: true });
  return report;
}

const counts = (r: ImportReport) => ({ rows: r.rows, matched: r.matched, unmatched: r.unmatched, duplicates: r.duplicates, invalid: r.invalid, differing: r.differing });

function count(report: ImportReport, outcome: string) {
  if (outcome === 'matched') report.matched += 1;
  else if (outcome === 'unmatched') report.unmatched += 1;
  else if (outcome === 'duplicate') report.duplicates += 1;
  else report.invalid += 1;
}

/** A line's (platform, reference) as one flat string (a Set of 100,000 of them stays small). */
const keyOf = (l: SettlementLine) => [l.platform, l.reference].join('\u0000');

/** The notes most lines share (the line number says which line). */
const SHARED_NOTES = { duplicate: LINE_NOTES.duplicate(), unmatched: LINE_NOTES.unmatched() };

/** A batch's decision: the lines to store (matched and unmatched) and what the matched ones add to their claims. */
interface BatchDecision {
  store: Pending[];
  additions: SettledAddition[];
}

/**
 * Decides each line of a batch (sets its outcome) against what is stored, what the file held before it
 * (`seen`, in a dry run) and the batch's earlier lines. In an import's transaction (`forUpdate`) the claims
 * matched stay locked until it commits (see claimsByPlatformIds).
 */
async function matchBatch(em: EntityManager | DataSource, log: LineOutcomes, lines: Pending[], seen: ReadonlySet<string>, forUpdate: boolean): Promise<BatchDecision> {
  const byPlatform = groupBy(lines, (p) => p.line.platform);
  const store: Pending[] = [];
  const additions = new Map<number, SettledAddition>();
  const inBatch = new Set<string>();
  for (const [platform, own] of byPlatform) {
    const storedRefs = await storedReferences(em, platform, own.map((p) => p.line.reference));
    const claims = await claimsByPlatformIds(em, platform, own.map((p) => p.line.platformClaimId), { forUpdate });
    for (const p of own) {
      const key = keyOf(p.line);
      if (storedRefs.has(p.line.reference) || seen.has(key) || inBatch.has(key)) {
        log.set(p.index, 'duplicate', null, SHARED_NOTES.duplicate);
        continue;
      }
      const claim = claims.get(p.line.platformClaimId);
      if (claim && claim.currency !== p.line.currency) {
        log.set(p.index, 'invalid', claim.id, LINE_NOTES.currencyDiffers(claim.currency));
        continue;
      }
      inBatch.add(key);
      if (claim) {
        log.set(p.index, 'matched', claim.id, null);
        const addition = additions.get(claim.id);
        if (!addition) additions.set(claim.id, { claim, amountMinor: p.line.amountMinor, latestAt: p.line.settledAt });
        else {
          addition.amountMinor += p.line.amountMinor;
          if (p.line.settledAt > addition.latestAt) addition.latestAt = p.line.settledAt;
        }
      } else log.set(p.index, 'unmatched', null, SHARED_NOTES.unmatched);
      store.push(p);
    }
  }
  return { store, additions: [...additions.values()] };
}

const NOTHING_SEEN: ReadonlySet<string> = new Set();

/** Matches and stores one batch in a transaction; a concurrent import of the same lines (unique reference) makes it run again. */
async function storeBatch(dataSource: DataSource, log: LineOutcomes, lines: Pending[], opts: ImportOptions): Promise<Pending[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(dataSource, async (em) => {
        // The file's earlier batches are committed: their lines come back as stored, no set of them is kept.
        const { store, additions } = await matchBatch(em, log, lines, NOTHING_SEEN, true);
        const importedBy = opts.actor.name.slice(0, 128);
        // Field by field rather than `{ ...line, … }`: a spread's copy is several times the size of a literal.
        await insertSettlements(em, store.map(({ line }) => ({
          platform: line.platform, platformClaimId: line.platformClaimId, reference: line.reference, amountMinor: line.amountMinor,
          currency: line.currency, settledAt: line.settledAt, importedAt: opts.at, importedBy, fileSha256: opts.file.sha256,
        })));
        await addToSettledTotals(em, additions);
        return store;
      });
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
    }
  }
}

/**
 * Counts the claims this statement settles whose settled total differs from the amount claimed, and says
 * so on their matched lines. Stored: the totals as stored now; dry run: the stored totals plus this file's.
 */
async function markDiffering(dataSource: DataSource, report: ImportReport, added: Map<number, number>, dryRun: boolean): Promise<number> {
  const ids = [...added.keys()];
  if (ids.length === 0) return 0;
  const differs = new Map<number, LineNote>();
  for (let i = 0; i < ids.length; i += IMPORT_BATCH_LINES) {
    const claims: ClaimToSettle[] = await dataSource.getRepository(Claim).find({
      where: { id: In(ids.slice(i, i + IMPORT_BATCH_LINES)) },
      select: { id: true, platform: true, platformClaimId: true, currency: true, amountMinor: true, settledAmountMinor: true, settledAt: true },
    });
    for (const c of claims) {
      const settled = (c.settledAmountMinor ?? 0) + (dryRun ? (added.get(c.id) ?? 0) : 0);
      const claimed = c.amountMinor ?? 0;
      if (settled !== claimed) differs.set(c.id, LINE_NOTES.settledDiffers(formatMinorUnits(settled), formatMinorUnits(claimed), c.currency));
    }
  }
  for (let i = 0; i < report.lines.size; i++) {
    const { outcome, claimId } = report.lines.get(i);
    if (outcome === 'matched' && claimId !== null && differs.has(claimId)) report.lines.setNote(i, differs.get(claimId)!);
  }
  return differs.size;
}

async function audit(dataSource: DataSource, opts: ImportOptions, after: Record<string, unknown>) {
  await inTransaction(dataSource, (em) => recordAudit(em, {
    actor: opts.actor, action: 'settlement.import', target: { type: 'statement', id: opts.file.sha256 }, before: null,
    after: { fileSha256: opts.file.sha256, bytes: opts.file.bytes, format: opts.file.format, ...after }, at: opts.at, requestId: opts.requestId ?? null,
  }));
}
