import Router from '@koa/router';
import type { Context } from 'koa';
import { DataSource, In } from 'typeorm';
import { Claim, ClaimAttempt, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../entities';
import { readRawPushBody } from '../storage/raw-push-store';
import { badRequest, notFound } from './api-error';
import { presentAttempt, presentClaim, presentEvent, presentJudgment, presentRevision } from './present';

/** The push as received, secrets removed (the query never holds `sign`, headers never credentials). */
async function presentRawPush(dataSource: DataSource, raw: RawPush) {
  const body = (await readRawPushBody(dataSource, raw.id)).toString('utf8');
  return {
    receivedAt: raw.receivedAt.toISOString(), method: raw.method, appKey: raw.appKey, verification: raw.verification,
    query: JSON.parse(raw.query), headers: JSON.parse(raw.headers), bodyBytes: raw.bodyBytes, body,
  };
}

/** GET /api/judgments/:workOrderId — a work order's whole story (INTERFACE.md). */
export function judgmentsRoutes(dataSource: DataSource): Router {
  const router = new Router();

  router.get('/api/judgments/:workOrderId', async (ctx: Context) => {
    const id = Number(ctx.params.workOrderId);
    if (!Number.isSafeInteger(id) || id < 1) throw badRequest('workOrderId', 'must be a positive integer');
    const workOrder = await dataSource.getRepository(WorkOrder).findOneBy({ id });
    if (!workOrder) throw notFound(`work order ${id}`);

    const revisions = await dataSource.getRepository(JudgmentRevision).find({ where: { workOrderId: id }, order: { revision: 'ASC' } });
    const rawPushes = new Map((await dataSource.getRepository(RawPush).findBy({ id: In(revisions.map((r) => r.rawPushId)) })).map((p) => [p.id, p]));
    const claims = await dataSource.getRepository(Claim).find({ where: { workOrderId: id }, order: { id: 'ASC' } });
    const claimIds = claims.map((c) => c.id);
    const attempts = claimIds.length ? await dataSource.getRepository(ClaimAttempt).find({ where: { claimId: In(claimIds) }, order: { id: 'ASC' } }) : [];
    const events = claimIds.length ? await dataSource.getRepository(ClaimEvent).find({ where: { claimId: In(claimIds) }, order: { id: 'ASC' } }) : [];

    ctx.body = {
      ...presentJudgment(workOrder, revisions[revisions.length - 1]),
      revisions: await Promise.all(
        revisions.map(async (r) => ({ ...presentRevision(r), rawPush: await presentRawPush(dataSource, rawPushes.get(r.rawPushId)!) })),
      ),
      claims: claims.map((c) => ({
        ...presentClaim(c),
        attempts: attempts.filter((a) => a.claimId === c.id).map(presentAttempt),
        events: events.filter((e) => e.claimId === c.id).map(presentEvent),
      })),
    };
  });

  return router;
}
