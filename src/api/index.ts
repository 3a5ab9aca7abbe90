import Router from '@koa/router';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import { apiErrors } from './api-error';
import { financeAuth } from './auth';
import { claimsRoutes } from './claims.routes';
import { financeContext } from './finance-context';
import { judgmentsCsvRoutes } from './judgments-csv.routes';
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
  now?: () => number;
  /** Platform clients, for operator actions that reach a platform. */
  clients?: ReadonlyMap<string, DuplicateAwareClient>;
}

/** The finance API under /api: every route behind bearer auth, errors as {"error", "message"}. */
export function financeRouter(deps: FinanceDeps): Router {
  const fin = financeContext(deps.dataSource, deps.config, deps.now, deps.clients);
  const api = new Router();
  api.use('/api', apiErrors(deps.logger), financeAuth(deps.config.finance.tokens));
  for (const r of [meRoutes(), claimsRoutes(fin), judgmentsCsvRoutes(fin, deps.logger), judgmentsRoutes(fin), summaryRoutes(fin), rejectedPushesRoutes(fin), settlementsRoutes(fin)]) api.use(r.routes());
  return api;
}
