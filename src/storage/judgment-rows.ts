import type { JudgmentRevision, WorkOrder } from '../entities';
import type { JudgmentToStore } from './store-judgment';

/** The rows a push writes, built once for both write paths (the transaction and MySQL's one trip). */

/** A new identity's work order, already at revision 1. */
export function newWorkOrderRow(input: JudgmentToStore): Partial<WorkOrder> {
  const at = input.push.receivedAt;
  return {
    identityKey: input.identityKey, tenantId: input.tenantId, externalOrderId: input.externalOrderId, receivedAt: at,
    latestRevision: 1, latestContentHash: input.contentHash, responsibilityParty: input.columns.responsibilityParty, updatedAt: at,
  };
}

/** A revision's row; its work order and raw push ids are given by the caller's path. */
export function revisionRow(input: JudgmentToStore, revision: number): Partial<JudgmentRevision> {
  return {
    ...input.columns, revision, receivedAt: input.push.receivedAt, contentHash: input.contentHash, packageCount: input.packageNos.length,
  };
}
