import Router from '@koa/router';
import type { Context } from 'koa';
import type { FinanceContext } from './finance-context';
import { JUDGMENT_FILTER_PARAMS, JudgmentFilter, parseJudgmentFilter, resolveJudgmentFilter } from './judgment-filter';
import type { CachedView } from './view-cache';
import { intInRange, onlyKnown } from './query-params';
import { dailySummary, reconciliation, summary } from './summary';

/** A cached view's key: the view and its filter, as resolved (dates as ISO text). */
const viewKey = (view: string, filter: JudgmentFilter) => `${view} ${JSON.stringify(filter)}`;

/** A view's answer: when its figures were read, then the figures. */
const presentView = <T extends object>({ asOf, value }: CachedView<T>) => ({ asOf: asOf.toISOString(), ...value });

/** GET /api/summary (totals per currency, by party, platform and status), GET /api/summary/daily and GET /api/reconciliation (per platform). */
export function summaryRoutes(fin: FinanceContext): Router {
  const router = new Router();

  router.get('/api/summary', async (ctx: Context) => {
    onlyKnown(ctx.query, JUDGMENT_FILTER_PARAMS);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    ctx.body = presentView(await fin.views.get(viewKey('summary', filter), fin.now, () => summary(fin, filter)));
  });

  router.get('/api/summary/daily', async (ctx: Context) => {
    onlyKnown(ctx.query, [...JUDGMENT_FILTER_PARAMS, 'utcOffsetMinutes']);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    const offset = intInRange('utcOffsetMinutes', ctx.query.utcOffsetMinutes, -840, 840) ?? 0;
    ctx.body = await dailySummary(fin, filter, offset);
  });

  router.get('/api/reconciliation', async (ctx: Context) => {
    onlyKnown(ctx.query, JUDGMENT_FILTER_PARAMS);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    ctx.body = presentView(await fin.views.get(viewKey('reconciliation', filter), fin.now, () => reconciliation(fin, filter)));
  });

  return router;
}
