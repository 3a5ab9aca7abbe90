import type { DataSource } from 'typeorm';
import { diffClaims, newClaimRow } from '../claims/sync-claims';
import { Claim, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../entities';
import { fastInsert } from './fast-insert';
import { newWorkOrderRow, revisionRow } from './judgment-rows';
import { runMysqlBatch } from './mysql-batch';
import { type EncodedBody, rawPushRow } from './raw-push-store';
import type { JudgmentToStore } from './store-judgment';

/** Pushes with more package numbers than this take the general path (multi-row batches). */
export const ONE_TRIP_MAX_PACKAGES = 1000;

/** What one trip found: a new work order it created, or the identity's existing work order (nothing written). */
export type OneTripResult =
  | { kind: 'created'; workOrderId: number }
  | { kind: 'exists'; workOrderId: number; latestRevision: number; latestContentHash: string };

/**
 * MySQL/MariaDB: a push of a new identity — work order, raw push, revision, packages, claims and their
 * events, COMMIT — or the finding that the identity exists, in ONE round trip: a multi-statement batch in
 * which every insert is conditional on the work order having been inserted (`@ins`), ids flowing through
 * session variables (`@wo := LAST_INSERT_ID()`). On this machine every round trip to the database costs
 * more CPU than the statements it carries (BENCHMARKS.md), so this is the push's hot path; an exact
 * duplicate is also answered from this one trip.
 *
 * Returns null when two pushes of a new identity raced and this one lost (the unique key stopped the batch,
 * which is rolled back): the caller then takes the general, locking path. All values are bound as
 * parameters (mysql2 escapes them); `created` is returned only after the batch's COMMIT.
 */
export async function storeInOneTrip(dataSource: DataSource, input: JudgmentToStore, encoded: EncodedBody): Promise<OneTripResult | null> {
  // READ COMMITTED for this one transaction: the NOT EXISTS read then takes no gap locks, so two new
  // identities that land in the same index gap do not deadlock; the unique index still refuses doubles.
  const statements: Array<{ sql: string; params: unknown[] }> = [
    { sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', params: [] },
    { sql: 'START TRANSACTION', params: [] },
  ];
  const add = (sql: string, params: unknown[] = []) => statements.push({ sql, params });
  const when = '@ins = 1';
  const at = input.push.receivedAt;

  const wo = fastInsert(dataSource, WorkOrder).statementWhen('NOT EXISTS (SELECT 1 FROM work_order WHERE identityKey = ?)', newWorkOrderRow(input));
  add(wo.sql, [...wo.params, input.identityKey]);
  add('SET @ins := ROW_COUNT()');
  add('SET @wo := IF(@ins = 1, LAST_INSERT_ID(), NULL)');
  const raw = fastInsert(dataSource, RawPush).statementWhen(when, rawPushRow(input.push, encoded));
  add(raw.sql, raw.params);
  add('SET @rp := LAST_INSERT_ID()');
  const rev = fastInsert(dataSource, JudgmentRevision).statementWhen(when, revisionRow(input, 1), { workOrderId: VAR_WO, rawPushId: VAR_RP });
  add(rev.sql, rev.params);
  if (input.packageNos.length) {
    add('SET @rev := LAST_INSERT_ID()');
    const rows = input.packageNos.map((_no, i) => (i === 0 ? 'SELECT ? AS seq, ? AS packageNo' : 'SELECT ?, ?')).join(' UNION ALL ');
    add(
      `INSERT INTO responsibility_package (revisionId, seq, workOrderId, packageNo) SELECT @rev, p.seq, @wo, p.packageNo FROM (${rows}) p WHERE ${when}`,
      input.packageNos.flatMap((no, i) => [i, no]),
    );
  }
  const revForClaims = { workOrderId: 0, revision: 1, currency: input.columns.currency, judgment: input.judgment, at };
  for (const action of diffClaims([], input.routes, revForClaims)) {
    if (action.kind !== 'create') continue; // a new work order has no claims to update, cancel or note
    const claim = fastInsert(dataSource, Claim).statementWhen(when, newClaimRow(action.plan, revForClaims), { workOrderId: VAR_WO });
    add(claim.sql, claim.params);
    const event = fastInsert(dataSource, ClaimEvent).statementWhen(
      when,
      { fromStatus: null, toStatus: 'pending', source: 'push', reason: action.reason.slice(0, 4000), payload: null, createdAt: at },
      { claimId: VAR_LAST_ID },
    );
    add(event.sql, event.params);
  }
  add('COMMIT');
  add('SELECT @ins AS inserted, id, latestRevision, latestContentHash FROM work_order WHERE identityKey = ?', [input.identityKey]);

  let results: unknown[];
  try {
    results = await runMysqlBatch(dataSource, statements);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ER_DUP_ENTRY' || code === 'ER_LOCK_DEADLOCK') return null;
    throw err;
  }
  const [row] = results[results.length - 1] as Array<{ inserted: number | string; id: number | string; latestRevision: number | string; latestContentHash: string }>;
  const workOrderId = Number(row.id);
  if (Number(row.inserted) === 1) return { kind: 'created', workOrderId };
  return { kind: 'exists', workOrderId, latestRevision: Number(row.latestRevision), latestContentHash: row.latestContentHash };
}

/** SQL fragments bound in place of a value: a session variable set earlier in the batch. */
const VAR_WO = { toSqlString: () => '@wo' };
const VAR_RP = { toSqlString: () => '@rp' };
const VAR_LAST_ID = { toSqlString: () => 'LAST_INSERT_ID()' };
