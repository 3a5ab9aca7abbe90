import type { Clock } from '../clock';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import { BodyBudget, bodyBudgetGate } from '../http/body-budget';
import { apiErrors, financeEdgeAnswer } from './api-error';
import { FINANCE_MAX_BODY_BYTES } from './body-limits';
import { financeAuth } from './auth';
import { claimsRoutes } from './claims.routes';
import { financeContext } from './finance-context';
import { exportsRoutes } from './exports.routes';
import { judgmentsRoutes } from './judgments.routes';
import { meRoutes } from './me.routes';
import { rejectedPushesRoutes } from './rejected-pushes.routes';
import { settlementsRoutes } from './settlements.routes';
import { summaryRoutes } from './summary.routes';

export interface FinanceDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** The clock (epoch ms); tests pin it. */
  now?: Clock;
  /** Platform clients, for operator actions that reach a platform. */
  clients?: ReadonlyMap<string, DuplicateAwareClient>;
}

/** The finance API under /api: every route behind bearer auth, errors as {"error", "message"}. */
export function financeRouter(deps: FinanceDeps): Router {
  const fin = financeContext(deps.dataSource, deps.config, deps.now, deps.clients);
  const api = new Router();
  // Bodies are held in the budget only once the caller is known: an unauthenticated body is never read.
  const bodies = new BodyBudget({ maxBytes: deps.config.finance.maxInFlightBodyBytes });
  const busy = financeEdgeAnswer({ id: 'server-busy', status: 503, message: 'too many request bodies in flight, please send again' });
  api.use('/api', apiErrors(deps.logger), financeAuth(deps.config.finance.tokens), bodyBudgetGate(bodies, FINANCE_MAX_BODY_BYTES, busy));
  for (const r of [meRoutes(), claimsRoutes(fin), exportsRoutes(fin, deps.logger), judgmentsRoutes(fin), summaryRoutes(fin), rejectedPushesRoutes(fin), settlementsRoutes(fin)]) api.use(r.routes());
  return api;
}
