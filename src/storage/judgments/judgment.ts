import type { JudgmentRevision, WorkOrder } from '../../entities';
import type { ReceivedPush } from '../raw-push-store';

/** Revision columns as the handler maps them from the pushed judgment (src/handlers/danniao-judge.columns.ts). */
export type RevisionColumns = Omit<JudgmentRevision, 'id' | 'workOrderId' | 'revision' | 'rawPushId' | 'receivedAt' | 'pushedAt' | 'outOfOrder' | 'contentHash' | 'packageCount'>;

/** A verified, validated judgment, ready to store. */
export interface JudgmentToStore {
  push: ReceivedPush;
  /** The push's Qimen `timestamp` (UTC), which orders the revisions of a work order (src/domain/revision-order.ts). */
  pushedAt: Date;
  /** sha256 of the identity; unique per work order (see WorkOrder.identityKey). */
  identityKey: string;
  tenantId: string | null;
  externalOrderId: string | null;
  /** sha256 of the judgment's canonical JSON. */
  contentHash: string;
  columns: RevisionColumns;
  /** Non-empty package numbers, in pushed order. */
  packageNos: string[];
}

/** Pushes with more non-empty package numbers than this are answered before their package rows exist (src/storage/package-index.ts). */
export const DEFER_PACKAGES_OVER = 10_000;

/** A big push's package rows, written after the answer (src/storage/package-index.ts); its job row is committed. */
export interface PackageIndexTask {
  revisionId: number;
  workOrderId: number;
  rawPushId: number;
  packageNos: string[];
}

export type RecordOutcome = 'created' | 'revised' | 'out-of-order' | 'duplicate' | 'replay';

/** Whether the outcome wrote a revision. */
export const wroteRevision = (outcome: RecordOutcome): boolean => outcome === 'created' || outcome === 'revised' || outcome === 'out-of-order';

export interface StoredJudgment {
  workOrderId: number;
  revision: number;
  /**
   * 'created': a new work order; 'revised': a new latest revision; 'out-of-order': a revision pushed earlier
   * than the latest, kept without changing the judgment or its claims; 'duplicate': equal to the latest,
   * nothing written; 'replay': equal to an earlier revision and pushed no later than the latest, nothing written.
   */
  outcome: RecordOutcome;
  deferredPackages?: PackageIndexTask;
}

/** An identity's work order and its latest revision. */
export interface KnownWorkOrder {
  id: number;
  latestRevision: number;
  latestContentHash: string;
  latestPushedAt: Date;
  /** The highest revision number, out-of-order revisions included. */
  revisionCount: number;
}

/** A new identity's work order, already at revision 1. */
export function newWorkOrderRow(input: JudgmentToStore): Partial<WorkOrder> {
  const at = input.push.receivedAt;
  return {
    identityKey: input.identityKey, tenantId: input.tenantId, externalOrderId: input.externalOrderId, receivedAt: at,
    latestRevision: 1, latestContentHash: input.contentHash, latestPushedAt: input.pushedAt, revisionCount: 1, outOfOrderCount: 0, responsibilityParty: input.columns.responsibilityParty, updatedAt: at,
  };
}

/** A revision's row. */
export function revisionRow(
  input: JudgmentToStore,
  ids: { workOrderId: number; revision: number; rawPushId: number; outOfOrder: boolean },
): Partial<JudgmentRevision> {
  // Object.assign, not a spread of the ~50 columns beside other properties, which V8 builds one property at a time.
  return Object.assign({}, input.columns, ids, {
    receivedAt: input.push.receivedAt, pushedAt: input.pushedAt, contentHash: input.contentHash, packageCount: input.packageNos.length,
  });
}
