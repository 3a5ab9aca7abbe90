import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { groupCommitFor } from './group-commit';
import { committedWorkOrder } from './store-judgment';
import { isSqlite } from './transactions';

/**
 * Duplicate pushes answered before DTO validation and without building a write (issue 6: duplicates).
 *
 * The process remembers, for its most recent identities, the content hash it last saw stored as the
 * latest revision. A push of a remembered identity with that same hash is content that was validated and
 * stored before, so validation cannot fail it; but another instance may have stored a newer revision
 * since, so the database has the last word: one look-up of the work order (grouped with the pushes in
 * flight on MySQL/MariaDB) confirms the hash is still the latest, and the push is answered as a duplicate
 * (docs/http-contract.md: same workOrderId, nothing stored). Anything else — a forgotten identity, a changed
 * judgment, a newer revision elsewhere — takes the full path: validation, then storeJudgment.
 */
export const REMEMBERED_IDENTITIES = 50_000;

export interface KnownDuplicate {
  workOrderId: number;
  revision: number;
}

/** What the process knows of an identity's latest revision. */
interface Remembered {
  contentHash: string;
  /** sha256 of the body bytes it came in: the same bytes again have the same content hash without hashing it. */
  bodySha256: string;
}

export class KnownJudgments {
  private readonly latest = new LRUCache<string, Remembered>({ max: REMEMBERED_IDENTITIES });
  /** The identity of remembered body bytes (by sha256): a byte-identical re-push needs no parsing to find it. */
  private readonly identityOfBody = new LRUCache<string, string>({ max: REMEMBERED_IDENTITIES });

  constructor(private readonly dataSource: DataSource) {}

  /** After a store: `contentHash` (pushed as the body of sha256 `bodySha256`) is the identity's latest revision as far as this process knows. */
  remember(identityKey: string, contentHash: string, bodySha256: string): void {
    this.latest.set(identityKey, { contentHash, bodySha256 });
    this.identityOfBody.set(bodySha256, identityKey);
  }

  /** The identity of body bytes this process stored (or confirmed as the latest) before; undefined otherwise. */
  identityOf(bodySha256: string): string | undefined {
    return this.identityOfBody.get(bodySha256);
  }

  /**
   * The content hash of a push of a remembered identity: known without hashing when its body bytes are
   * those remembered, else `hash()`; null when the identity is not remembered (no known duplicate).
   */
  contentHashOf(identityKey: string, bodySha256: string, hash: () => string | null): string | null {
    const remembered = this.latest.get(identityKey);
    if (!remembered) return null;
    return remembered.bodySha256 === bodySha256 ? remembered.contentHash : hash();
  }

  /** The work order when this is a remembered judgment and the database confirms it is still the latest; else null. */
  async duplicateOf(identityKey: string, contentHash: string): Promise<KnownDuplicate | null> {
    if (this.latest.get(identityKey)?.contentHash !== contentHash) return null;
    const found = await this.lookUp(identityKey);
    if (found && found.latestContentHash === contentHash) return { workOrderId: found.workOrderId, revision: found.latestRevision };
    this.latest.delete(identityKey);
    return null;
  }

  private async lookUp(identityKey: string): Promise<{ workOrderId: number; latestRevision: number; latestContentHash: string } | null> {
    if (!isSqlite(this.dataSource)) {
      const found = await groupCommitFor(this.dataSource).store({ identityKey });
      return found?.kind === 'exists' ? found : null;
    }
    const row = await committedWorkOrder(this.dataSource, identityKey);
    return row ? { workOrderId: row.id, latestRevision: row.latestRevision, latestContentHash: row.latestContentHash } : null;
  }
}

const known = new WeakMap<DataSource, KnownJudgments>();

/** The data source's remembered judgments (one per database: every path that stores remembers here). */
export function knownJudgmentsFor(dataSource: DataSource): KnownJudgments {
  let judgments = known.get(dataSource);
  if (!judgments) known.set(dataSource, (judgments = new KnownJudgments(dataSource)));
  return judgments;
}
