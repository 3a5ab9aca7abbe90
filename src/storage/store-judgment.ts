import type { DataSource, EntityManager } from 'typeorm';
import { syncClaims } from '../claims/sync-claims';
import type { RouteConfig } from '../config/schema';
import type { Judgment } from '../domain/routes';
import { JudgmentRevision, WorkOrder } from '../entities';
import { fastInsert } from './fast-insert';
import { newWorkOrderRow, revisionRow } from './judgment-rows';
import { DEFER_PACKAGES_OVER, enqueuePackageIndex, insertPackages, PackageIndexTask } from './package-index';
import { groupCommitFor } from './group-commit';
import { ONE_TRIP_MAX_PACKAGES } from './mysql-one-trip';
import { EncodedBody, encodeBody, insertRawPush, ReceivedPush } from './raw-push-store';
import { isUniqueViolation } from './database-errors';
import { isSqlite, inTransaction } from './transactions';
import { sqlName } from './sql-name';

/** Revision columns as the handler maps them from the pushed judgment. */
export type RevisionColumns = Omit<JudgmentRevision, 'id' | 'workOrderId' | 'revision' | 'rawPushId' | 'receivedAt' | 'contentHash' | 'packageCount'>;

export interface JudgmentToStore {
  push: ReceivedPush;
  /** sha256 of the identity; unique per work order (see WorkOrder.identityKey). */
  identityKey: string;
  tenantId: string | null;
  externalOrderId: string | null;
  /** sha256 of the judgment's canonical JSON. */
  contentHash: string;
  columns: RevisionColumns;
  /** Non-empty package numbers, in pushed order. */
  packageNos: string[];
  /** The judgment as parsed JSON, for the routes. */
  judgment: Judgment;
  routes: readonly RouteConfig[];
}

export interface StoredJudgment {
  workOrderId: number;
  revision: number;
  /** 'created': a new work order; 'revised': a new revision; 'duplicate': equal to the latest, nothing written. */
  outcome: 'created' | 'revised' | 'duplicate';
  /** A big push's package rows, to be written after the answer (src/storage/package-index.ts); its job row is committed. */
  deferredPackages?: PackageIndexTask;
}

/** MySQL pushes up to this size try the one-trip path (their body fits a BLOB even uncompressed). */
const ONE_TRIP_MAX_BODY = 60_000;

export interface KnownWorkOrder {
  id: number;
  latestRevision: number;
  latestContentHash: string;
}

const q = sqlName;

function selectWorkOrderSql(db: EntityManager | DataSource, lock: boolean): string {
  return `SELECT ${q(db, 'id')} AS id, ${q(db, 'latestRevision')} AS latestRevision, ${q(db, 'latestContentHash')} AS latestContentHash ` +
    `FROM ${q(db, 'work_order')} WHERE ${q(db, 'identityKey')} = ?${lock ? ' FOR UPDATE' : ''}`;
}

function asKnown(rows: Array<Record<string, unknown>>): KnownWorkOrder | null {
  const row = rows[0];
  return row ? { id: Number(row.id), latestRevision: Number(row.latestRevision), latestContentHash: String(row.latestContentHash) } : null;
}

/**
 * The work order of an identity and its latest revision, as committed. Read in a transaction: SQLite's
 * writes are queued there, and on its one connection a bare read could see another push's uncommitted write.
 */
export async function committedWorkOrder(dataSource: DataSource, identityKey: string): Promise<KnownWorkOrder | null> {
  return asKnown(await inTransaction(dataSource, (em) => em.query(selectWorkOrderSql(em, false), [identityKey])));
}

/**
 * Stores a verified, validated judgment once: work order, revision, packages and raw push in one
 * transaction with the claims it calls for (the outbox), or nothing when it equals the latest revision.
 * The statements are few and hand-written: this is the hot path of every push (see BENCHMARKS.md).
 */
