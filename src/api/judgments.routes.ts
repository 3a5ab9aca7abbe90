import Router from '@koa/router';
import type { Context } from 'koa';
import { DataSource, In } from 'typeorm';
import { judgmentFlags } from '../domain/reconciliation';
import { AuditLog, Claim, ClaimAttempt, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../entities';
import { readRawPushBody, storedRequestOf } from '../storage/raw-push-store';
import { badRequest, notFound } from './api-error';
import { presentAudit } from './audit';
import type { FinanceContext } from './finance-context';
import { JUDGMENT_FILTER_PARAMS, parseJudgmentFilter, resolveJudgmentFilter } from './judgment-filter';
import { loadClaimFacts, presentClaimWithFacts } from './claim-facts';
import { JudgmentKey, loadJudgmentPage, presentListItem } from './judgment-list';
import { decodeCursor, encodeCursor, pageLimit } from './pagination';
import { presentAttempt, presentEvent, presentJudgment, presentRevision } from './present';
import { onlyKnown } from './query-params';
import { routePreview } from './route-preview';

/** The push as received, secrets removed (the query never holds `sign`, headers never credentials). */
export async function presentRawPush(dataSource: DataSource, raw: RawPush) {
  const body = (await readRawPushBody(dataSource, raw.id)).toString('utf8');
  return {
    receivedAt: raw.receivedAt.toISOString(), method: raw.method, appKey: raw.appKey, verification: raw.verification,
    ...storedRequestOf(raw), bodyBytes: raw.bodyBytes, body,
  };
}

function workOrderIdParam(ctx: Context): number {
  const id = Number(ctx.params.workOrderId);
  if (!/^\d+$/.test(ctx.params.workOrderId) || !Number.isSafeInteger(id) || id < 1) throw badRequest('workOrderId', 'must be a positive integer');
  return id;
}

/** A judgment list cursor: the last item's [receivedAt ISO, workOrderId]. */
export function decodeJudgmentCursor(raw: unknown): JudgmentKey | null {
  return decodeCursor(raw, ['isoTime', 'id']) as JudgmentKey | null;
}

/** GET /api/judgments, GET /api/judgments/:workOrderId and its route preview (docs/http-contract.md). */
export function judgmentsRoutes(fin: FinanceContext): Router {
  const { dataSource } = fin;
  const router = new Router();

  router.get('/api/judgments', async (ctx: Context) => {
    onlyKnown(ctx.query, [...JUDGMENT_FILTER_PARAMS, 'cursor', 'limit']);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    const limit = pageLimit(ctx.query.limit);
    const after = decodeJudgmentCursor(ctx.query.cursor);
    const rules = fin.rules();
    const page = await loadJudgmentPage(dataSource, filter, rules, after, limit);
    ctx.body = { items: page.rows.map((row) => presentListItem(row, rules)), nextCursor: page.hasMore && page.lastKey ? encodeCursor(page.lastKey) : null };
  });

  router.get('/api/judgments/:workOrderId', async (ctx: Context) => {
    const id = workOrderIdParam(ctx);
    const workOrder = await dataSource.getRepository(WorkOrder).findOneBy({ id });
    if (!workOrder) throw notFound(`work order ${id}`);

    // Oldest first by Qimen's timestamp, then arrival: the last is the latest revision.
    const revisions = await dataSource.getRepository(JudgmentRevision).find({ where: { workOrderId: id }, order: { pushedAt: 'ASC', revision: 'ASC' } });
    const rawPushes = new Map((await dataSource.getRepository(RawPush).findBy({ id: In(revisions.map((r) => r.rawPushId)) })).map((p) => [p.id, p]));
    const claims = await dataSource.getRepository(Claim).find({ where: { workOrderId: id }, order: { id: 'ASC' } });
    const claimIds = claims.map((c) => c.id);
    const attempts = claimIds.length ? await dataSource.getRepository(ClaimAttempt).find({ where: { claimId: In(claimIds) }, order: { id: 'ASC' } }) : [];
    const events = claimIds.length ? await dataSource.getRepository(ClaimEvent).find({ where: { claimId: In(claimIds) }, order: { id: 'ASC' } }) : [];
    const audit = claimIds.length
      ? await dataSource.getRepository(AuditLog).find({ where: { targetType: 'claim', targetId: In(claimIds.map(String)) }, order: { id: 'ASC' } })
      : [];
    const rules = fin.rules();
    const withFacts = await loadClaimFacts(dataSource, claims);
    const latest = revisions.find((r) => r.revision === workOrder.latestRevision)!;

    ctx.body = {
      ...presentJudgment(workOrder, latest),
      flags: judgmentFlags({ ...latest, outOfOrderCount: workOrder.outOfOrderCount }, withFacts.map((c) => c.facts), rules),
      revisions: await Promise.all(
        revisions.map(async (r) => ({ ...presentRevision(r), rawPush: await presentRawPush(dataSource, rawPushes.get(r.rawPushId)!) })),
      ),
      claims: claims.map((c, i) => ({
        ...presentClaimWithFacts(withFacts[i], rules),
        attempts: attempts.filter((a) => a.claimId === c.id).map(presentAttempt),
        events: events.filter((e) => e.claimId === c.id).map(presentEvent),
        audit: audit.filter((a) => a.targetId === String(c.id)).map(presentAudit),
      })),
    };
  });

  router.get('/api/judgments/:workOrderId/route-preview', async (ctx: Context) => {
    ctx.body = await routePreview(dataSource, fin.config.routes, workOrderIdParam(ctx));
  });

  return router;
}
