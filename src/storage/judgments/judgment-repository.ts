import type { DataSource, EntityManager } from 'typeorm';
import { JudgmentRevision, PackageIndexJob, RawPush, RawPushChunk, WorkOrder } from '../../entities';
import { type EncodedBody, type ReceivedPush, rawPushRow } from '../raw-push-store';
import { rowInsert } from '../row-insert';
import { sqlName } from '../sql-name';
import { inTransaction, isSqlite } from '../transactions';
import { type JudgmentToStore, type KnownWorkOrder, newWorkOrderRow, type PackageIndexTask } from './judgment';

/**
 * The SQL of the judgment aggregate (work order, raw push and its chunks, revisions, package rows,
 * package index jobs), for SQLite and MySQL/MariaDB alike. Every write runs inside the caller's transaction.
 */

/** Rows per multi-row INSERT of package rows: 4 parameters a row stays under SQLite's 32,766 limit. */
export const PACKAGE_BATCH = 5000;

/** How long the receiving process holds a package index job before a worker may take it over. */
export const PACKAGE_INDEX_LEASE_MS = 120_000;

const q = sqlName;

const KNOWN_COLUMNS = ['id', 'identityKey', 'latestRevision', 'latestContentHash', 'latestPushedAt', 'revisionCount'];

function selectWorkOrdersSql(db: EntityManager | DataSource, count: number, lock: boolean): string {
  return `SELECT ${KNOWN_COLUMNS.map((c) => `${q(db, c)} AS ${c}`).join(', ')} FROM ${q(db, 'work_order')} ` +
    `WHERE ${q(db, 'identityKey')} IN (${Array(count).fill('?').join(', ')})${lock ? ' FOR UPDATE' : ''}`;
}

function byIdentity(db: DataSource, rows: Array<Record<string, unknown>>): Map<string, KnownWorkOrder> {
  const pushedAt = db.getMetadata(WorkOrder).findColumnWithPropertyName('latestPushedAt')!;
  return new Map(rows.map((row) => [String(row.identityKey), {
    id: Number(row.id), latestRevision: Number(row.latestRevision), latestContentHash: String(row.latestContentHash),
    latestPushedAt: db.driver.prepareHydratedValue(row.latestPushedAt, pushedAt) as Date, revisionCount: Number(row.revisionCount),
  }]));
}

/**
 * The work orders of these identities, in the caller's transaction. `lock`: each row is locked until the
 * transaction ends (MySQL/MariaDB `FOR UPDATE`; SQLite's one writer holds the whole database), so
 * revisions of one work order queue up here.
 */
export async function readWorkOrders(em: EntityManager, identityKeys: readonly string[], lock: boolean): Promise<Map<string, KnownWorkOrder>> {
  if (identityKeys.length === 0) return new Map();
  return byIdentity(em.connection, await em.query(selectWorkOrdersSql(em, identityKeys.length, lock && !isSqlite(em.connection)), identityKeys));
}

/**
 * The work orders of these identities as committed, outside any transaction of the caller. SQLite reads
 * in a queued transaction: on its one connection a bare read could see another push's uncommitted write.
 */
export async function readCommittedWorkOrders(dataSource: DataSource, identityKeys: readonly string[]): Promise<Map<string, KnownWorkOrder>> {
  if (identityKeys.length === 0) return new Map();
  if (isSqlite(dataSource)) return inTransaction(dataSource, (em) => readWorkOrders(em, identityKeys, false));
  return byIdentity(dataSource, await dataSource.query(selectWorkOrdersSql(dataSource, identityKeys.length, false), [...identityKeys]));
}

/**
 * The content hash of a work order's revision as committed, or null when there is no such revision. On
 * MySQL/MariaDB a locking read: a transaction whose COMMIT answer was lost may still be committing on the
 * server (or rolling back) when this runs, and its uncommitted row makes the read wait for its outcome
 * instead of reading "not there" too early.
 */
export async function committedRevisionHash(dataSource: DataSource, workOrderId: number, revision: number): Promise<string | null> {
  const lock = isSqlite(dataSource) ? {} : { lock: { mode: 'pessimistic_read' as const } };
  const found = await inTransaction(dataSource, (em) => em.findOne(JudgmentRevision, { select: { id: true, contentHash: true }, where: { workOrderId, revision }, ...lock }), { readCommitted: true });
  return found?.contentHash ?? null;
}

/** Inserts the work orders of new identities, each at revision 1; returns their ids in order. */
export function insertWorkOrders(em: EntityManager, inputs: readonly JudgmentToStore[]): Promise<number[]> {
  return rowInsert(em.connection, WorkOrder).insertWithIds(em, inputs.map(newWorkOrderRow), ['identityKey']);
}

/**
 * Which of these (work order, content hash) pairs a stored revision holds, as `${workOrderId}:${contentHash}`
 * keys: one statement for all of them.
 */
