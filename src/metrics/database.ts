import { DataSource, LessThanOrEqual } from 'typeorm';
import { Claim, CLAIM_STATUSES } from '../entities/claim.entity';
import { isSqlite } from '../storage/transactions';
import { metrics } from './registry';

/** The claims-by-status GROUP BY runs at most once per this many ms per database (scrapes in between reuse it). */
export const CLAIM_COUNTS_TTL_MS = 5000;

interface ClaimCounts {
  at: number;
  rows: Promise<Array<{ platform: string; status: string; n: number }>>;
}

const claimCounts = new WeakMap<DataSource, ClaimCounts>();

function countClaims(dataSource: DataSource): ClaimCounts['rows'] {
  const cached = claimCounts.get(dataSource);
  const now = Date.now();
  if (cached && now - cached.at < CLAIM_COUNTS_TTL_MS) return cached.rows;
  const rows = dataSource
    .createQueryBuilder(Claim, 'c')
    .select('c.platform', 'platform')
    .addSelect('c.status', 'status')
    .addSelect('COUNT(*)', 'n')
    .groupBy('c.platform')
    .addGroupBy('c.status')
    .getRawMany<{ platform: string; status: string; n: number | string }>()
    .then((raw) => raw.map((r) => ({ platform: String(r.platform), status: String(r.status), n: Number(r.n) })));
  const entry = { at: now, rows };
  claimCounts.set(dataSource, entry);
  // A failed query is not cached: the next scrape tries again.
  rows.catch(() => claimCounts.get(dataSource) === entry && claimCounts.delete(dataSource));
  return rows;
}

/** Age in seconds of the oldest pending claim that is due (IDX_claim_due), 0 when none is. */
async function outboxLagSeconds(dataSource: DataSource): Promise<number> {
  const now = new Date();
  const oldest = await dataSource.getRepository(Claim).findOne({
    select: { id: true, nextAttemptAt: true },
    where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
    order: { nextAttemptAt: 'ASC' },
  });
  return oldest?.nextAttemptAt ? Math.max(0, (now.getTime() - oldest.nextAttemptAt.getTime()) / 1000) : 0;
}

interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

/** TypeORM's mysql2 pool, read without a query; SQLite has its one connection. */
function poolUsage(dataSource: DataSource): { open: number; free: number; waiting: number; limit: number } {
  if (isSqlite(dataSource)) return { open: 1, free: 0, waiting: 0, limit: 1 };
  const pool = (dataSource.driver as unknown as { pool?: Mysql2Pool }).pool;
  return {
    open: pool?._allConnections?.length ?? 0,
    free: pool?._freeConnections?.length ?? 0,
    waiting: pool?._connectionQueue?.length ?? 0,
    limit: pool?.config?.connectionLimit ?? 0,
  };
}

/**
 * Sets the gauges read from the database, on scrape: claims by platform and status, outbox lag, pool
 * usage. A database that does not answer leaves the previous values (the scrape still succeeds).
 */
export async function refreshDatabaseGauges(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) return;
  const pool = poolUsage(dataSource);
  metrics.poolOpen.set(pool.open);
  metrics.poolFree.set(pool.free);
  metrics.poolWaiting.set(pool.waiting);
  metrics.poolLimit.set(pool.limit);
  const [counts, lag] = await Promise.allSettled([countClaims(dataSource), outboxLagSeconds(dataSource)]);
  if (counts.status === 'fulfilled') {
    metrics.claims.reset();
    // Every status of a platform that has claims is present, 0 included, so a series does not vanish.
    for (const platform of new Set(counts.value.map((r) => r.platform))) {
      for (const status of CLAIM_STATUSES) metrics.claims.labels(platform, status).set(0);
    }
    for (const r of counts.value) metrics.claims.labels(r.platform, r.status).set(r.n);
  }
  if (lag.status === 'fulfilled') metrics.outboxLag.set(lag.value);
}
