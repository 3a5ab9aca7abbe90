import { finished } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { databaseAddressOf } from '../../ormconfig';
import { openCsvExport } from './csv-export-thread';
import type { FinanceContext } from './finance-context';
import { JUDGMENT_FILTER_PARAMS, parseJudgmentFilter, resolveJudgmentFilter } from './judgment-filter';
import { CSV_BATCH_ROWS } from './judgments-csv';
import { onlyKnown } from './query-params';

/**
 * GET /api/judgments.csv: the list's filters as a streamed CSV, UTF-8 with BOM (Excel reads Chinese).
 * The filter is checked here (a bad one is a JSON 400, before any byte of CSV); the rows are read and
 * written in a worker thread with a capped heap (src/api/csv-export-thread.ts).
 */
export function judgmentsCsvRoutes(fin: FinanceContext, logger: Logger): Router {
  const router = new Router();
  router.get('/api/judgments.csv', async (ctx: Context) => {
    onlyKnown(ctx.query, JUDGMENT_FILTER_PARAMS);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    // An export that cannot start, connect or query is a JSON 500 here; a later failure cuts the download.
    const csv = await openCsvExport(databaseAddressOf(fin.dataSource), { filter, rules: fin.rules(), batchRows: CSV_BATCH_ROWS });
    // Koa pipes the body to the socket, but a failure after the headers is only a cut download; this logs it.
    finished(csv, (err) => {
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
