import type { DataSource } from 'typeorm';
import { recordAudit, AuditActor } from '../api/audit';
import { recordClaimEvent } from '../claims/claim-events';
import { CLAIM_REASONS } from '../claims/claim-reasons';
import { lastErrorColumns } from '../storage/claims/claim-repository';
import { Claim } from '../entities';
import type { RouteConfig } from '../config/schema';
import { inTransaction } from '../storage/transactions';
import { CliIo, printTable, progress } from './output';
import { type Clock, systemClock } from '../clock';
import { UsageError } from './usage';

export interface DeadFilter {
  platform?: string;
  route?: string;
  /** The platform's code at the start of `lastError` ("17: 订单不存在" has code 17). */
  errorCode?: string;
  /** On the claim's last change (`updatedAt`), ISO dates. */
  from?: Date;
  to?: Date;
}

/**
 * `--route` must name a route of the config or of a stored claim (one since removed from the config still
 * has its claims): a misspelt name is an error naming the known ones, not an empty match.
 */
export async function assertKnownRoute(dataSource: DataSource, routes: readonly RouteConfig[], route: string): Promise<void> {
  const stored = await dataSource.getRepository(Claim).createQueryBuilder('c').select('DISTINCT c.route', 'route').getRawMany<{ route: string }>();
  const known = [...new Set([...routes.map((r) => r.name), ...stored.map((r) => r.route)])].sort();
  if (!known.includes(route)) throw new UsageError(`unknown route "${route}": known routes are ${known.join(', ') || '(none)'}`);
}

export async function findDeadClaims(dataSource: DataSource, f: DeadFilter): Promise<Claim[]> {
  const qb = dataSource.getRepository(Claim).createQueryBuilder('c').where('c.status = :dead', { dead: 'dead' }).orderBy('c.id', 'ASC');
  if (f.platform) qb.andWhere('c.platform = :platform', { platform: f.platform });
  if (f.route) qb.andWhere('c.route = :route', { route: f.route });
  if (f.errorCode) qb.andWhere('c.lastError LIKE :code', { code: `${f.errorCode.replace(/[%_\\]/g, '\\$&')}:%` });
  if (f.from) qb.andWhere('c.updatedAt >= :from', { from: f.from });
  if (f.to) qb.andWhere('c.updatedAt < :to', { to: f.to });
  return qb.getMany();
}

/**
 * Retries every dead claim matching the filter: pending again and due now, history kept (attempts and
 * events stay), one claim event and one audit entry each. `dryRun` lists them and changes nothing.
 */
export async function retryDead(dataSource: DataSource, io: CliIo, f: DeadFilter, opts: { dryRun: boolean; actor: AuditActor; now?: Clock }): Promise<number> {
  const claims = await findDeadClaims(dataSource, f);
  const now = opts.now ?? systemClock;
  let retried = 0;
  if (!opts.dryRun) {
    const bar = progress(io, claims.length, 'retrying');
    for (const claim of claims) {
      const at = now();
      const done = await inTransaction(dataSource, async (em) => {
        const moved = await em.update(Claim, { id: claim.id, status: 'dead' }, { status: 'pending', nextAttemptAt: at, ...lastErrorColumns(null), updatedAt: at });
        if (!moved.affected) return false;
        await recordClaimEvent(em, { claimId: claim.id, from: 'dead', to: 'pending', source: 'operator', at, reason: CLAIM_REASONS.cliRetried(opts.actor.name) });
        await recordAudit(em, { actor: opts.actor, action: 'claim.retry', target: { type: 'claim', id: claim.id }, before: { status: 'dead', lastError: claim.lastError }, after: { status: 'pending' }, at });
        return true;
      });
      if (done) retried++;
      bar.tick();
    }
    bar.stop();
  }
  printTable(io, ['claim', 'work order', 'platform', 'route', 'attempts', 'last error', opts.dryRun ? 'would retry' : 'retried'],
    claims.map((c) => [c.id, c.workOrderId, c.platform, c.route, c.attempts, c.lastError, opts.dryRun ? 'yes' : 'yes']));
  io.out.write(`${opts.dryRun ? 'dry run: would retry' : 'retried'} ${opts.dryRun ? claims.length : retried} dead claim(s)\n`);
  return opts.dryRun ? claims.length : retried;
}
