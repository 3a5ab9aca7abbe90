import Router from '@koa/router';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import { apiErrors } from './api-error';
import { financeAuth } from './auth';
import { claimsRoutes } from './claims.routes';
import { judgmentsRoutes } from './judgments.routes';

export interface FinanceDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
}

/** The finance API under /api: every route behind bearer auth, errors as {"error", "message"}. */
export function financeRouter(deps: FinanceDeps): Router {
  const api = new Router();
  api.use('/api', apiErrors(deps.logger), financeAuth(deps.config.finance.tokens));
  for (const r of [claimsRoutes(deps.dataSource), judgmentsRoutes(deps.dataSource)]) api.use(r.routes());
  return api;
}
