import { type DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { Claim, ClaimAttempt } from '../../entities';
import { rowInsert } from '../row-insert';
import { inTransaction, isSqlite } from '../transactions';

/** What a lease is: who takes it, how many claims at most, for how long, from when. */
export interface LeaseRequest {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
  /** Claims this worker must not take (it still holds their unstored result). */
  exclude?: readonly number[];
}

/** A claim leased for sending, with the id of the `started` attempt row the lease wrote for it. */
export interface LeasedClaim {
  claim: Claim;
  attemptId: number;
}

/** MySQL/MariaDB lock the rows a lease reads and skip those another worker holds; SQLite has one writer (one worker). */
function skippingLocked<T extends object>(dataSource: DataSource, qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return isSqlite(dataSource) ? qb : qb.setLock('pessimistic_write').setOnLocked('skip_locked');
}

/**
 * Takes up to `limit` due claims for one worker: `pending`, due, and not leased (or leased by a worker
 * whose lease ran out: it died mid-send). MySQL/MariaDB lock the rows with `FOR UPDATE SKIP LOCKED`, so
 * any number of workers each take different claims; SQLite has one writer, so one worker process.
 * A claim taken over from a dead worker is marked `mayExistOnPlatform`: it may have been sent. Each
 * leased claim gets its `started` attempt row in the same transaction; its id keys the attempt's result.
 */
export async function leaseDueClaims(dataSource: DataSource, opts: LeaseRequest): Promise<LeasedClaim[]> {
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
    if (opts.exclude?.length) qb.andWhere('c.id NOT IN (:...exclude)', { exclude: opts.exclude });
    const due = await skippingLocked(dataSource, qb).getMany();
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
    // worker that dies mid-send leaves this trace (one multi-row INSERT for the whole batch). The ids are
    // read back by claim: the claims are locked, so no other attempt row of theirs is written meanwhile.
    const attemptIds = await rowInsert(em.connection, ClaimAttempt).insertWithIds(em, claims.map((c) => ({
      claimId: c.id, attemptNo: c.attempts + 1, workerId: opts.workerId, startedAt: opts.now, finishedAt: null, latencyMs: null,
      outcome: 'started', httpStatus: null, errorCode: null, errorMessage: null, request: null, response: null,
    })), ['claimId']);
    return claims.map((claim, i) => ({ claim, attemptId: attemptIds[i] }));
  });
}

/**
 * Takes up to `limit` claims whose status poll is due, for one worker, as leaseDueClaims takes due claims.
 * Only claims the platform holds (submitted, accepted) are polled; the lease columns are free then.
 */
export async function leaseDuePolls(dataSource: DataSource, opts: LeaseRequest): Promise<Claim[]> {
  return inTransaction(dataSource, async (em) => {
    const qb = em
      .createQueryBuilder(Claim, 'c')
      .select(['c.id'])
      .where('c.nextPollAt <= :now', { now: opts.now })
      .andWhere('c.status IN (:...statuses)', { statuses: ['submitted', 'accepted'] })
      .andWhere('(c.leaseUntil IS NULL OR c.leaseUntil < :now)', { now: opts.now })
      .orderBy('c.nextPollAt', 'ASC')
      .limit(opts.limit);
    const ids = (await skippingLocked(dataSource, qb).getMany()).map((c) => c.id);
    if (ids.length === 0) return [];
    await em.update(Claim, { id: In(ids) }, { leaseOwner: opts.workerId, leaseUntil: new Date(opts.now.getTime() + opts.leaseMs) });
    return em.find(Claim, { where: { id: In(ids) } });
  });
}
