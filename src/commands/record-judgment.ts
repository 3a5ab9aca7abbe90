import type { DataSource } from 'typeorm';
import { claimPlannerFor } from '../claims/sync-claims';
import type { RouteConfig } from '../config/schema';
import type { Judgment } from '../domain/routes';
import type { JudgmentToStore, StoredJudgment } from '../storage/judgments/judgment';
import { judgmentStoreFor } from '../storage/judgments/judgment-store';
import { encodeBody } from '../storage/raw-push-store';

/** A judgment to record: what storage keeps, and the pushed JSON the routes run over. */
export interface JudgmentToRecord extends JudgmentToStore {
  /** The judgment as parsed JSON, for the routes. */
  judgment: Judgment;
  routes: readonly RouteConfig[];
}

/** Bodies above this size are looked up before they are compressed: an unchanged big push is answered without gzip. */
const LOOK_UP_FIRST_ABOVE_BYTES = 64 * 1024;

/**
 * Records a verified, validated judgment once: its work order, revision, package numbers and raw push,
 * with the claims the routes call for (the outbox), in one transaction; nothing when it equals the
 * latest revision. Resolves only once that is committed.
 */
export async function recordJudgment(dataSource: DataSource, input: JudgmentToRecord): Promise<StoredJudgment> {
  const store = judgmentStoreFor(dataSource);
  if (input.push.body.length > LOOK_UP_FIRST_ABOVE_BYTES) {
    const known = await store.lookUp(input.identityKey);
    if (known?.latestContentHash === input.contentHash) return { workOrderId: known.id, revision: known.latestRevision, outcome: 'duplicate' };
  }
  const planClaims = claimPlannerFor(input.routes, { currency: input.columns.currency, judgment: input.judgment, at: input.push.receivedAt });
  return store.store({ input, encoded: await encodeBody(input.push.body), planClaims });
}
