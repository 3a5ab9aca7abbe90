import { finished } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { databaseAddressOf } from '../../ormconfig';
import { CLAIM_FILTER_PARAMS, parseClaimFilter } from './claim-filter';
import { openCsvExport } from './csv-export-thread';
import type { ExportJob } from './export-pieces';
import { exportTimeZone } from './export-time';
import type { FinanceContext } from './finance-context';
import { JUDGMENT_FILTER_PARAMS, parseJudgmentFilter, resolveJudgmentFilter } from './judgment-filter';
import { CSV_BATCH_ROWS } from './judgments-csv';
import { onlyKnown } from './query-params';
import { parseSettlementFilter, SETTLEMENT_FILTER_PARAMS } from './settlement-filter';
import { XLSX_CONTENT_TYPE } from './xlsx-pieces';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: XLSX_CONTENT_TYPE } as const;

/**
 * The exports: GET /api/judgments.csv (UTF-8 with BOM, Excel reads Chinese), /api/judgments.xlsx,
 * /api/claims.xlsx and /api/settlements.xlsx, each with its list's filters and `tz` (the zone the times are
 * written in, default UTC). The query is checked here (a bad one is a JSON 400, before any byte of the
 * file); the rows are read and written in a worker thread with a capped heap (src/api/csv-export-thread.ts).
 */
export function exportsRoutes(fin: FinanceContext, logger: Logger): Router {
  const router = new Router();

  const send = async (ctx: Context, name: string, job: ExportJob) => {
    // An export that cannot start, connect or query is a JSON 500 here; a later failure cuts the download.
    const file = await openCsvExport(databaseAddressOf(fin.dataSource), job);
    // Koa pipes the body to the socket, but a failure after the headers is only a cut download; this logs it.
    finished(file, (err) => {
      if (!err) return;
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') logger.info({ requestId: ctx.state.requestId, name }, 'export: client went away');
      else logger.error({ err, requestId: ctx.state.requestId, name }, 'export failed mid-stream');
    });
    const stamp = fin.now().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    ctx.set('Content-Disposition', `attachment; filename="${name}-${stamp}Z.${job.format}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = CONTENT_TYPES[job.format];
    ctx.body = file;
  };

  const judgments = (format: 'csv' | 'xlsx') => async (ctx: Context) => {
    onlyKnown(ctx.query, [...JUDGMENT_FILTER_PARAMS, 'tz']);
    const tz = exportTimeZone(ctx.query.tz);
    const filter = await resolveJudgmentFilter(fin.dataSource, parseJudgmentFilter(ctx.query));
    await send(ctx, 'judgments', { list: 'judgments', format, filter, rules: fin.rules(), batchRows: CSV_BATCH_ROWS, tz });
  };
  router.get('/api/judgments.csv', judgments('csv'));
  router.get('/api/judgments.xlsx', judgments('xlsx'));

  router.get('/api/claims.xlsx', async (ctx: Context) => {
    onlyKnown(ctx.query, [...CLAIM_FILTER_PARAMS, 'tz']);
    const tz = exportTimeZone(ctx.query.tz);
    await send(ctx, 'claims', { list: 'claims', format: 'xlsx', filter: parseClaimFilter(ctx.query), rules: fin.rules(), batchRows: CSV_BATCH_ROWS, tz });
  });

  router.get('/api/settlements.xlsx', async (ctx: Context) => {
    onlyKnown(ctx.query, [...SETTLEMENT_FILTER_PARAMS, 'tz']);
    const tz = exportTimeZone(ctx.query.tz);
    await send(ctx, 'settlements', { list: 'settlements', format: 'xlsx', filter: parseSettlementFilter(ctx.query), batchRows: CSV_BATCH_ROWS, tz });
  });

  return router;
}