export async function storeJudgment(dataSource: DataSource, input: JudgmentToStore): Promise<StoredJudgment> {
  if (!isSqlite(dataSource) && input.push.body.length <= ONE_TRIP_MAX_BODY && input.packageNos.length <= ONE_TRIP_MAX_PACKAGES) {
    const encoded = await encodeBody(input.push.body);
    if (encoded.inline) {
      const committer = groupCommitFor(dataSource);
      // null: the push lost a race to a parallel first push of its identity (the unique key) or a deadlock.
      // The winner of a unique-key race has committed, so a plain look-up answers the usual case, a parallel
      // push of the same judgment, without the locking path, whose duplicate insert and locked read two
      // losers of one identity can deadlock on (test/scale/many-instances.test.ts counts the retries).
      const trip = (await committer.store({ input, encoded })) ?? (await committer.store({ identityKey: input.identityKey }));
      if (trip?.kind === 'created') return { workOrderId: trip.workOrderId, revision: 1, outcome: 'created' };
      if (trip?.kind === 'exists' && trip.latestContentHash === input.contentHash) {
        return { workOrderId: trip.workOrderId, revision: trip.latestRevision, outcome: 'duplicate' };
      }
      // A changed push of a known identity, or a race whose winner has not committed yet: the locking path.
      return inTransaction(dataSource, (em) => storeInTransaction(em, input, encoded));
    }
  }
  // Fast path: a re-push of the latest revision reads one row and writes nothing.
  const known = await committedWorkOrder(dataSource, input.identityKey);
  if (known && known.latestContentHash === input.contentHash) {
    return { workOrderId: known.id, revision: known.latestRevision, outcome: 'duplicate' };
  }
  const encoded = await encodeBody(input.push.body);
  return inTransaction(dataSource, (em) => storeInTransaction(em, input, encoded));
}

async function storeInTransaction(em: EntityManager, input: JudgmentToStore, encoded: EncodedBody): Promise<StoredJudgment> {
  const now = input.push.receivedAt;
  const created = await insertNewWorkOrder(em, input, now);
  let workOrderId: number;
  let revision = 1;
  if (created === null) {
    // The identity exists: lock its row, so concurrent revisions of one work order queue up here.
    const locked = asKnown(await em.query(selectWorkOrderSql(em, !isSqlite(em.connection)), [input.identityKey]));
    if (!locked) throw new Error('work order vanished between its unique-key conflict and the read');
    if (locked.latestContentHash === input.contentHash) return { workOrderId: locked.id, revision: locked.latestRevision, outcome: 'duplicate' };
    workOrderId = locked.id;
    revision = locked.latestRevision + 1;
  } else {
    workOrderId = created;
  }
  const rawPushId = await insertRawPush(em, input.push, encoded);
  const revisionId = await fastInsert(em.connection, JudgmentRevision).insert(em, { ...revisionRow(input, revision), workOrderId, rawPushId });
  let deferredPackages: PackageIndexTask | undefined;
  if (input.packageNos.length > DEFER_PACKAGES_OVER) {
    deferredPackages = { revisionId, workOrderId, rawPushId, packageNos: input.packageNos };
    await enqueuePackageIndex(em, deferredPackages, now);
  } else {
    await insertPackages(em, revisionId, workOrderId, input.packageNos);
  }
  if (created === null) {
    await em.query(
      `UPDATE ${q(em, 'work_order')} SET ${['latestRevision', 'latestContentHash', 'responsibilityParty', 'updatedAt'].map((c) => `${q(em, c)} = ?`).join(', ')} WHERE ${q(em, 'id')} = ?`,
      [revision, input.contentHash, input.columns.responsibilityParty, em.connection.driver.preparePersistentValue(now, workOrderColumn(em, 'updatedAt')), workOrderId],
    );
  }
  await syncClaims(em, input.routes, { workOrderId, revision, currency: input.columns.currency, judgment: input.judgment, at: now });
  return { workOrderId, revision, outcome: revision === 1 ? 'created' : 'revised', deferredPackages };
}

/**
 * Inserts the work order of a new identity, already at revision 1; null when the identity exists. The
 * unique identity index makes two parallel first pushes meet here: the second waits for the first to
 * commit, gets the unique-key error and takes the locked-read path, so one identity never gets two work orders.
 */
async function insertNewWorkOrder(em: EntityManager, input: JudgmentToStore, now: Date): Promise<number | null> {
  try {
    return await fastInsert(em.connection, WorkOrder).insert(em, newWorkOrderRow(input));
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

function workOrderColumn(em: EntityManager, property: string) {
  return em.connection.getMetadata(WorkOrder).findColumnWithPropertyName(property)!;
}
