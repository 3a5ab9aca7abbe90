import type { Clock } from './clock';
import Koa from 'koa';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config/schema';
import { PLATFORM_REGISTRY } from './platforms';
import type { DuplicateAwareClient } from './platforms/shared/lookup';
import { financeRouter } from './api';
import { openApiRoutes } from './api/openapi.routes';
import { callbackErrors } from './callbacks/callback-errors';
import { healthz, readyz } from './controllers/health.controller';
import { duobaoyuEdgeAnswer } from './callbacks/duobaoyu-answers';
import { shopexEdgeAnswer, shopexMsgIdOf } from './callbacks/shopex-answers';
import { duobaoyuPushController } from './controllers/duobaoyu-push.controller';
import { shopexCallbackController } from './controllers/shopex-callback.controller';
import { qimenController } from './controllers/qimen.controller';
import { qimenEnvelope } from './controllers/qimen-envelope';
import { QIMEN_HANDLERS } from './handlers';
import { CALLBACK_MAX_BODY_BYTES } from './callbacks/limits';
import { BodyBudget, bodyBudgetGate } from './http/body-budget';
import type { EdgeFailure } from './http/edge-failure';
import { edgeErrors } from './http/edges';
import { callbackRateLimit, qimenAppKeyLimit, qimenRateLimit } from './http/rate-limit';
import { requestContext } from './http/request-context';
import { callbackMetrics, metricsRoute, qimenMetrics } from './metrics';
import { PackageIndexer } from './storage/package-index';
import { financePageRoutes } from './web/finance-page';

export interface AppDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  now?: Clock;
  /** Platform clients, for operator actions that reach a platform (cancel on appintf). */
  clients?: ReadonlyMap<string, DuplicateAwareClient>;
  /** Writes big pushes' package rows after their answer; main.ts drains it at shutdown. One is made when absent. */
  packageIndexer?: PackageIndexer;
}

/** The HTTP surface of docs/http-contract.md. Each edge renders its own envelope. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = process.env.TRUST_PROXY === '1';
  app.silent = true; // errors are logged by the edges, with the request id

  const router = new Router();
  router.get('/healthz', healthz);
  router.get('/readyz', readyz(deps.dataSource));
  router.get('/metrics', metricsRoute(deps.dataSource));
  router.post(
    '/qimen',
    qimenMetrics(QIMEN_HANDLERS.keys()),
    qimenEnvelope(() => deps.logger),
    qimenRateLimit(deps.config, deps.now),
    qimenController({ config: deps.config.qimen, handlers: QIMEN_HANDLERS, dataSource: deps.dataSource, routes: deps.config.routes, now: deps.now,
      appKeyLimit: qimenAppKeyLimit(deps.config, deps.now),
      packageIndexer: deps.packageIndexer ?? new PackageIndexer(deps.dataSource, deps.logger),
    }),
  );

  // Both callback routes share one budget of body bytes in flight; each answers busy in its own envelope.
  const callbackBodies = new BodyBudget({ maxBytes: deps.config.callbacks.maxInFlightBodyBytes });
  const busy: EdgeFailure = { id: 'server-busy', status: 503, message: 'too many callback bodies in flight, please repeat' };
  router.post(
    PLATFORM_REGISTRY.shopex.callback.path,
    callbackMetrics('shopex'),
    callbackErrors(deps.logger, (ctx, failure) => shopexEdgeAnswer(failure, shopexMsgIdOf(ctx))),
    callbackRateLimit('shopex', deps.config, deps.now),
    bodyBudgetGate(callbackBodies, CALLBACK_MAX_BODY_BYTES, shopexEdgeAnswer(busy)),
    shopexCallbackController({ config: deps.config, dataSource: deps.dataSource }),
  );
  router.post(
    PLATFORM_REGISTRY.duobaoyu.callback.path,
    callbackMetrics('duobaoyu'),
    callbackErrors(deps.logger, (_ctx, failure) => duobaoyuEdgeAnswer(failure)),
    callbackRateLimit('duobaoyu', deps.config, deps.now),
    bodyBudgetGate(callbackBodies, CALLBACK_MAX_BODY_BYTES, duobaoyuEdgeAnswer(busy)),
    // A `__proto__` key is data (JSON.parse makes it an own property, reaching no prototype): a signed push holding one is stored, not refused.
    bodyParser({ enableTypes: ['json'], jsonLimit: `${CALLBACK_MAX_BODY_BYTES}b`, strict: true, extendTypes: { json: ['text/plain'] }, onProtoPoisoning: 'ignore' } as bodyParser.Options),
    duobaoyuPushController({ config: deps.config, dataSource: deps.dataSource }),
  );

  const api = financeRouter(deps);

  app.use(requestContext(deps.logger));
  app.use(edgeErrors(deps.logger)); // 404, 405 and unrendered errors, in the envelope of the request's edge
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(api.routes());
  app.use(api.allowedMethods());
  for (const open of [openApiRoutes(), financePageRoutes()]) app.use(open.routes()).use(open.allowedMethods()); // no auth
  return app;
}
