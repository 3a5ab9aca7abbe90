import Router from '@koa/router';
import type { Context } from 'koa';
import { cancelOnPlatform } from '../claims/cancel-on-platform';
import { recordClaimEvent } from '../claims/claim-events';
import { type CancelStep, CLAIM_REASONS, type Worded } from '../claims/claim-reasons';
import { lastErrorColumns } from '../storage/claims/claim-repository';
import { Claim, ClaimStatus } from '../entities';
import { inTransaction } from '../storage/transactions';
import { ApiError, conflict, notFound } from './api-error';
import { recordAudit } from './audit';
import { type Caller, requireOperator } from './auth';
import type { FinanceContext } from './finance-context';
import { CLAIM_FILTER_PARAMS, claimPage, parseClaimFilter } from './claim-filter';
import { presentClaimsWithFlags } from './judgment-list';
import { decodeCursor, page, pageLimit } from './pagination';
import { presentClaim } from './present';
import { onlyKnown, positiveInt } from './query-params';

/** GET /api/claims, POST /api/claims/:id/retry, POST /api/claims/:id/cancel (docs/http-contract.md). */
export function claimsRoutes(fin: FinanceContext): Router {
  const { dataSource } = fin;
  const router = new Router();

  router.get('/api/claims', async (ctx: Context) => {
    const q = ctx.query;
    onlyKnown(q, [...CLAIM_FILTER_PARAMS, 'cursor', 'limit']);
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['id']);
    const rules = fin.rules();
    const claims = await claimPage(dataSource, parseClaimFilter(q), rules, cursor ? (cursor[0] as number) : null, limit + 1);
    const result = page(claims, limit, (c) => [c.id]);
    ctx.body = { items: await presentClaimsWithFlags(dataSource, result.items, rules), nextCursor: result.nextCursor };
  });

  /** An operator's change of one claim: status check, update, claim event and audit entry in one transaction. */
  const operatorAction = (
    path: string,
    action: string,
    allowedFrom: readonly ClaimStatus[],
    change: (c: Claim, at: Date) => Partial<Claim>,
    reason: (caller: Caller, step: CancelStep) => Worded,
    /** A step on the platform before the change (cancel on appintf); the reason says what it did. */
    onPlatform: (claim: Claim) => Promise<{ ok: true; step: CancelStep } | { ok: false; code: string; message: string }> = async () => ({ ok: true, step: { kind: 'not-on-platform' } }),
  ) =>
    router.post(path, requireOperator, async (ctx: Context) => {
      const id = positiveInt('id', ctx.params.id)!;
      const caller = ctx.state.caller as Caller;
      const before = await dataSource.getRepository(Claim).findOneBy({ id });
      if (!before) throw notFound(`claim ${id}`);
      if (!allowedFrom.includes(before.status) || before.leaseOwner !== null) {
        throw conflict(`claim ${id} is ${before.status}${before.leaseOwner ? ' and being sent' : ''}; allowed from ${allowedFrom.join(', ')}`);
      }
      const platform = await onPlatform(before);
      if (!platform.ok) throw new ApiError(502, 'platform-refused', `${before.platform} refused: ${platform.code} ${platform.message}`);
      const at = fin.now();
      const updated = await inTransaction(dataSource, async (em) => {
        const claim = await em.findOneBy(Claim, { id });
        if (!claim) throw notFound(`claim ${id}`);
        if (claim.status !== before.status || claim.leaseOwner !== null) throw conflict(`claim ${id} changed meanwhile; try again`);
        const patch = { ...change(claim, at), updatedAt: at };
        const result = await em.update(Claim, { id, status: claim.status }, patch);
        if (result.affected === 0) throw conflict(`claim ${id} changed meanwhile; try again`);
        const after = { ...claim, ...patch };
        await recordClaimEvent(em, { claimId: id, from: claim.status, to: patch.status!, source: 'operator', at, reason: reason(caller, platform.step) });
        await recordAudit(em, {
          actor: caller, action, target: { type: 'claim', id }, before: presentClaim(claim), after: presentClaim(after), at, requestId: ctx.state.requestId,
        });
        return after;
      });
      fin.views.clear();
      // The claim as GET /api/claims shows it, flags included (the OpenAPI Claim schema).
      [ctx.body] = await presentClaimsWithFlags(dataSource, [updated], fin.rules());
    });

  // Retry: new attempts follow the old ones (history kept) on a fresh retry schedule.
  operatorAction('/api/claims/:id/retry', 'claim.retry', ['dead', 'rejected'], (_c, at) => ({ status: 'pending', nextAttemptAt: at, ...lastErrorColumns(null) }), (c) => CLAIM_REASONS.operatorRetried(c.name));
  // Cancel: a claim the platform holds is cancelled through its API where it has one (appintf), else here only.
  operatorAction(
    '/api/claims/:id/cancel', 'claim.cancel', ['pending', 'dead', 'rejected', 'submitted', 'accepted'],
    () => ({ status: 'cancelled', nextAttemptAt: null, nextPollAt: null }),
    (c, step) => CLAIM_REASONS.operatorCancelled(c.name, step),
    (claim) => cancelOnPlatform(fin.clients, claim),
  );

  return router;
}
