import type { DataSource } from 'typeorm';
import { diffClaims, newClaimRow } from '../claims/sync-claims';
import { Claim, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../entities';
import { fastInsert } from './fast-insert';
import { newWorkOrderRow, revisionRow } from './judgment-rows';
import { runMysqlBatch, type Statement } from './mysql-batch';
import { type EncodedBody, rawPushRow } from './raw-push-store';
import { isUniqueViolation, mayRunAgain } from './database-errors';
import type { JudgmentToStore } from './store-judgment';

/** Pushes with more package numbers than this take the general path (multi-row batches). */
export const ONE_TRIP_MAX_PACKAGES = 1000;

/** What one trip found: a new work order it created, or the identity's existing work order (nothing written). */
export type OneTripResult =
  | { kind: 'created'; workOrderId: number }
  | { kind: 'exists'; workOrderId: number; latestRevision: number; latestContentHash: string };

/** One push of a group: what to store and its encoded body. */
export interface GroupedPush {
  input: JudgmentToStore;
  encoded: EncodedBody;
}

/** A look-up in a group: the work order of an identity, nothing written (src/storage/known-duplicates.ts). */
export interface GroupedCheck {
  identityKey: string;
}

export type GroupItem = GroupedPush | GroupedCheck;

/** Whether a group item is a look-up (no push to store). */
export const isCheck = (item: GroupItem): item is GroupedCheck => !('input' in item);
const identityOf = (item: GroupItem) => (isCheck(item) ? item.identityKey : item.input.identityKey);

/**
 * The unique key stopped a batch (a parallel first push of the same identity won), or it lost a deadlock or
 * a lock wait (src/storage/database-errors.ts). The batch was rolled back in each case; its push takes the
 * locking path, which retries, instead of failing.
 */
export function isLostRace(err: unknown): boolean {
  return isUniqueViolation(err) || mayRunAgain(err);
}

/**
 * MySQL/MariaDB: a push of a new identity — work order, raw push, revision, packages, claims and their
 * events, COMMIT — or the finding that the identity exists, in ONE round trip: a multi-statement batch in
 * which every insert is conditional on the work order having been inserted (`@ins`), ids flowing through
 * session variables (`@wo := LAST_INSERT_ID()`). On this machine every round trip to the database costs
 * more CPU than the statements it carries (BENCHMARKS.md), so this is the push's hot path; an exact
 * duplicate is also answered from this one trip.
 *
 * Several pushes go in ONE transaction and ONE round trip (group commit, src/storage/group-commit.ts): each
 * push's statements with its own session variables (`@ins_0`, `@wo_0`, …), then one COMMIT and one SELECT
 * of every push's work order. Two pushes of one identity in a group meet as
 * in two transactions: the second finds the first's work order (`exists`). A look-up ({@link GroupedCheck})
 * only reads its identity's work order after the commit (null when there is none). Throws when any statement fails;
 * the batch is then rolled back and nothing of it is stored. All values are bound as parameters (mysql2
 * escapes them); `created` is returned only after the batch's COMMIT.
 */
export async function storeGroupInOneTrip(dataSource: DataSource, group: readonly GroupItem[]): Promise<Array<OneTripResult | null>> {
  const statements: Statement[] = [];
  if (!group.every(isCheck)) {
    // READ COMMITTED for this one transaction: the NOT EXISTS read then takes no gap locks, so two new
    // identities that land in the same index gap do not deadlock; the unique index still refuses doubles.
    statements.push({ sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', params: [] }, { sql: 'START TRANSACTION', params: [] });
    group.forEach((item, k) => {
      if (!isCheck(item)) statements.push(...pushStatements(dataSource, item.input, item.encoded, k));
    });
    statements.push({ sql: 'COMMIT', params: [] });
  }
  // Session variables outlive a batch on a pooled connection: a look-up reads a literal 0, never an @ins_k it did not set.
  statements.push({
    sql: group
      .map((item, k) => `SELECT ${k} AS k, ${isCheck(item) ? '0' : `@ins_${k}`} AS inserted, id, latestRevision, latestContentHash FROM work_order WHERE identityKey = ?`)
      .join(' UNION ALL '),
    params: group.map(identityOf),
  });

  const results = await runMysqlBatch(dataSource, statements);
  const rows = results[results.length - 1] as Array<{ k: number | string; inserted: number | string | null; id: number | string; latestRevision: number | string; latestContentHash: string }>;
  const found = new Map(rows.map((row) => [Number(row.k), row]));
  return group.map((item, k) => {
    const row = found.get(k);
    if (!row) {
      if (isCheck(item)) return null; // no such work order
      throw new Error('a grouped push found no work order after its commit');
    }
    const workOrderId = Number(row.id);
    if (Number(row.inserted) === 1) return { kind: 'created', workOrderId };
    return { kind: 'exists', workOrderId, latestRevision: Number(row.latestRevision), latestContentHash: row.latestContentHash };
  });
}

/** One push's statements in a batch; `k` names its session variables. */
function pushStatements(dataSource: DataSource, input: JudgmentToStore, encoded: EncodedBody, k: number): Statement[] {
  const statements: Statement[] = [];
  const add = (sql: string, params: unknown[] = []) => statements.push({ sql, params });
  const ins = `@ins_${k}`;
  const when = `${ins} = 1`;
  const varWo = sqlVariable(`@wo_${k}`);
  const varRp = sqlVariable(`@rp_${k}`);
  const at = input.push.receivedAt;

  const wo = fastInsert(dataSource, WorkOrder).statementWhen('NOT EXISTS (SELECT 1 FROM work_order WHERE identityKey = ?)', newWorkOrderRow(input));
  add(wo.sql, [...wo.params, input.identityKey]);
  add(`SET ${ins} := ROW_COUNT()`);
  add(`SET @wo_${k} := IF(${ins} = 1, LAST_INSERT_ID(), NULL)`);
  const raw = fastInsert(dataSource, RawPush).statementWhen(when, rawPushRow(input.push, encoded));
  add(raw.sql, raw.params);
  add(`SET @rp_${k} := LAST_INSERT_ID()`);
  const rev = fastInsert(dataSource, JudgmentRevision).statementWhen(when, revisionRow(input, 1), { workOrderId: varWo, rawPushId: varRp });
  add(rev.sql, rev.params);
  if (input.packageNos.length) {
    add(`SET @rev_${k} := LAST_INSERT_ID()`);
    const rows = input.packageNos.map((_no, i) => (i === 0 ? 'SELECT ? AS seq, ? AS packageNo' : 'SELECT ?, ?')).join(' UNION ALL ');
    add(
      `INSERT INTO responsibility_package (revisionId, seq, workOrderId, packageNo) SELECT @rev_${k}, p.seq, @wo_${k}, p.packageNo FROM (${rows}) p WHERE ${when}`,
      input.packageNos.flatMap((no, i) => [i, no]),
    );
  }
  const revForClaims = { workOrderId: 0, revision: 1, currency: input.columns.currency, judgment: input.judgment, at };
  for (const action of diffClaims([], input.routes, revForClaims)) {
    if (action.kind !== 'create') continue; // a new work order has no claims to update, cancel or note
    const claim = fastInsert(dataSource, Claim).statementWhen(when, newClaimRow(action.plan, revForClaims), { workOrderId: varWo });
    add(claim.sql, claim.params);
    const event = fastInsert(dataSource, ClaimEvent).statementWhen(
      when,
      { fromStatus: null, toStatus: 'pending', source: 'push', reason: action.reason.slice(0, 4000), payload: null, createdAt: at },
      { claimId: VAR_LAST_ID },
    );
    add(event.sql, event.params);
  }
  return statements;
}

/** SQL fragments bound in place of a value: a session variable set earlier in the batch. */
const sqlVariable = (name: string) => ({ toSqlString: () => name });
const VAR_LAST_ID = sqlVariable('LAST_INSERT_ID()');
