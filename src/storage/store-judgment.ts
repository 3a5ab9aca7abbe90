import { DataSource, EntityManager } from 'typeorm';
import { syncClaims } from '../claims/sync-claims';
import type { RouteConfig } from '../config/schema';
import type { Judgment } from '../domain/routes';
import { JudgmentRevision, WorkOrder } from '../entities';
import { compressBody, insertRawPush, ReceivedPush } from './raw-push-store';
import { isSqlite, inTransaction } from './transactions';

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
}

/** Rows per multi-row INSERT of packages: 4 parameters a row stays under SQLite's 32,766 limit. */
const PACKAGE_BATCH = 5000;

/**
 * Stores a verified, validated judgment once: work order, revision, packages and raw push in one
 * transaction with the claims it calls for (the outbox), or nothing when it equals the latest revision.
 */
export async function storeJudgment(dataSource: DataSource, input: JudgmentToStore): Promise<StoredJudgment> {
  // Fast path: a re-push of the latest revision reads one row and writes nothing.
  const known = await dataSource.manager.findOne(WorkOrder, {
    where: { identityKey: input.identityKey },
    select: { id: true, latestRevision: true, latestContentHash: true },
  });
  if (known && known.latestContentHash === input.contentHash) {
    return { workOrderId: known.id, revision: known.latestRevision, outcome: 'duplicate' };
  }
  const chunks = await compressBody(input.push.body);
  return inTransaction(dataSource, (em) => storeInTransaction(em, input, chunks));
}

async function storeInTransaction(em: EntityManager, input: JudgmentToStore, chunks: Buffer[]): Promise<StoredJudgment> {
  const now = input.push.receivedAt;
  const workOrder = await lockOrCreateWorkOrder(em, input, now);
  if (workOrder.latestContentHash === input.contentHash) {
    return { workOrderId: workOrder.id, revision: workOrder.latestRevision, outcome: 'duplicate' };
  }
  const rawPushId = await insertRawPush(em, input.push, chunks);
  const revision = workOrder.latestRevision + 1;
  const inserted = await em.insert(JudgmentRevision, {
    ...input.columns,
    workOrderId: workOrder.id,
    revision,
    rawPushId,
    receivedAt: now,
    contentHash: input.contentHash,
    packageCount: input.packageNos.length,
  });
  await insertPackages(em, Number(inserted.identifiers[0].id), workOrder.id, input.packageNos);
  await syncClaims(em, input.routes, { workOrderId: workOrder.id, revision, currency: input.columns.currency, judgment: input.judgment, at: now });
  await em.update(WorkOrder, { id: workOrder.id }, {
    latestRevision: revision,
    latestContentHash: input.contentHash,
    responsibilityParty: input.columns.responsibilityParty,
    updatedAt: now,
  });
  return { workOrderId: workOrder.id, revision, outcome: revision === 1 ? 'created' : 'revised' };
}

/**
 * Inserts the work order if its identity is new (revision 0, no content yet), then reads it with a row
 * lock. The unique identity index makes two parallel first pushes meet here: the second waits for the
 * first to commit and then sees its row, so one identity never gets two work orders.
 */
async function lockOrCreateWorkOrder(em: EntityManager, input: JudgmentToStore, now: Date): Promise<WorkOrder> {
  const sqlite = isSqlite(em.connection);
  const q = (name: string) => em.connection.driver.escape(name);
  const columns = ['identityKey', 'tenantId', 'externalOrderId', 'receivedAt', 'latestRevision', 'latestContentHash', 'updatedAt'];
  const values = [input.identityKey, input.tenantId, input.externalOrderId, now, 0, '', now];
  const prepared = em.connection.driver.escapeQueryWithParameters(
    `INSERT INTO ${q('work_order')} (${columns.map(q).join(', ')}) VALUES (${columns.map((c) => `:${c}`).join(', ')}) ` +
      (sqlite ? `ON CONFLICT (${q('identityKey')}) DO NOTHING` : `ON DUPLICATE KEY UPDATE ${q('id')} = ${q('id')}`),
    Object.fromEntries(columns.map((c, i) => [c, em.connection.driver.preparePersistentValue(values[i], metadataColumn(em, c))])),
  );
  await em.query(prepared[0], prepared[1]);
  const qb = em.createQueryBuilder(WorkOrder, 'w').where('w.identityKey = :key', { key: input.identityKey });
  if (!sqlite) qb.setLock('pessimistic_write');
  return qb.getOneOrFail();
}

function metadataColumn(em: EntityManager, property: string) {
  return em.connection.getMetadata(WorkOrder).findColumnWithPropertyName(property)!;
}

async function insertPackages(em: EntityManager, revisionId: number, workOrderId: number, packageNos: string[]): Promise<void> {
  const q = (name: string) => em.connection.driver.escape(name);
  const head = `INSERT INTO ${q('responsibility_package')} (${['revisionId', 'seq', 'workOrderId', 'packageNo'].map(q).join(', ')}) VALUES `;
  for (let start = 0; start < packageNos.length; start += PACKAGE_BATCH) {
    const batch = packageNos.slice(start, start + PACKAGE_BATCH);
    const params: unknown[] = [];
    batch.forEach((no, i) => params.push(revisionId, start + i, workOrderId, no));
    await em.query(head + batch.map(() => '(?, ?, ?, ?)').join(', '), params);
  }
}
