import { DataSource, In } from 'typeorm';
import { Claim, ClaimAttempt } from '../entities';
import { inTransaction, isSqlite } from '../storage/transactions';

/**
 * Takes up to `limit` due claims for one worker: `pending`, due, and not leased (or leased by a worker
 * whose lease ran out: it died mid-send). MySQL/MariaDB lock the rows with `FOR UPDATE SKIP LOCKED`, so
 * any number of workers each take different claims; SQLite has one writer, so one worker process.
 * A claim taken over from a dead worker is marked `mayExistOnPlatform`: it may have been sent. Each
 * leased claim gets its `started` attempt row in the same transaction.
 */
export async function leaseDueClaims(
  dataSource: DataSource,
  opts: { workerId: string; limit: number; leaseMs: number; now: Date },
): Promise<Claim[]> {
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs);
  return inTransaction(dataSource, async (em) => {
    const qb = em
      .createQueryBuilder(Claim, 'c')
      .select(['c.id', 'c.leaseOwner'])
      .where('c.status = :pending', { pending: 'pending' })
      .andWhere('c.nextAttemptAt <= :now', { now: opts.now })
      .andWhere('(c.leaseUntil IS NULL OR c.leaseUntil < :now)', { now: opts.now })
      .orderBy('c.nextAttemptAt', 'ASC')
      .limit(opts.limit);
    if (!isSqlite(dataSource)) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    const due = await qb.getMany();
    if (due.length === 0) return [];
    const ids = due.map((c) => c.id);
    const takenOver = due.filter((c) => c.leaseOwner !== null).map((c) => c.id);
    await em.update(Claim, { id: In(ids) }, { leaseOwner: opts.workerId, leaseUntil, updatedAt: opts.now });
    if (takenOver.length) {
      await em.update(Claim, { id: In(takenOver) }, { mayExistOnPlatform: true });
      await em.update(ClaimAttempt, { claimId: In(takenOver), outcome: 'started' }, { outcome: 'abandoned', finishedAt: opts.now, errorMessage: 'worker lease expired mid-send' });
    }
    const claims = await em.find(Claim, { where: { id: In(ids) }, order: { nextAttemptAt: 'ASC' } });
    // Each claim's attempt row, `started`, committed with the lease and before any request leaves: a
    // worker that dies mid-send leaves this trace (one multi-row INSERT for the whole batch).
    await em.insert(ClaimAttempt, claims.map((c) => ({
      claimId: c.id, attemptNo: c.attempts + 1, workerId: opts.workerId, startedAt: opts.now, finishedAt: null, latencyMs: null,
      outcome: 'started', httpStatus: null, errorCode: null, errorMessage: null, request: null, response: null,
    })));
    return claims;
  });
}
