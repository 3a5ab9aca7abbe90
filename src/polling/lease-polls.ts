import { DataSource, In } from 'typeorm';
import { Claim } from '../entities';
import { inTransaction, isSqlite } from '../storage/transactions';

/**
 * Takes up to `limit` claims whose status poll is due, for one worker, like dispatch takes due claims:
 * `FOR UPDATE SKIP LOCKED` on MySQL/MariaDB so workers share the work, one worker on SQLite. Only claims
 * the platform holds (submitted, accepted) are polled; the lease columns are free then.
 */
export async function leaseDuePolls(dataSource: DataSource, opts: { workerId: string; limit: number; leaseMs: number; now: Date }): Promise<Claim[]> {
  return inTransaction(dataSource, async (em) => {
    const qb = em
      .createQueryBuilder(Claim, 'c')
      .select(['c.id'])
      .where('c.nextPollAt <= :now', { now: opts.now })
      .andWhere('c.status IN (:...statuses)', { statuses: ['submitted', 'accepted'] })
      .andWhere('(c.leaseUntil IS NULL OR c.leaseUntil < :now)', { now: opts.now })
      .orderBy('c.nextPollAt', 'ASC')
      .limit(opts.limit);
    if (!isSqlite(dataSource)) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    const ids = (await qb.getMany()).map((c) => c.id);
    if (ids.length === 0) return [];
    await em.update(Claim, { id: In(ids) }, { leaseOwner: opts.workerId, leaseUntil: new Date(opts.now.getTime() + opts.leaseMs) });
    return em.find(Claim, { where: { id: In(ids) } });
  });
}
