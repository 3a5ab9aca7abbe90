import { createServer, Server } from 'node:http';
import type { Context, Next } from 'koa';
import type { DataSource } from 'typeorm';
import { clusterMetricsText, IN_CLUSTER } from './cluster-metrics';
import { refreshDatabaseGauges } from './database';
import { CallbackOutcome, CallbackPlatform, METRICS_ENABLED, OTHER_METHOD, pushCountersFor, recordCallback, recordPush, registry, secondsSince } from './registry';

/** The Prometheus text of this process (of every process, in a cluster), the database gauges refreshed first. */
export async function renderMetrics(dataSource: DataSource): Promise<{ contentType: string; body: string }> {
  await refreshDatabaseGauges(dataSource);
  return { contentType: registry.contentType, body: IN_CLUSTER ? await clusterMetricsText() : await registry.metrics() };
}

/** GET /metrics (no auth: counts only; keep it off the public side of the load balancer). 404 when METRICS=off. */
export function metricsRoute(dataSource: DataSource) {
  return async (ctx: Context) => {
    if (!METRICS_ENABLED) {
      ctx.status = 404;
      ctx.body = { error: 'not-found', message: 'metrics are off (METRICS=off)' };
      return;
    }
    const { contentType, body } = await renderMetrics(dataSource);
    ctx.type = contentType;
    ctx.body = body;
  };
}

/**
 * The method label of a push without parsing the query again: the known method whose text follows a
 * `method=` parameter exactly (no allocation), else `other`.
 */
export function methodOf(querystring: string, methods: readonly string[]): string {
  const amp = querystring.startsWith('method=') ? -1 : querystring.indexOf('&method=');
  if (amp !== -1 || querystring.startsWith('method=')) {
    const at = amp + 8;
    for (const m of methods) {
      if (querystring.startsWith(m, at)) {
        const end = at + m.length;
        if (end === querystring.length || querystring.charCodeAt(end) === 38 /* & */) return m;
      }
    }
  }
  return OTHER_METHOD;
}

/**
 * Counts and times every Qimen push by method and outcome. Mounted before qimenEnvelope, which renders
 * every failure and leaves its errorId in ctx.state.qimenErrorId; no errorId means success.
 */
export function qimenMetrics(handledMethods: Iterable<string>) {
  const methods = [...handledMethods];
  const counters = pushCountersFor(methods);
  if (!METRICS_ENABLED) return (_ctx: Context, next: Next) => next();
  return async (ctx: Context, next: Next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const outcome: string = ctx.state.qimenErrorId ?? (ctx.status === 200 ? 'success' : 'internal-error');
      recordPush(counters.get(methodOf(ctx.querystring, methods))!, outcome, secondsSince(started));
    }
  };
}

/**
 * Counts every callback of `platform` by outcome. The controller leaves its outcome in
 * ctx.state.callbackOutcome (stored, bad-sign, unreadable), the rate limit ctx.state.rateLimited, the body
 * budget ctx.state.serverBusy; anything
 * else — a failure to store, a body the parser refused — is `error`. Mounted first on the callback's route, so every request is counted once.
 */
export function callbackMetrics(platform: CallbackPlatform) {
  if (!METRICS_ENABLED) return (_ctx: Context, next: Next) => next();
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } finally {
      const given = (ctx.state.rateLimited ? 'rate-limited' : ctx.state.callbackOutcome) as CallbackOutcome | undefined;
      recordCallback(platform, ctx.state.serverBusy ? 'server-busy' : given && ctx.status < 500 ? given : 'error');
    }
  };
}

/**
 * The worker's /metrics (METRICS_PORT): a plain HTTP server on `host` (default loopback) answering
 * GET /metrics and nothing else.
 */
export async function startMetricsServer(dataSource: DataSource, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics' || !METRICS_ENABLED) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(METRICS_ENABLED ? 'not found\n' : 'metrics are off (METRICS=off)\n');
      return;
    }
    renderMetrics(dataSource).then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message.split('\n')[0]}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
