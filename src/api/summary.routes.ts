import Router from '@koa/router';
import type { Context } from 'koa';
import type { FinanceContext } from './finance-context';
import { JUDGMENT_FILTER_PARAMS, parseJudgmentFilter, resolveJudgmentFilter } from './judgment-filter';
import { intInRange, onlyKnown } from './query-params';
import { dailySummary, reconciliation, summary } from './summary';

/** GET /api/summary (totals per currency, by party, platform and status), GET /api/summary/daily and GET /api/reconciliation (per platform). */
export function summaryRoutes(fin: FinanceContext): Router {
  const router = new Router();

  router.get('/api/summary', async (ctx: Context) => {
    onlyKnown(ctx.query, JUDGMENT_FILTER_PARAMS);
    ctx.body = await summary(fin, await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query)));
  });

  router.get('/api/summary/daily', async (ctx: Context) => {
    onlyKnown(ctx.query, [...JUDGMENT_FILTER_PARAMS, 'utcOffsetMinutes']);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    const offset = intInRange('utcOffsetMinutes', ctx.query.utcOffsetMinutes, -840, 840) ?? 0;
    ctx.body = await dailySummary(fin, filter, offset);
  });

  router.get('/api/reconciliation', async (ctx: Context) => {
    onlyKnown(ctx.query, JUDGMENT_FILTER_PARAMS);
    ctx.body = await reconciliation(fin, await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query)));
  });

  return router;
}
