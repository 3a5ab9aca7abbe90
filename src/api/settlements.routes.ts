import Router from '@koa/router';
import type { Context } from 'koa';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { importStatement, reportJson } from '../commands/import-statement';
import { formatMinorUnits } from '../domain/money';
import type { Settlement } from '../entities';
import { settlementPage } from '../storage/settlements/settlement-repository';
import { ApiError } from './api-error';
import { type Caller, requireOperator } from './auth';
import type { FinanceContext } from './finance-context';
import { PLATFORMS } from './judgment-filter';
import { decodeCursor, page, pageLimit } from './pagination';
import { oneOf, onlyKnown } from './query-params';
import { parseSettlementFilter, SETTLEMENT_FILTER_PARAMS } from './settlement-filter';
import { spoolStatement, tooLarge } from './statement-file';
import { readStatement, STATEMENT_TYPES } from './statement-reader';

function presentSettlement({ line, claimId }: { line: Settlement; claimId: number | null }) {
  return {
    id: line.id, platform: line.platform, reference: line.reference, platformClaimId: line.platformClaimId, claimId,
    amount: formatMinorUnits(line.amountMinor), currency: line.currency, settledAt: line.settledAt.toISOString(),
    importedAt: line.importedAt.toISOString(), importedBy: line.importedBy, fileSha256: line.fileSha256,
  };
}

/** POST /api/settlements/import (operator; `dryRun=1` stores nothing) and GET /api/settlements (docs/http-contract.md). */
export function settlementsRoutes(fin: FinanceContext): Router {
  const { dataSource } = fin;
  const router = new Router();

  router.post('/api/settlements/import', requireOperator, async (ctx: Context) => {
    onlyKnown(ctx.query, ['dryRun']);
    const dryRun = oneOf('dryRun', ctx.query.dryRun, ['0', '1']) === '1';
    const type = (ctx.request.type || '').toLowerCase() as keyof typeof STATEMENT_TYPES;
    const format = STATEMENT_TYPES[type];
    if (!format) throw new ApiError(415, 'unsupported-media-type', `Content-Type: must be ${Object.keys(STATEMENT_TYPES).join(' or ')}`);
    const maxBytes = fin.config.finance.maxStatementBytes;
    // A body declared too large is refused unread (it holds nothing of the body budget either).
    if ((ctx.request.length ?? 0) > maxBytes) throw tooLarge(maxBytes);
    const file = await spoolStatement(ctx.req, maxBytes);
    try {
      const caller = ctx.state.caller as Caller;
      const report = await importStatement(dataSource, readStatement(file.path, format, { scratchDir: dirname(file.path) }), {
        dryRun, actor: caller, at: fin.now(), file: { sha256: file.sha256, bytes: file.bytes, format }, platforms: PLATFORMS, requestId: ctx.state.requestId,
      });
      // Written a thousand lines at a time: a 100,000-line report is never one string.
      ctx.type = 'application/json';
      ctx.body = Readable.from(reportJson(report));
    } finally {
      // A stored import (even one that failed part-way) changes the settled figures: its author sees them next.
      if (!dryRun) fin.views.clear();
      await file.remove();
    }
  });

  router.get('/api/settlements', async (ctx: Context) => {
    const q = ctx.query;
    onlyKnown(q, [...SETTLEMENT_FILTER_PARAMS, 'cursor', 'limit']);
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['id']);
    const rows = await settlementPage(dataSource, parseSettlementFilter(q), cursor ? (cursor[0] as number) : null, limit + 1);
    const result = page(rows, limit, (r) => [r.line.id]);
    ctx.body = { items: result.items.map(presentSettlement), nextCursor: result.nextCursor };
  });

  return router;
}
