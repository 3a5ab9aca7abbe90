import type { DataSource } from 'typeorm';
import { diffClaims } from '../claims/sync-claims';
import { Claim, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../entities';
import { fastInsert } from './fast-insert';
import type { EncodedBody } from './raw-push-store';
import { storableHeaders } from './raw-push-store';
import type { JudgmentToStore } from './store-judgment';

/** A raw mysql2 pool connection, as TypeORM's MySQL driver hands them out. */
interface PoolConnection {
  query(sql: string, values: unknown[], cb: (err: Error | null, results?: unknown) => void): void;
  query(sql: string, cb: (err: Error | null, results?: unknown) => void): void;
  release(): void;
  destroy(): void;
}

/** Pushes with more package numbers than this take the general path (multi-row batches). */
export const ONE_TRIP_MAX_PACKAGES = 1000;

const run = (conn: PoolConnection, sql: string, values: unknown[] = []) =>
  new Promise<unknown>((resolve, reject) => conn.query(sql, values, (err, results) => (err ? reject(err) : resolve(results))));

/**
 * MySQL/MariaDB: the whole first push of a new work order — work order, raw push, revision, packages,
 * claims and their events, COMMIT — in ONE round trip, as a multi-statement batch whose ids flow through
 * session variables (`@wo := LAST_INSERT_ID()`). On loopback every statement's round trip costs more CPU
 * than the statement (BENCHMARKS.md), so this is the push's hot path.
 *
 * Returns the new workOrderId, or null when the identity already exists (the batch stops at the unique-key
 * error and is rolled back) so the caller takes the general, locking path. All values are bound as
 * parameters (mysql2 escapes them); success is returned only after the batch's COMMIT.
 */
export async function storeNewWorkOrderInOneTrip(dataSource: DataSource, input: JudgmentToStore, encoded: EncodedBody): Promise<number | null> {
  const statements: Array<{ sql: string; params: unknown[] }> = [{ sql: 'START TRANSACTION', params: [] }];
  const add = (sql: string, params: unknown[] = []) => statements.push({ sql, params });
  const at = input.push.receivedAt;

  const wo = fastInsert(dataSource, WorkOrder).statement({
    identityKey: input.identityKey, tenantId: input.tenantId, externalOrderId: input.externalOrderId, receivedAt: at,
    latestRevision: 1, latestContentHash: input.contentHash, responsibilityParty: input.columns.responsibilityParty, updatedAt: at,
  });
  add(wo.sql, wo.params);
  add('SET @wo := LAST_INSERT_ID()');
  const query = Object.fromEntries([...input.push.query].filter(([k]) => k !== 'sign'));
  const raw = fastInsert(dataSource, RawPush).statement({
    receivedAt: at, method: input.push.method, appKey: input.push.appKey, query: JSON.stringify(query),
    headers: JSON.stringify(storableHeaders(input.push.headers)), verification: `${input.push.signMethod}:ok`,
    bodySha256: input.push.bodySha256, bodyBytes: input.push.body.length, bodyEncoding: encoded.encoding, body: encoded.inline, chunkCount: 0,
  });
  add(raw.sql, raw.params);
  add('SET @rp := LAST_INSERT_ID()');
  const rev = fastInsert(dataSource, JudgmentRevision).statement(
    { ...input.columns, revision: 1, receivedAt: at, contentHash: input.contentHash, packageCount: input.packageNos.length },
    { workOrderId: VAR_WO, rawPushId: VAR_RP },
  );
  add(rev.sql, rev.params);
  if (input.packageNos.length) {
    add('SET @rev := LAST_INSERT_ID()');
    const rows = input.packageNos.map(() => '(@rev, ?, @wo, ?)').join(', ');
    add(`INSERT INTO responsibility_package (revisionId, seq, workOrderId, packageNo) VALUES ${rows}`, input.packageNos.flatMap((no, i) => [i, no]));
  }
  const revForClaims = { workOrderId: 0, revision: 1, currency: input.columns.currency, judgment: input.judgment, at };
  for (const action of diffClaims([], input.routes, revForClaims)) {
    if (action.kind !== 'create') continue; // a new work order has no claims to update, cancel or note
    const claim = fastInsert(dataSource, Claim).statement(
      {
        route: action.route, platform: action.plan.platform, status: 'pending', revision: 1, amountMinor: action.plan.amountMinor,
        currency: input.columns.currency, fields: JSON.stringify(action.plan.fields), attempts: 0, nextAttemptAt: at,
        mayExistOnPlatform: false, createdAt: at, updatedAt: at,
      },
      { workOrderId: VAR_WO },
    );
    add(claim.sql, claim.params);
    const event = fastInsert(dataSource, ClaimEvent).statement(
      { fromStatus: null, toStatus: 'pending', source: 'push', reason: action.reason.slice(0, 4000), payload: null, createdAt: at },
      { claimId: VAR_LAST_ID },
    );
    add(event.sql, event.params);
  }
  add('COMMIT');
  add('SELECT @wo AS workOrderId');

  const conn = await (dataSource.driver as unknown as { obtainMasterConnection(): Promise<PoolConnection> }).obtainMasterConnection();
  let reusable = true;
  try {
    const sql = statements.map((s) => s.sql).join(';\n');
    const results = (await run(conn, sql, statements.flatMap((s) => s.params))) as unknown[];
    const last = results[results.length - 1] as Array<{ workOrderId: number | string }>;
    return Number(last[0].workOrderId);
  } catch (err) {
    // The batch stopped at the failing statement with the transaction open: roll it back on this
    // connection, or drop the connection (which rolls back) when even that fails.
    await run(conn, 'ROLLBACK').catch(() => (reusable = false));
    if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return null;
    throw err;
  } finally {
    if (reusable) conn.release();
    else conn.destroy();
  }
}

/** SQL fragments bound in place of a value: a session variable set earlier in the batch. */
const VAR_WO = { toSqlString: () => '@wo' };
const VAR_RP = { toSqlString: () => '@rp' };
const VAR_LAST_ID = { toSqlString: () => 'LAST_INSERT_ID()' };
