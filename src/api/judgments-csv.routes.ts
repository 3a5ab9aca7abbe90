import { Readable, pipeline } from 'node:stream';
import Router from '@koa/router';
import { stringify } from 'csv-stringify';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { FinanceContext } from './finance-context';
import { JUDGMENT_FILTER_PARAMS, JudgmentFilter, parseJudgmentFilter, resolveJudgmentFilter } from './judgment-filter';
import { JudgmentKey, JudgmentListItem, loadJudgmentPage } from './judgment-list';
import { onlyKnown } from './query-params';

/** The list item's fields without `claims`, in the item's order, then `claimStatuses` (INTERFACE.md). */
export const CSV_COLUMNS = [
  'workOrderId', 'externalOrderId', 'tenantId', 'bizType', 'responsibilityParty', 'warehouseRatio', 'deliveryRatio', 'claimAmount',
  'paymentAmount', 'currency', 'receivedAt', 'revision', 'flags', 'claimStatuses',
] as const;

/** Rows read from the database per keyset query: memory stays flat whatever the export's size. */
export const CSV_BATCH_ROWS = 1000;

export function csvRow(item: JudgmentListItem): Record<(typeof CSV_COLUMNS)[number], string | number | null> {
  const { claims, flags, ...fields } = item;
  return { ...fields, flags: flags.join(' '), claimStatuses: claims.map((c) => `${c.route}:${c.status}`).join('; ') };
}

/** Every matching judgment, batch after batch; the next batch is read only when the client has taken the last. */
async function* judgmentRows(fin: FinanceContext, filter: JudgmentFilter) {
  const rules = fin.rules();
  let after: JudgmentKey | null = null;
  for (;;) {
    const page = await loadJudgmentPage(fin.dataSource, filter, rules, after, CSV_BATCH_ROWS);
    for (const item of page.items) yield csvRow(item);
    if (!page.hasMore || !page.lastKey) return;
    after = page.lastKey;
  }
}

/** GET /api/judgments.csv: the list's filters as a streamed CSV, UTF-8 with BOM (Excel reads Chinese). */
export function judgmentsCsvRoutes(fin: FinanceContext, logger: Logger): Router {
  const router = new Router();
  router.get('/api/judgments.csv', async (ctx: Context) => {
    onlyKnown(ctx.query, JUDGMENT_FILTER_PARAMS);
    // A bad filter is a JSON 400, before any byte of CSV.
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    const csv = stringify({ bom: true, header: true, columns: [...CSV_COLUMNS], cast: { number: (n) => String(n) } });
    pipeline(Readable.from(judgmentRows(fin, filter)), csv, (err) => {
      if (!err) return;
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') logger.info({ requestId: ctx.state.requestId }, 'CSV export: client went away');
      else logger.error({ err, requestId: ctx.state.requestId }, 'CSV export failed mid-stream');
    });
    const stamp = fin.now().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    ctx.set('Content-Disposition', `attachment; filename="judgments-${stamp}Z.csv"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = csv;
  });
  return router;
}