export async function storedRevisionHashes(em: EntityManager, pairs: ReadonlyArray<{ workOrderId: number; contentHash: string }>): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const ids = [...new Set(pairs.map((p) => p.workOrderId))];
  const hashes = [...new Set(pairs.map((p) => p.contentHash))];
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT ${q(em, 'workOrderId')} AS workOrderId, ${q(em, 'contentHash')} AS contentHash FROM ${q(em, 'judgment_revision')} ` +
      `WHERE ${q(em, 'workOrderId')} IN (${ids.map(() => '?').join(', ')}) AND ${q(em, 'contentHash')} IN (${hashes.map(() => '?').join(', ')})`,
    [...ids, ...hashes],
  );
  return new Set(rows.map((row) => `${Number(row.workOrderId)}:${String(row.contentHash)}`));
}

/** Points a work order at its new latest revision. */
export async function updateLatestRevision(em: EntityManager, workOrderId: number, input: JudgmentToStore, revision: number): Promise<void> {
  await em.update(WorkOrder, { id: workOrderId }, {
    latestRevision: revision, latestContentHash: input.contentHash, latestPushedAt: input.pushedAt, revisionCount: revision,
    responsibilityParty: input.columns.responsibilityParty, updatedAt: input.push.receivedAt,
  });
}

/** Counts a revision stored out of order; the work order's latest revision stays. */
export async function countOutOfOrderRevision(em: EntityManager, workOrderId: number, revision: number): Promise<void> {
  await em.update(WorkOrder, { id: workOrderId }, { revisionCount: revision, outOfOrderCount: () => `${q(em, 'outOfOrderCount')} + 1` });
}

/**
 * Inserts raw pushes of different bodies (one per identity) and their chunks; returns the raw push ids in
 * order. One INSERT per chunk keeps each packet ≤ 60 KB of data whatever the body size.
 */
export async function insertRawPushes(em: EntityManager, pushes: ReadonlyArray<{ push: ReceivedPush; encoded: EncodedBody }>): Promise<number[]> {
  const ids = await rowInsert(em.connection, RawPush).insertWithIds(em, pushes.map((p) => rawPushRow(p.push, p.encoded)), ['bodySha256']);
  for (const [i, { encoded }] of pushes.entries()) {
    for (const [seq, data] of encoded.chunks.entries()) await rowInsert(em.connection, RawPushChunk).insert(em, [{ rawPushId: ids[i], seq, data }]);
  }
  return ids;
}

/** Inserts revisions of different work orders; returns their ids in order. */
export function insertRevisions(em: EntityManager, rows: readonly Partial<JudgmentRevision>[]): Promise<number[]> {
  return rowInsert(em.connection, JudgmentRevision).insertWithIds(em, rows, ['workOrderId']);
}

/** The package numbers of one revision, or the part [from, to) of them. */
export interface PackageRows {
  revisionId: number;
  workOrderId: number;
  packageNos: readonly string[];
  from?: number;
  to?: number;
}

/**
 * Inserts package rows in multi-row INSERTs of up to PACKAGE_BATCH rows, several revisions' rows in one
 * statement. `ignoreExisting`: rows already there (same revisionId and seq) are left alone, so a package
 * index job can run again after a partial run.
 */
export async function insertPackages(em: EntityManager, sets: readonly PackageRows[], ignoreExisting = false): Promise<void> {
  const head = `INSERT INTO ${q(em, 'responsibility_package')} (${['revisionId', 'seq', 'workOrderId', 'packageNo'].map((c) => q(em, c)).join(', ')}) VALUES `;
  const tail = !ignoreExisting ? '' : isSqlite(em.connection) ? ' ON CONFLICT DO NOTHING' : ` ON DUPLICATE KEY UPDATE ${q(em, 'seq')} = ${q(em, 'seq')}`;
  let params: unknown[] = [];
  const flush = async () => {
    if (params.length === 0) return;
    await em.query(head + Array(params.length / 4).fill('(?, ?, ?, ?)').join(', ') + tail, params);
    params = [];
  };
  for (const set of sets) {
    for (let i = set.from ?? 0; i < (set.to ?? set.packageNos.length); i++) {
      params.push(set.revisionId, i, set.workOrderId, set.packageNos[i]);
      if (params.length === PACKAGE_BATCH * 4) await flush();
    }
  }
  await flush();
}

/** Package index jobs of big pushes, held by this process for PACKAGE_INDEX_LEASE_MS from `now`. */
export async function insertPackageIndexJobs(em: EntityManager, tasks: readonly PackageIndexTask[], now: Date): Promise<void> {
  if (tasks.length === 0) return;
  await em.insert(PackageIndexJob, tasks.map((task) => ({
    revisionId: task.revisionId, workOrderId: task.workOrderId, rawPushId: task.rawPushId, packageCount: task.packageNos.length,
    createdAt: now, leaseUntil: new Date(now.getTime() + PACKAGE_INDEX_LEASE_MS), attempts: 1,
  })));
}

/**
 * Takes over one package index job whose lease has run out (the process that received its push died or
 * gave up), for PACKAGE_INDEX_LEASE_MS from `now`. Null when none is due, or another process took it first.
 */
export async function takeOverPackageIndexJob(dataSource: DataSource, now: Date): Promise<PackageIndexJob | null> {
  const due = await dataSource
    .getRepository(PackageIndexJob)
    .createQueryBuilder('j')
    .where('j.leaseUntil IS NULL OR j.leaseUntil < :now', { now })
    .orderBy('j.revisionId')
    .limit(1)
    .getOne();
  if (!due) return null;
  const taken = await dataSource
    .createQueryBuilder()
    .update(PackageIndexJob)
    .set({ leaseUntil: new Date(now.getTime() + PACKAGE_INDEX_LEASE_MS), attempts: () => `${q(dataSource, 'attempts')} + 1` })
    .where('revisionId = :id AND (leaseUntil IS NULL OR leaseUntil < :now)', { id: due.revisionId, now })
    .execute();
  return taken.affected === 1 ? due : null;
}

/** A package index job is done: its rows are all written. */
export async function deletePackageIndexJob(em: EntityManager, revisionId: number): Promise<void> {
  await em.delete(PackageIndexJob, { revisionId });
}
