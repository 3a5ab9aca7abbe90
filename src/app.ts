import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config/schema';
import { financeRouter } from './api';
import { healthz, readyz } from './controllers/health.controller';
import { qimenController } from './controllers/qimen.controller';
import { qimenEnvelope } from './controllers/qimen-envelope';
import { QIMEN_HANDLERS } from './handlers';
import { jsonErrors } from './http/json-errors';
import { requestContext } from './http/request-context';

export interface AppDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  now?: () => number;
}

/** The HTTP surface of INTERFACE.md. Each edge renders its own envelope. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = process.env.TRUST_PROXY === '1';
  app.silent = true; // errors are logged by the edges, with the request id

  const router = new Router();
  router.get('/healthz', healthz);
  router.get('/readyz', readyz(deps.dataSource));
  router.post(
    '/qimen',
    qimenEnvelope(() => deps.logger),
    qimenController({ config: deps.config.qimen, handlers: QIMEN_HANDLERS, dataSource: deps.dataSource, routes: deps.config.routes, now: deps.now }),
  );

  const api = financeRouter(deps);

  app.use(requestContext(deps.logger));
  app.use(jsonErrors(deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
