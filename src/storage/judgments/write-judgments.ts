import type { EntityManager } from 'typeorm';
import type { ClaimPlanner } from '../claims/claim-changes';
import { mayBeReplay, placePush } from '../../domain/revision-order';
import { applyClaimChanges, claimsOfWorkOrders } from '../claims/claim-repository';
import type { EncodedBody } from '../raw-push-store';
import { DEFER_PACKAGES_OVER, type JudgmentToStore, type KnownWorkOrder, type PackageIndexTask, revisionRow, type StoredJudgment } from './judgment';
import {
  countOutOfOrderRevision, insertPackageIndexJobs, insertPackages, insertRawPushes, insertRevisions, insertWorkOrders, readWorkOrders,
  storedRevisionHashes, updateLatestRevision,
} from './judgment-repository';

/** A judgment to store, its body encoded, and the claim rules it is stored with (none without routes). */
export interface JudgmentWrite {
  input: JudgmentToStore;
  encoded: EncodedBody;
  planClaims?: ClaimPlanner;
}

interface Planned {
  index: number;
  write: JudgmentWrite;
  /** 0 until a new identity's work order is inserted. */
  workOrderId: number;
  revision: number;
  /** Pushed earlier than the work order's latest revision: stored, but the judgment and its claims stay. */
  outOfOrder: boolean;
}

const latestOf = (known: KnownWorkOrder) => ({ pushedAt: known.latestPushedAt, contentHash: known.latestContentHash });

/**
 * Stores judgments of different identities in the caller's transaction, each once: a judgment equal to
 * its identity's latest revision writes nothing ('duplicate'), nor does one equal to an earlier revision
 * and pushed no later than the latest ('replay'); any other is a new revision, of a new work order or of
 * the existing one: its latest ('revised'), or, pushed earlier than the latest, a revision that changes
 * neither the judgment nor its claims ('out-of-order'; src/domain/revision-order.ts). Statement by
 * statement, each one multi-row for all the judgments:
 *
 * 1. read the identities' work orders (no lock: an unchanged judgment is answered from this read, and a
 *    push that lost a race to a parallel first push of the same judgment finds the winner here), then lock
 *    the work orders of changed judgments, so revisions of one work order queue up, and read which of
 *    those pushed no later than their latest revision an earlier revision holds;
 * 2. insert the new identities' work orders (a parallel first push of one of them makes this fail on the
 *    unique identity index: the caller stores each judgment again on its own);
 * 3. insert the raw pushes, then the revisions, then the package rows (or, for a big push, its package
 *    index job), point revised work orders at their new revision;
 * 4. read the claims of revised work orders, and write what the claim rules call for with their events.
 */
export async function writeJudgments(em: EntityManager, writes: readonly JudgmentWrite[]): Promise<StoredJudgment[]> {
  const identities = writes.map((w) => w.input.identityKey);
  if (new Set(identities).size !== identities.length) throw new Error('writeJudgments: two judgments of one identity in one transaction');
  const seen = await readWorkOrders(em, identities, false);
  const changed = writes.filter((w) => seen.has(w.input.identityKey) && seen.get(w.input.identityKey)!.latestContentHash !== w.input.contentHash);
  const locked = await readWorkOrders(em, changed.map((w) => w.input.identityKey), true);
  const knownOf = (write: JudgmentWrite) => locked.get(write.input.identityKey) ?? seen.get(write.input.identityKey);
  const stored = await storedRevisionHashes(em, writes.flatMap((write) => {
    const known = knownOf(write);
    return known && mayBeReplay(write.input, latestOf(known)) ? [{ workOrderId: known.id, contentHash: write.input.contentHash }] : [];
  }));

  const results: StoredJudgment[] = new Array(writes.length);
  const planned: Planned[] = [];
  writes.forEach((write, index) => {
    const known = knownOf(write);
    if (!known) {
      planned.push({ index, write, workOrderId: 0, revision: 1, outOfOrder: false });
      return;
    }
    const placement = placePush(write.input, latestOf(known), stored.has(`${known.id}:${write.input.contentHash}`));
    if (placement === 'duplicate' || placement === 'replay') {
      results[index] = { workOrderId: known.id, revision: known.latestRevision, outcome: placement };
    } else {
      planned.push({ index, write, workOrderId: known.id, revision: known.revisionCount + 1, outOfOrder: placement === 'out-of-order' });
    }
  });
  if (planned.length === 0) return results;

  const created = planned.filter((p) => p.workOrderId === 0);
  const workOrderIds = await insertWorkOrders(em, created.map((p) => p.write.input));
  created.forEach((p, i) => (p.workOrderId = workOrderIds[i]));

  const rawPushIds = await insertRawPushes(em, planned.map((p) => ({ push: p.write.input.push, encoded: p.write.encoded })));
  const revisionIds = await insertRevisions(em, planned.map((p, i) => revisionRow(p.write.input, { workOrderId: p.workOrderId, revision: p.revision, rawPushId: rawPushIds[i], outOfOrder: p.outOfOrder })));
  const tasks: PackageIndexTask[] = planned.map((p, i) => ({ revisionId: revisionIds[i], workOrderId: p.workOrderId, rawPushId: rawPushIds[i], packageNos: p.write.input.packageNos }));
  const deferred = (i: number) => tasks[i].packageNos.length > DEFER_PACKAGES_OVER;
  await insertPackages(em, tasks.filter((_t, i) => !deferred(i)));
  for (const [i, p] of planned.entries()) if (deferred(i)) await insertPackageIndexJobs(em, [tasks[i]], p.write.input.push.receivedAt);
  for (const p of planned) {
    if (p.outOfOrder) await countOutOfOrderRevision(em, p.workOrderId, p.revision);
    else if (p.revision > 1) await updateLatestRevision(em, p.workOrderId, p.write.input, p.revision);
  }

  // A revision out of order changes no claim: the claims stand for the latest revision.
  const withClaims = planned.filter((p) => p.write.planClaims && !p.outOfOrder);
  const claims = await claimsOfWorkOrders(em, withClaims.filter((p) => p.revision > 1).map((p) => p.workOrderId));
  const changes = withClaims.flatMap((p) => p.write.planClaims!(claims.get(p.workOrderId) ?? [], { workOrderId: p.workOrderId, revision: p.revision }));
  await applyClaimChanges(em, changes, 'push');

  planned.forEach((p, i) => {
    results[p.index] = {
      workOrderId: p.workOrderId, revision: p.revision, outcome: p.outOfOrder ? 'out-of-order' : p.revision === 1 ? 'created' : 'revised',
      ...(deferred(i) ? { deferredPackages: tasks[i] } : {}),
    };
  });
  return results;
}
