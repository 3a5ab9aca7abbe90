import { LRUCache } from 'lru-cache';

/** A view's answer and when its figures were read. */
export interface CachedView<T> {
  asOf: Date;
  value: T;
}

/** Filters cached at once per view; a filter past them pushes out the least recently used. */
const MAX_FILTERS = 64;

/**
 * The answers of the finance API's aggregate views (the reconciliation view, the summary), per view and
 * filter, for `ttlMs`. Each sums every claim (or judgment) the filter matches, a scan no index makes short
 * on a large database; reviewers who open the page together, or reload it, share one read:
 * - requests for the same view and filter while it is being read wait for that read (one query at a time);
 * - an answer older than `ttlMs` is still answered at once while a fresh read runs behind it, so no
 *   reviewer waits on a scan once the view was read; the answer says when its figures were read (`asOf`);
 * - `clear()` after a change made through the finance API (a stored statement, an operator's action), so
 *   its author sees it on the next request. Other changes (pushes, sends, callbacks) show within `ttlMs`.
 * `ttlMs` 0: every request reads the database.
 */
export class ViewCache {
  private readonly cache: LRUCache<string, CachedView<unknown>, () => Promise<CachedView<unknown>>> | null;

  constructor(ttlMs: number) {
    this.cache = ttlMs <= 0 ? null : new LRUCache<string, CachedView<unknown>, () => Promise<CachedView<unknown>>>({
      max: MAX_FILTERS,
      ttl: ttlMs,
      allowStale: true,
      // A failed fresh read leaves the entry as it was for the next request (which reads again), rather than dropping it.
      allowStaleOnFetchRejection: true,
      noDeleteOnFetchRejection: true,
      fetchMethod: (_key, _stale, { context }) => context(),
    });
  }

  /** The view `key` (its name and normalized filter) as last read, reading it with `read` when it is not cached or too old. */
  async get<T>(key: string, now: () => Date, read: () => Promise<T>): Promise<CachedView<T>> {
    const fresh = async (): Promise<CachedView<T>> => {
      const asOf = now();
      return { asOf, value: await read() };
    };
    if (!this.cache) return fresh();
    const answer = await this.cache.fetch(key, { context: fresh as () => Promise<CachedView<unknown>> });
    if (answer === undefined) return fresh();
    return answer as CachedView<T>;
  }

  clear(): void {
    this.cache?.clear();
  }
}
