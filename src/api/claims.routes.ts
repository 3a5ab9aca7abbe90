import Router from '@koa/router';
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import { recordClaimEvent } from '../claims/claim-events';
import { Claim, CLAIM_STATUSES, ClaimStatus } from '../entities';
import { inTransaction } from '../storage/transactions';
import { badRequest, conflict, notFound } from './api-error';
import { type Caller, requireOperator } from './auth';
import { decodeCursor, page, pageLimit } from './pagination';
import { presentClaim } from './present';

const PLATFORMS = ['glitzcloud', 'shopex', 'duobaoyu', 'appintf'];

function positiveInt(field: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw badRequest(field, 'must be a positive integer');
  return n;
}

function oneOf(field: string, raw: unknown, allowed: readonly string[]): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !allowed.includes(raw)) throw badRequest(field, `must be one of ${allowed.join(', ')}`);
  return raw;
}

/** GET /api/claims, POST /api/claims/:id/retry, POST /api/claims/:id/cancel (INTERFACE.md). */
export function claimsRoutes(dataSource: DataSource, now: () => Date = () => new Date()): Router {
  const router = new Router();

  router.get('/api/claims', async (ctx: Context) => {
    const q = ctx.query;
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['number']);
    const qb = dataSource.getRepository(Claim).createQueryBuilder('c').orderBy('c.id', 'ASC').limit(limit + 1);
    const workOrderId = positiveInt('workOrderId', q.workOrderId);
    const platform = oneOf('platform', q.platform, PLATFORMS);
    const status = oneOf('status', q.status, CLAIM_STATUSES);
    if (workOrderId !== undefined) qb.andWhere('c.workOrderId = :workOrderId', { workOrderId });
    if (platform) qb.andWhere('c.platform = :platform', { platform });
    if (status) qb.andWhere('c.status = :status', { status });
    if (cursor) qb.andWhere('c.id > :after', { after: cursor[0] });
    const result = page(await qb.getMany(), limit, (c) => [c.id]);
    ctx.body = { items: result.items.map(presentClaim), nextCursor: result.nextCursor };
  });

  const operatorAction = (
    path: string,
    allowedFrom: readonly ClaimStatus[],
    change: (c: Claim, at: Date) => Partial<Claim>,
    reason: (caller: Caller) => string,
  ) =>
    router.post(path, requireOperator, async (ctx: Context) => {
      const id = positiveInt('id', ctx.params.id)!;
      const caller = ctx.state.caller as Caller;
      const at = now();
      const updated = await inTransaction(dataSource, async (em) => {
        const claim = await em.findOneBy(Claim, { id });
        if (!claim) throw notFound(`claim ${id}`);
        if (!allowedFrom.includes(claim.status) || claim.leaseOwner !== null) {
          throw conflict(`claim ${id} is ${claim.status}${claim.leaseOwner ? ' and being sent' : ''}; allowed from ${allowedFrom.join(', ')}`);
        }
        const patch = { ...change(claim, at), updatedAt: at };
        await em.update(Claim, { id, status: claim.status }, patch);
        await recordClaimEvent(em, { claimId: id, from: claim.status, to: patch.status!, source: 'operator', at, reason: reason(caller) });
        return { ...claim, ...patch };
      });
      ctx.body = presentClaim(updated);
    });

  // Retry: new attempts follow the old ones (history kept) on a fresh retry schedule.
  operatorAction('/api/claims/:id/retry', ['dead', 'rejected'], (_c, at) => ({ status: 'pending', nextAttemptAt: at, lastError: null }), (c) => `retried by operator ${c.name}`);
  // Cancel: local only here; a claim the platform already holds is cancelled through its API (issue 4).
  operatorAction('/api/claims/:id/cancel', ['pending', 'dead', 'rejected'], () => ({ status: 'cancelled', nextAttemptAt: null }), (c) => `cancelled by operator ${c.name}`);

  return router;
}
