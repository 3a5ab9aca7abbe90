import Router from '@koa/router';
import type { Context } from 'koa';
import { RawPush, RejectedPush } from '../entities';
import { QIMEN_ERRORS, type QimenErrorId } from '../errors/qimen-errors';
import { readRawPushBody } from '../storage/raw-push-store';
import { badRequest, notFound } from './api-error';
import type { FinanceContext } from './finance-context';
import { presentRawPush } from './judgments.routes';
import { decodeCursor, page, pageLimit } from './pagination';
import { isoTime, oneOf, onlyKnown } from './query-params';

const ERROR_IDS = Object.keys(QIMEN_ERRORS) as QimenErrorId[];

function presentRejectedPush(r: RejectedPush) {
  return {
    id: r.id, receivedAt: r.receivedAt.toISOString(), lastReceivedAt: r.lastReceivedAt.toISOString(), attempts: r.attempts, method: r.method,
    appKey: r.appKey, errorId: r.errorId, message: r.message, bodyBytes: r.bodyBytes,
    field: r.field, problemId: r.problemId, problemParams: r.problemParams === null ? null : (JSON.parse(r.problemParams) as Record<string, unknown>),
    acceptedAt: r.acceptedAt?.toISOString() ?? null, workOrderId: r.workOrderId,
  };
}

/** GET /api/rejected-pushes (filters from, to on first receipt, errorId; newest first) and GET /api/rejected-pushes/:id. */
export function rejectedPushesRoutes(fin: FinanceContext): Router {
  const { dataSource } = fin;
  const router = new Router();

  router.get('/api/rejected-pushes', async (ctx: Context) => {
    const q = ctx.query;
    onlyKnown(q, ['from', 'to', 'errorId', 'cursor', 'limit']);
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['id']);
    const from = isoTime('from', q.from);
    const to = isoTime('to', q.to, { endOfDay: true });
    const errorId = oneOf('errorId', q.errorId, ERROR_IDS);
    const qb = dataSource.getRepository(RejectedPush).createQueryBuilder('p').orderBy('p.id', 'DESC').limit(limit + 1);
    if (from) qb.andWhere('p.receivedAt >= :from', { from });
    if (to) qb.andWhere('p.receivedAt < :to', { to });
    if (errorId) qb.andWhere('p.errorId = :errorId', { errorId });
    if (cursor) qb.andWhere('p.id < :before', { before: cursor[0] });
    const result = page(await qb.getMany(), limit, (p) => [p.id]);
    ctx.body = { items: result.items.map(presentRejectedPush), nextCursor: result.nextCursor };
  });

  router.get('/api/rejected-pushes/:id', async (ctx: Context) => {
    const id = Number(ctx.params.id);
    if (!/^\d+$/.test(ctx.params.id) || !Number.isSafeInteger(id) || id < 1) throw badRequest('id', 'must be a positive integer');
    const rejected = await dataSource.getRepository(RejectedPush).findOneBy({ id });
    if (!rejected) throw notFound(`rejected push ${id}`);
    const raw = await dataSource.getRepository(RawPush).findOneByOrFail({ id: rejected.rawPushId });
    // The body may not be UTF-8 (an invalid-json refusal): its exact bytes travel as base64 beside the text.
    const bodyBase64 = (await readRawPushBody(dataSource, raw.id)).toString('base64');
    ctx.body = { ...presentRejectedPush(rejected), rawPush: { ...(await presentRawPush(dataSource, raw)), bodyBase64 } };
  });

  return router;
}
